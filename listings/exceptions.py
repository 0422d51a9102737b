"""Domain errors of listings (R-L1–R-L5); the API renders them as {code, detail, rule}."""

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, Forbidden, NotFound
from members import exceptions as members_exceptions


class ListingNotFound(NotFound):
    code = "not_found"
    default_detail = _("未找到该供求信息，或您无权查看。")


class NoCompany(members_exceptions.NoCompany):
    default_detail = _("您的账号尚未关联企业，不能发布供求信息，请联系客服。")


class NotListingOwner(Forbidden):
    code = "permission_denied"
    default_detail = _("只有发布该信息的企业才能修改它。")


class InvalidListing(DomainError):
    code = "invalid"
    rule = "R-L1"
    default_detail = _("信息填写有误，请按提示修改。")


class InvalidTransition(Conflict):
    """The listing's status does not allow this action (R-L2)."""

    code = "invalid_status"
    rule = "R-L2"
    default_detail = _("该信息当前的状态不允许此操作，请刷新页面后再试。")


class ChecksFailed(Conflict):
    code = "checks_failed"
    rule = "R-L3"
    default_detail = _("该信息未通过自动检查，不能审核通过；请驳回并告知卖家修改原因。")


class ChecksPending(Conflict):
    code = "checks_pending"
    rule = "R-L3"
    default_detail = _("自动检查尚未完成，请稍候几秒再审核。")


class RefreshTooSoon(Conflict):
    code = "refresh_too_soon"
    rule = "R-L2"
    default_detail = _("每条信息每天只能重发一次，今天已经重发过了，请明天再试。")


class TooManyImages(DomainError):
    code = "too_many_images"
    rule = "R-L5"
    default_detail = _("每条信息最多上传 6 张图片，请先删除不需要的图片再上传。")


class InvalidRejection(DomainError):
    code = "invalid"
    rule = "R-L3"
    default_detail = _("请至少选择一个未通过原因。")


class TermExists(Conflict):
    code = "term_exists"
    default_detail = _("该词语已在列表中。")
