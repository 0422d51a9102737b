from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "询盘与收藏"

    def ready(self) -> None:
        from members.dashboard import register_dashboard_panel

        # Answers listings' signals (a displayed listing counts a view, R-L5).
        from . import receivers  # noqa: F401

        register_dashboard_panel(
            "inquiry_stats", template="inquiries/_dashboard_stats.html", order=20
        )
