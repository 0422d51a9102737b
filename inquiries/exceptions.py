"""Domain errors of inquiries, quotations, favourites and reports (R-I1, R-M3.1)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError, NotFound, TrustPassRequired

__all__ = [
    "InquiryNotAllowed",
    "InquiryNotFound",
    "InquiryRateLimited",
    "ListingNotInquirable",
    "ReportAlreadyOpen",
    "TrustPassRequired",
]


class InquiryNotFound(NotFound):
    code = "not_found"
    default_detail = _("未找到该询盘，或您无权查看。")


class ListingNotInquirable(NotFound):
    code = "listing_not_found"
    rule = "R-I1"
    default_detail = _("该信息不存在或已下架，无法询价。请返回搜索其他信息。")


class InquiryNotAllowed(DomainError):
    code = "inquiry_not_allowed"
    rule = "R-I1"
    default_detail = _("不能向自己的企业发送询盘或报价。")


class InquiryRateLimited(DomainError):
    """R-I1: too many inquiries from one sender within the hour. Carries `retry_after`."""

    code = "rate_limited"
    status_code = 429
    rule = "R-I1"

    def __init__(self, *, limit: int, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        minutes = (self.retry_after + 59) // 60
        super().__init__(
            gettext(
                "您在一小时内最多可发送 %(limit)s 条询盘，已达上限。请在约 %(minutes)s 分钟后再试，"
                "或在收件箱中继续已有的对话。"
            )
            % {"limit": limit, "minutes": minutes}
        )


class ReportAlreadyOpen(DomainError):
    code = "already_reported"
    status_code = 409
    default_detail = _("您已举报过该信息，工作人员正在处理，请耐心等待。")
