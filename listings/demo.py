"""Demo data of the listings app for `manage.py seed_demo` (idempotent)."""


def seed(stdout) -> None:
    """Filled in by the listings issue."""
