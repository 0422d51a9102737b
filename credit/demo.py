"""Demo data of the credit app for `manage.py seed_demo` (idempotent)."""


def seed(stdout) -> None:
    """Filled in by the credit issue."""
