from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "网上商铺"

    def ready(self) -> None:
        from members.dashboard import register_dashboard_panel

        register_dashboard_panel("storefront", template="storefront/_dashboard_card.html", order=40)
