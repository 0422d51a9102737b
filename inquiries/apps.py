from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("询盘与收藏")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported.
        from members.dashboard import register_dashboard_panel

        # Answers listings' signals (a displayed listing counts a view, R-L5).
        from . import receivers  # noqa: F401

        register_dashboard_panel(
            "inquiry_stats", template="inquiries/_dashboard_stats.html", order=20
        )
