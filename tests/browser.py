"""One way to drive Debian's Chromium with Playwright, for every browser test in the suite.

`browser` is function-scoped on purpose: while a sync Playwright session is open, its event
loop counts as running in this thread, so Django's async-safety guard and its per-context
database connections would change under every test that came after a longer-lived one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Registered own domains (*.cn) resolve to this machine, as their DNS would point at the
    # platform; *.localhost needs no rule (browsers resolve it to loopback themselves).
    "--host-resolver-rules=MAP *.cn 127.0.0.1",
]
TIMEOUT_MS = 20_000


@pytest.fixture
def browser(monkeypatch):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay
    # synchronous. Set for this test only, so it never leaks into other tests or subprocesses.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # The test body's ORM calls got connections of Playwright's context: close them,
            # or the test database cannot be dropped at the end of the run.
            connections.close_all()


def shot(page, folder: str, name: str) -> Path:
    """A full-page screenshot under test-artifacts/<folder>/ (kept out of git)."""
    path = ARTIFACTS / folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
