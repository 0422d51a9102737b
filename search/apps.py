from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("搜索")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported.
        # Answers the lower apps' signals (listing and membership changes, R-S2).
        from . import receivers  # noqa: F401
