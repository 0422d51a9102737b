"""Fixtures of the storefront tests that tests in other folders use too (tests/e2e/): import
them by name into a conftest.py or a test module."""

import pytest


@pytest.fixture(autouse=True)
def _mailbox_root(settings, tmp_path):
    settings.MAILBOX_ROOT = tmp_path / "mailbox"
