from marketplace.exceptions import DomainError


class MemberIdUnavailable(DomainError):
    code = "member_id_unavailable"
    rule = "R-M1"
    default_detail = "该会员ID已被使用，请换一个。"


class UsernameTaken(DomainError):
    code = "username_taken"
    default_detail = "该用户名已被注册，请换一个或直接登录。"


class LoginLocked(DomainError):
    code = "login_locked"
    status_code = 429
    default_detail = "登录失败次数过多，账户已被暂时锁定，请 15 分钟后再试或联系客服。"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_detail = "用户名或密码错误，请检查后重试（注意大小写）。"
