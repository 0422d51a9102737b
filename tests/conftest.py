import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.browser import browser  # noqa: F401  (the one Chromium fixture for every browser test)
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate limits and cached reads must not leak from one test into the next."""
    _clear_own_keys()
    yield
    _clear_own_keys()


def _clear_own_keys():
    # Only this run's keys: Redis is shared with the Celery broker and other runs, and
    # RedisCache.clear() would flush the whole database.
    client = cache._cache.get_client(write=True)
    prefix = cache.make_key("")
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def member(db):
    """An ordinary (non-TrustPass) member's user account."""
    return UserFactory()


@pytest.fixture
def trustpass_member(db):
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True, company=CompanyFactory())


def auth_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client
