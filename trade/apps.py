from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "trade"
    verbose_name = _("支付宝交易")

    def ready(self) -> None:
        # Imported here, not at the top: Django imports apps.py while it fills the app
        # registry, before models may be imported (members.dashboard imports members' models).
        from members.dashboard import register_dashboard_panel

        from . import system_checks  # noqa: F401
        from .gateway import register_payment_handler

        # Payments with reference "order:<id>" pay for an escrow order (R-T1), those with
        # "trustpass:<id>" for TrustPass years (R-M2).
        register_payment_handler("order", "trade.services.order_payment_succeeded")
        register_payment_handler("trustpass", "trade.trustpass_services.trustpass_purchase_paid")
        # 我的阿里助手: the orders waiting for the company (trade/_dashboard_orders.html).
        register_dashboard_panel("trade_orders", template="trade/_dashboard_orders.html", order=30)
        # Issue 14: an unpaid TrustPass order is resumed (继续支付), not bought again.
        register_dashboard_panel(
            "trustpass_unpaid",
            _trustpass_unpaid,
            template="trade/_dashboard_trustpass_unpaid.html",
            order=5,
        )


def _trustpass_unpaid(company) -> dict:
    from .selectors import membership_order_unpaid

    return {"trustpass_unpaid_order": membership_order_unpaid(company)}
