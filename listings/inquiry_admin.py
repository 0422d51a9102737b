"""Admin of the inquiry models (imported by listings/admin.py)."""
