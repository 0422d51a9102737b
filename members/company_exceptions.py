"""Refusals of the company profile and colleague services (issue 14), in API.md's format."""

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, NotFound


class ChangeRequestPending(Conflict):
    code = "change_request_pending"
    rule = "R-C2"
    default_detail = _(
        "贵公司已有一份企业名称/统一社会信用代码变更申请正在审核中，请等待审核结果后再提交。"
    )


class ChangeRequestNotPending(Conflict):
    code = "change_request_not_pending"
    default_detail = _("该变更申请已审核过，不能再次审核。")


class RegistrationNumberNotVerified(DomainError):
    code = "not_verified"
    rule = "R-C2"
    default_detail = _(
        "贵公司尚未通过身份认证，统一社会信用代码请在“身份认证”申请中填写，通过后才能变更。"
    )


class InvitationInvalid(DomainError):
    """A colleague invitation link that was altered, expired, used or withdrawn."""

    code = "invitation_invalid"
    status_code = 400
    default_detail = _("邀请链接无效，请确认链接完整，或联系贵公司的管理员重新邀请。")


class AlreadyInvited(Conflict):
    code = "already_invited"
    default_detail = _("已向该邮箱发出邀请，对方尚未接受；可以在同事列表中重新发送邀请邮件。")


class AlreadyColleague(Conflict):
    code = "already_colleague"
    default_detail = _("该邮箱的账号已是贵公司的同事。")


class LastAdministrator(Conflict):
    code = "last_admin"
    default_detail = _(
        "企业至少要有一位管理员：请先把另一位同事设为管理员，再移除或调整这位管理员。"
    )


class AlreadyInCompany(Conflict):
    code = "already_in_company"
    default_detail = _("您的账号已属于一家企业，不能再加入其他企业。请退出登录后用新账号接受邀请。")


class ColleagueNotFound(NotFound):
    code = "not_found"
    default_detail = _("未找到该同事或邀请，或不属于贵公司。")
