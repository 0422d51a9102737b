from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = _("网上商铺")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported.
        from members.dashboard import register_dashboard_panel

        register_dashboard_panel("storefront", template="storefront/_dashboard_card.html", order=40)
