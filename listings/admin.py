"""Admin of listings: categories, term lists, the moderation queue (R-L3, R-L4)."""

from . import inquiry_admin  # noqa: F401  (registers the inquiry models)
