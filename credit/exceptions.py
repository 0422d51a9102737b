"""Domain errors of the credit archive, with API.md's codes (R-C4, R-C5)."""

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, NotFound, TrustPassRequired


class NotAParty(NotFound):
    code = "not_a_party"
    rule = "R-C4"
    default_detail = _("未找到该交易，或您不是这笔交易的买家或卖家，不能评价。")


class SelfReview(DomainError):
    code = "self_review"
    rule = "R-C4"
    default_detail = _("不能评价自己的企业。")


class ReviewTrustPassRequired(TrustPassRequired):
    rule = "R-C4"
    default_detail = _(
        "只有买卖双方在评价时都是诚信通会员才能评价；请先开通或续签诚信通（/trustpass/）。"
    )


class TradeNotPaid(DomainError):
    code = "trade_not_paid"
    rule = "R-C4"
    default_detail = _("这笔交易买家从未付款（待付款、已取消或超时关闭），未付款的交易不能评价。")


class TradeInProgress(Conflict):
    code = "trade_in_progress"
    rule = "R-C4"
    default_detail = _(
        "这笔交易仍在进行中（已付款、已发货或纠纷处理中），交易结束后才能评价："
        "交易成功可给好评、中评或差评；退款或付款后取消的交易可给中评或差评。"
    )


class RatingNotAllowed(DomainError):
    code = "rating_not_allowed"
    rule = "R-C4"
    default_detail = _(
        "只有交易成功（已确认收货）才能给好评；退款或付款后取消的交易只能选择中评或差评。"
    )


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    rule = "R-C4"
    default_detail = _("您已经评价过这笔交易，每笔交易只能评价一次。")


class CertificateNotFound(NotFound):
    default_detail = _("未找到该证书。")


class CertificateDecisionInvalid(Conflict):
    code = "certificate_decision_invalid"
    rule = "R-C5"
    default_detail = _("该证书当前状态不能执行此操作。")


class ReferenceNotFound(NotFound):
    default_detail = _("未找到该资信参考人。")


REVIEW_ERRORS = {
    "not_a_party": NotAParty,
    "self_review": SelfReview,
    "trustpass_required": ReviewTrustPassRequired,
    "trade_not_paid": TradeNotPaid,
    "trade_in_progress": TradeInProgress,
    "rating_not_allowed": RatingNotAllowed,
    "already_reviewed": AlreadyReviewed,
}
