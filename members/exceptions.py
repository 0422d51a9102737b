from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Conflict, DomainError, Forbidden


class MemberIdUnavailable(DomainError):
    code = "member_id_unavailable"
    rule = "R-M1"
    default_detail = _("该会员ID已被使用，请换一个。")


class UsernameTaken(DomainError):
    code = "username_taken"
    default_detail = _("该用户名已被注册，请换一个或直接登录。")


class LoginLocked(DomainError):
    code = "login_locked"
    status_code = 429
    default_detail = _("登录失败次数过多，账户已被暂时锁定，请 15 分钟后再试或联系客服。")

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None) -> None:
        # Seconds until the lockout ends (axes' cool-off): the API answers Retry-After.
        self.retry_after = retry_after
        super().__init__(detail)


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_detail = _("用户名或密码错误，请检查后重试（注意大小写）。")


class InvalidRegistrationNumber(DomainError):
    code = "invalid_registration_number"
    rule = "R-C2"
    default_detail = _("统一社会信用代码无效，请核对营业执照上的 18 位代码。")


class VerificationPending(Conflict):
    code = "verification_pending"
    rule = "R-C2"
    default_detail = _("您已有一份认证申请正在审核中，请等待审核结果后再提交。")


class AlreadyVerified(Conflict):
    code = "already_verified"
    rule = "R-C2"
    default_detail = _("贵公司已通过身份认证，无需重复申请。")


class RegistrationNumberTaken(Conflict):
    code = "registration_number_taken"
    rule = "R-C2"
    default_detail = _("该统一社会信用代码已被其他会员认证。如有疑问请联系客服。")


class VerificationNotPending(Conflict):
    code = "verification_not_pending"
    rule = "R-C2"
    default_detail = _("该申请已审核过，不能再次审核。")


class AgencyUnavailable(DomainError):
    code = "invalid_agency"
    rule = "R-C2"
    default_detail = _("请从列表中选择一家认证机构。")


class ReasonRequired(DomainError):
    code = "reason_required"
    rule = "R-C2"
    default_detail = _("请填写原因，告诉企业如何修改后重新申请。")


class InvalidPeriod(DomainError):
    code = "invalid_period"
    rule = "R-M2"
    default_detail = _("结束日期必须晚于开始日期。")


class NoCompany(Forbidden):
    """The signed-in account belongs to no company (a staff account, say): what needs a
    company cannot be done. The API answers 403 `no_company`; pages turn it into a message
    on the dashboard (`members.middleware.NoCompanyMiddleware`)."""

    code = "no_company"
    default_detail = _("您的账号尚未关联企业，请联系客服开通企业账号后再试。")
