"""The payment-gateway interface (R-T1) and the local test gateway.

Money moves through a `PaymentGateway`: the project creates a `trade.models.Payment` for
something to be paid, the gateway sends the payer to its payment page, and later tells us in
a *signed callback* (异步通知) that the money arrived; a paid payment can be refunded. The
gateway is an adapter to a provider and holds no business rules; the business actions
(`payment_create`, `payment_callback_receive`, `payment_refund`) are in `trade/services.py`.

Choosing the gateway
--------------------
`get_gateway()` returns the gateway named by `settings.PAYMENT_GATEWAY` (default `"test"`);
`settings.PAYMENT_GATEWAYS` maps names to classes (dotted paths). A real provider is added by
writing a subclass of `PaymentGateway` (create_payment → the payer's URL, verify_callback →
`CallbackData` or `InvalidSignature`, refund → refund number or `RefundFailed`, honouring
the idempotency key: the provider's out_request_no) and configuring e.g.::

    PAYMENT_GATEWAYS = {"test": "trade.gateway.LocalTestGateway",
                        "alipay": "payments_alipay.AlipayGateway"}
    PAYMENT_GATEWAY = "alipay"

A payment remembers the gateway that made it, so refunds and late callbacks of older
payments still go to the right one. Providers post their callbacks to
`/pay/notify/<gateway name>/` (`trade:payment_notify`), which answers
`gateway.callback_ok_body` / `callback_fail_body`.

The local test gateway (`LocalTestGateway`, name "test") ships with the project: its own
payment page (`/pay/test/<payment number>/`) where the signed-in payer confirms, an
HMAC-SHA256-signed callback (secret `settings.PAYMENT_TEST_GATEWAY_SECRET`, else derived
from SECRET_KEY) and instant refunds, booked by idempotency key (`LocalGatewayRefund`) as a
provider does. It can also settle a payment without the page
(`can_settle_directly`), which the API's `POST /orders/{id}/pay/` and the demo data use.

Paying for something else (e.g. a TrustPass year)
-------------------------------------------------
Every payment carries a `reference` "<prefix>:<id>", e.g. "order:12" or "trustpass:5".
When a payment succeeds, the handler registered for its prefix is called. TrustPass years
are sold this way (trade/trustpass_services.py); an app that sells something (trade, or an
app above it):

1. registers its handler once, in its `AppConfig.ready()`::

       from trade.gateway import register_payment_handler
       register_payment_handler("trustpass", "trade.trustpass_services.trustpass_purchase_paid")

   (a callable or a dotted path, resolved on first use so no import cycle arises);

2. starts a payment in its own service and sends the user to `payment.pay_url`::

       from trade.services import payment_create
       payment = payment_create(
           reference=f"trustpass:{purchase.pk}", amount=Decimal("2800.00"),
           subject="诚信通会员 1 年", payer=company,
           return_url=reverse("trade:trustpass_purchase", args=[purchase.pk]),
       )
       return redirect(payment.pay_url)

3. writes the handler: `handler(payment) -> bool`. It is called inside the transaction
   that marks the payment succeeded, with the payment row locked; it must lock its own
   object (select_for_update), be idempotent (a replayed callback calls it again: return
   True when the payment was already applied), and return True when it applied the payment,
   False when the object no longer wants it (e.g. it was cancelled meanwhile): the payment
   is then refunded automatically. Raising a `DomainError` rolls everything back and the
   callback is answered "fail", so the provider retries later.

Refunds of such payments: `trade.services.payment_refund(payment_id=..., reason=...)`.
Refunds are asked of the gateway after our transaction commits, with a key of the payment's
own, and retried until the gateway confirms (trade/refunds.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .exceptions import (
    GatewayCannotSettleDirectly,
    InvalidSignature,
    PaymentNotFound,
    RefundFailed,
    UnknownPaymentReference,
)

if TYPE_CHECKING:
    from .models import Payment

DEFAULT_GATEWAYS = {"test": "trade.gateway.LocalTestGateway"}
REFERENCE_RE = re.compile(r"^(?P<prefix>[a-z][a-z0-9_]{0,29}):(?P<id>[A-Za-z0-9_-]{1,32})$")


@dataclass(frozen=True)
class CallbackData:
    """What a verified callback says about one of our payments."""

    number: str  # our Payment.number (out_trade_no)
    provider_trade_no: str
    amount: Decimal
    succeeded: bool


class PaymentGateway(ABC):
    """An adapter to one payment provider. Stateless; one instance per `get_gateway()`."""

    name: str = ""
    #: Can it mark a payment paid without a payer on its page (test gateways only)?
    can_settle_directly: bool = False
    callback_ok_body = "success"
    callback_fail_body = "fail"

    @abstractmethod
    def create_payment(self, payment: Payment) -> str:
        """Register `payment` with the provider; return the URL to send the payer to."""

    @abstractmethod
    def verify_callback(self, data: Mapping[str, str]) -> CallbackData:
        """Check the provider's signature on a callback; raise `InvalidSignature` if it does
        not hold, else return what it says."""

    @abstractmethod
    def refund(
        self, payment: Payment, *, amount: Decimal, reason: str, idempotency_key: str
    ) -> str:
        """Give `amount` of a successful payment back; return the provider's refund number
        or raise `RefundFailed`. Idempotent by `idempotency_key`: a second call with the
        same key (a retry after a timeout or a crash) returns the first call's refund number
        and moves no money; the provider refuses more than was paid."""

    def settle_directly(self, payment: Payment) -> dict[str, str]:
        """A signed success callback for `payment` as if the payer had paid (test only)."""
        raise GatewayCannotSettleDirectly()


class LocalTestGateway(PaymentGateway):
    """The project's own test gateway: payment page, HMAC-signed callback, refunds."""

    name = "test"
    can_settle_directly = True
    SUCCESS = "TRADE_SUCCESS"
    CLOSED = "TRADE_CLOSED"
    SIGNED_FIELDS = ("number", "provider_trade_no", "amount", "status", "reference", "notify_time")

    def __init__(self, secret: str | None = None) -> None:
        configured = secret or getattr(settings, "PAYMENT_TEST_GATEWAY_SECRET", "")
        if not configured:
            configured = hmac.new(
                settings.SECRET_KEY.encode(), b"trade.LocalTestGateway", hashlib.sha256
            ).hexdigest()
        self._secret = configured.encode()

    # -- signing ---------------------------------------------------------------------
    @staticmethod
    def canonical(fields: Mapping[str, str]) -> bytes:
        """`k=v` pairs of every field but `sign`, sorted by key, joined by `&`."""
        return "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sign").encode()

    def sign(self, fields: Mapping[str, str]) -> str:
        return hmac.new(self._secret, self.canonical(fields), hashlib.sha256).hexdigest()

    def notification_for(self, payment: Payment, *, succeeded: bool = True) -> dict[str, str]:
        """The signed callback the test provider sends when the payer paid (or gave up)."""
        fields = {
            "number": payment.number,
            "provider_trade_no": f"TEST{payment.number}",
            "amount": f"{payment.amount:.2f}",
            "status": self.SUCCESS if succeeded else self.CLOSED,
            "reference": payment.reference,
            "notify_time": timezone.now().isoformat(timespec="seconds"),
        }
        fields["sign"] = self.sign(fields)
        return fields

    # -- the interface ---------------------------------------------------------------
    def create_payment(self, payment: Payment) -> str:
        return reverse("trade:test_gateway_pay", args=[payment.number])

    def verify_callback(self, data: Mapping[str, str]) -> CallbackData:
        fields = {k: str(data.get(k, "")) for k in self.SIGNED_FIELDS}
        given = str(data.get("sign", ""))
        if not given or set(data) - {*self.SIGNED_FIELDS, "sign"}:
            raise InvalidSignature()
        if not hmac.compare_digest(given.encode(), self.sign(fields).encode()):
            raise InvalidSignature()
        if fields["status"] not in (self.SUCCESS, self.CLOSED):
            raise InvalidSignature(_("支付通知的状态无法识别，已拒绝。"))
        try:
            amount = Decimal(fields["amount"])
        except InvalidOperation:
            raise InvalidSignature(_("支付通知的金额格式错误，已拒绝。"))
        return CallbackData(
            number=fields["number"],
            provider_trade_no=fields["provider_trade_no"],
            amount=amount,
            succeeded=fields["status"] == self.SUCCESS,
        )

    def refund(
        self, payment: Payment, *, amount: Decimal, reason: str, idempotency_key: str
    ) -> str:
        from .models import LocalGatewayRefund  # the gateway's books; imported on use

        with transaction.atomic():
            # As a provider does, one payment's refunds are booked one at a time: a second
            # call with the same key at the same moment waits, then finds the first's refund
            # (checked under the lock, so it is not mistaken for a refund beyond the amount).
            type(payment).objects.select_for_update().filter(pk=payment.pk).exists()
            done = LocalGatewayRefund.objects.filter(idempotency_key=idempotency_key).first()
            if done is None:
                booked = LocalGatewayRefund.objects.filter(payment_number=payment.number)
                already = sum((r.amount for r in booked), Decimal("0"))
                if already + amount > payment.amount:
                    raise RefundFailed(_("退款金额超过该笔付款的可退金额，支付机构拒绝退款。"))
                done = LocalGatewayRefund.objects.create(
                    idempotency_key=idempotency_key,
                    payment_number=payment.number,
                    amount=amount,
                    refund_no=f"TESTRF{secrets.token_hex(8).upper()}",
                    reason=reason[:200],
                )
        if done.payment_number != payment.number or done.amount != amount:
            raise RefundFailed(_("退款请求号已用于另一笔退款，支付机构拒绝退款。"))
        return done.refund_no

    def settle_directly(self, payment: Payment) -> dict[str, str]:
        return self.notification_for(payment, succeeded=True)


# -- choosing a gateway --------------------------------------------------------------------
def _gateway_paths() -> dict[str, str]:
    return {**DEFAULT_GATEWAYS, **getattr(settings, "PAYMENT_GATEWAYS", {})}


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway called `name`, or the configured default (`settings.PAYMENT_GATEWAY`)."""
    name = name or getattr(settings, "PAYMENT_GATEWAY", "test")
    path = _gateway_paths().get(name)
    if path is None:
        raise PaymentNotFound(_("未配置名为「%(name)s」的支付渠道。") % {"name": name})
    gateway = import_string(path)()
    if gateway.name != name:
        raise ValueError(f"gateway {path} is named {gateway.name!r}, configured as {name!r}")
    return gateway


# -- handlers per reference prefix ---------------------------------------------------------
PaymentHandler = Callable[["Payment"], bool]
_HANDLERS: dict[str, PaymentHandler | str] = {}
_RESOLVED: dict[str, PaymentHandler] = {}


def register_payment_handler(prefix: str, handler: PaymentHandler | str) -> None:
    """Call `handler(payment) -> bool` when a payment whose reference starts with
    "<prefix>:" succeeds. `handler` is a callable or a dotted path. Registering the same
    handler again is harmless; a different one for a taken prefix is an error."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", prefix):
        raise ValueError(f"invalid reference prefix {prefix!r}")
    current = _HANDLERS.get(prefix)
    if current is not None and current != handler:
        raise ValueError(f"a payment handler is already registered for {prefix!r}")
    _HANDLERS[prefix] = handler
    _RESOLVED.pop(prefix, None)


def unregister_payment_handler(prefix: str) -> None:
    """For tests."""
    _HANDLERS.pop(prefix, None)
    _RESOLVED.pop(prefix, None)


def get_payment_handler(prefix: str) -> PaymentHandler:
    handler = _HANDLERS.get(prefix)
    if handler is None:
        raise UnknownPaymentReference(
            _("支付单的业务引用前缀「%(prefix)s」没有登记处理程序，无法处理付款结果。")
            % {"prefix": prefix}
        )
    if prefix not in _RESOLVED:
        _RESOLVED[prefix] = import_string(handler) if isinstance(handler, str) else handler
    return _RESOLVED[prefix]


def parse_reference(reference: str) -> tuple[str, str]:
    """("order", "12") for "order:12"; `UnknownPaymentReference` if malformed or unhandled."""
    match = REFERENCE_RE.match(reference or "")
    if not match:
        raise UnknownPaymentReference(
            _("支付单的业务引用「%(reference)s」格式不正确，应为「前缀:编号」，如 order:12。")
            % {"reference": reference}
        )
    get_payment_handler(match["prefix"])
    return match["prefix"], match["id"]
