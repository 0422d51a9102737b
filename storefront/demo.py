"""Demo data of the storefront app for `manage.py seed_demo` (idempotent)."""


def seed(stdout) -> None:
    """Filled in by the storefront issue."""
