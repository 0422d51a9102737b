from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "会员与企业"

    def ready(self) -> None:
        # R-M2: TrustPass years are paid through the one payment-gateway interface.
        from trade.gateway import register_payment_handler

        register_payment_handler("trustpass", "members.services.trustpass_purchase_paid")
