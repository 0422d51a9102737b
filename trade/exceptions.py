"""Domain errors of escrow trades and payments (R-T1). Codes are part of the API contract."""

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, Forbidden, NotFound


class OrderNotFound(NotFound):
    """Not a party to the order (or no such order): another member's order is a 404."""

    code = "not_found"
    default_detail = _("未找到该订单，或您不是该订单的买家或卖家。")


class ListingNotOrderable(DomainError):
    code = "listing_not_orderable"
    rule = "R-T1"
    default_detail = _("该信息不是支持支付宝担保交易的一口价信息，不能直接下单。")


class OwnListing(DomainError):
    code = "own_listing"
    rule = "R-T1"
    default_detail = _("不能购买本企业发布的信息。")


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    rule = "R-L1"
    default_detail = _("购买数量不正确。")


class CompanyRequired(Forbidden):
    code = "company_required"
    default_detail = _("您的账号尚未关联企业，不能进行交易；请联系客服关联企业后再试。")


class WrongParty(Forbidden):
    """A party to the order tried a move that belongs to the other party."""

    code = "wrong_party"
    rule = "R-T1"
    default_detail = _("您在该订单中的身份不能执行此操作。")


class IllegalTransition(Conflict):
    """The order's current status does not allow this move (R-T1)."""

    code = "illegal_transition"
    rule = "R-T1"
    default_detail = _("订单当前状态不允许此操作，请刷新页面查看最新状态。")


class PaymentError(DomainError):
    code = "payment_error"
    rule = "R-T1"
    default_detail = _("支付处理失败，请稍后重试。")


class InvalidSignature(PaymentError):
    code = "invalid_signature"
    default_detail = _("支付通知的签名无效，已拒绝。")


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_detail = _("未找到该支付单。")


class PaymentAmountMismatch(PaymentError):
    code = "payment_amount_mismatch"
    default_detail = _("支付通知中的金额与支付单不符，已拒绝。")


class UnknownPaymentReference(PaymentError):
    code = "unknown_payment_reference"
    default_detail = _("支付单的业务引用没有登记处理程序（如 order:、trustpass:）。")


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"
    default_detail = _("该支付单尚未付款成功或已退款，不能退款。")


class RefundFailed(PaymentError):
    code = "refund_failed"
    status_code = 502
    default_detail = _("支付机构退款失败，订单状态未改变，请稍后重试。")


class GatewayCannotSettleDirectly(PaymentError):
    code = "gateway_needs_payer"
    status_code = 409
    default_detail = _("当前支付渠道需要付款人在支付页面确认，请打开 payment_url 完成付款。")


class PaymentFailed(DomainError):
    """A TrustPass purchase paid directly (API) did not go through."""

    code = "payment_failed"
    rule = "R-M2"
    default_detail = _("付款未成功，未扣款也未开通会员，请稍后重试或更换支付方式。")
