import pytest

from tests.factories import TrustPassPeriodFactory, UserFactory


@pytest.fixture(autouse=True)
def _mailbox_root(settings, tmp_path):
    settings.MAILBOX_ROOT = tmp_path / "mailbox"


@pytest.fixture
def shop_user(db):
    """A signed-up user whose company is TrustPass now (storefront online)."""
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


@pytest.fixture
def shop_company(shop_user):
    return shop_user.company


def shop_host(company, settings) -> str:
    return f"{company.member_id}.{settings.STOREFRONT_DOMAIN}"
