"""Gateways used by tests through settings, the way a real provider would be plugged in."""

from trade.exceptions import RefundFailed
from trade.gateway import LocalTestGateway


class RedirectOnlyGateway(LocalTestGateway):
    """Stands for a real provider: the payer must go to its page; nothing settles at once."""

    name = "redirect"
    can_settle_directly = False

    def __init__(self):
        super().__init__(secret="redirect-provider-secret")

    def create_payment(self, payment):
        return f"https://pay.example.cn/checkout?no={payment.number}"

    def settle_directly(self, payment):  # a real provider cannot do this
        return super(LocalTestGateway, self).settle_directly(payment)


class RefusingRefundGateway(LocalTestGateway):
    """The test gateway, but the provider refuses every refund."""

    def refund(self, payment, *, amount, reason, idempotency_key):
        raise RefundFailed()
