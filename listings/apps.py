from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("供求信息")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported.
        from members.company_page import register_company_section
        from members.dashboard import register_dashboard_panel

        from .company_page import company_listings_section
        from .dashboard import dashboard_listing_counts

        register_dashboard_panel("listing_counts", dashboard_listing_counts)
        register_company_section(
            "listings", company_listings_section, template="listings/_company_listings.html"
        )
