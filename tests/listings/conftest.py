"""Fixtures shared by the listing tests (services and API)."""

import pytest

from search import index as search_index
from tests.factories import CompanyFactory, UserFactory
from tests.listings.listing_factories import leaf_category


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def category():
    return leaf_category()


@pytest.fixture
def reindexed(monkeypatch):
    """Spy on the search hook (calls through to the real one)."""
    calls = []
    real = search_index.listing_reindex

    def spy(*, listing_id):
        calls.append(listing_id)
        return real(listing_id=listing_id)

    monkeypatch.setattr(search_index, "listing_reindex", spy)
    return calls


@pytest.fixture
def seller(member):
    return member


@pytest.fixture
def other(db):
    return UserFactory()
