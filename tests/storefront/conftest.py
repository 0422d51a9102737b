import pytest

from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.storefront.fixtures import _mailbox_root  # noqa: F401 (autouse: shared with tests/e2e/)


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
