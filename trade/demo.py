"""Demo data of the trade app for `manage.py seed_demo` (idempotent)."""


def seed(stdout) -> None:
    """Filled in by the trade issue."""
