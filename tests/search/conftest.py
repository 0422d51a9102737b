"""Fixtures shared by the search selector tests."""

import pytest

from search import stats as search_stats


@pytest.fixture
def fresh_statistics():
    """Each test plans from the statistics of its own rows (kept per process otherwise)."""
    search_stats.clear()
    yield
    search_stats.clear()
