from django.apps import AppConfig


class TradeConfig(AppConfig):
    name = "trade"
    verbose_name = "支付宝交易"

    def ready(self) -> None:
        from . import system_checks  # noqa: F401
        from .gateway import register_payment_handler

        # Payments with reference "order:<id>" pay for an escrow order (R-T1).
        register_payment_handler("order", "trade.services.order_payment_succeeded")
