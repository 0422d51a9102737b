"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
`live_server`. Fixtures for everyone:

- `browser` (tests/browser.py): a Chromium for the test;
- `new_page()`: a fresh page in its own context (own cookies: one per person in a story);
- `page`: one such page, for single-person tests;
- `login(page, username, password)` and `admin_login(...)` helpers; `shot(page, name)` saves
  a full-page screenshot under test-artifacts/e2e/ (not in git).

Media files are served by the live server here (tests run with DEBUG off). Tasks run
eagerly (test settings), so a submitted listing is checked before the next page loads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import ARTIFACTS as ALL_ARTIFACTS
from tests.browser import TIMEOUT_MS

ARTIFACTS = ALL_ARTIFACTS / "e2e"


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def e2e_server(live_server, settings):
    """The live server, with uploaded media served from this test's MEDIA_ROOT."""
    settings.ROOT_URLCONF = "tests.e2e.urls"
    from django.urls import clear_url_caches

    clear_url_caches()
    yield live_server
    clear_url_caches()


@pytest.fixture
def new_page(browser, e2e_server):
    contexts = []

    def make(**options):
        context = browser.new_context(
            base_url=e2e_server.url,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def admin_login(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
