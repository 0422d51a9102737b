from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "供求信息"

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported.
        from members.dashboard import register_dashboard_panel

        from .dashboard import dashboard_listing_counts

        register_dashboard_panel("listing_counts", dashboard_listing_counts)
