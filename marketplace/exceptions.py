"""Domain errors and the one DRF exception handler that renders API.md's error format.

Every service raises a `DomainError` subclass; the API maps it to
`{"code", "detail", "rule", "fields"}` with its status, and views map it to form errors.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .availability import RETRY_AFTER_SECONDS, is_database_unavailable, warn_database_unavailable


class DomainError(Exception):
    """A business rule refused an action. Subclasses set code, status and rule."""

    code = "invalid"
    status_code = 400
    rule: str | None = None
    default_detail = _("请求无效。")

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        rule: str | None = None,
        fields: dict | None = None,
        status_code: int | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        if rule:
            self.rule = rule
        if status_code:
            self.status_code = status_code
        self.fields = fields
        super().__init__(self.detail)

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": str(self.detail), "rule": self.rule}
        if self.fields:
            body["fields"] = self.fields
        return body


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_detail = _("未找到该对象，或您无权查看。")


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_detail = _("与当前状态冲突。")


class Forbidden(DomainError):
    code = "permission_denied"
    status_code = 403
    default_detail = _("您没有执行此操作的权限。")


class TrustPassRequired(Forbidden):
    code = "trustpass_required"
    rule = "R-M3"
    default_detail = _("此功能仅限诚信通会员使用，请先开通诚信通（/trustpass/）。")


class FileTooLarge(DomainError):
    code = "file_too_large"
    status_code = 413
    default_detail = _("文件过大。")


class ServiceUnavailable(DomainError):
    """PostgreSQL is away (issue 17): 503 with Retry-After, the API and pages alike."""

    code = "service_unavailable"
    status_code = 503
    default_detail = _("系统暂时无法访问数据库，请稍后重试。")
    retry_after = RETRY_AFTER_SECONDS


_DRF_CODES = {
    drf.NotAuthenticated: ("not_authenticated", _("请先登录（提供 Token 或登录会话）。")),
    drf.AuthenticationFailed: ("authentication_failed", _("身份验证失败：Token 无效或已过期。")),
    drf.PermissionDenied: ("permission_denied", _("您没有执行此操作的权限。")),
    drf.NotFound: ("not_found", _("未找到该对象，或您无权查看。")),
    drf.MethodNotAllowed: ("method_not_allowed", _("不支持该请求方法。")),
    drf.Throttled: ("rate_limited", _("请求过于频繁，请稍后再试。")),
    drf.ParseError: ("parse_error", _("请求内容无法解析，请发送合法的 JSON。")),
    drf.UnsupportedMediaType: ("unsupported_media_type", _("不支持的内容类型。")),
    drf.NotAcceptable: ("not_acceptable", _("无法提供所请求的格式。")),
}


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else [str(value)]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(m) for m in detail]} if isinstance(detail, list) else {}


def api_exception_handler(exc, context):
    """Render every error as API.md says: code, Chinese detail, rule, optional fields."""
    if is_database_unavailable(exc):
        warn_database_unavailable("api", exc)
        exc = ServiceUnavailable()
    if isinstance(exc, DomainError):
        response = Response(exc.as_dict(), status=exc.status_code)
        if exc.status_code in (429, 503) and getattr(exc, "retry_after", None):
            response["Retry-After"] = str(int(exc.retry_after))
        return response
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = drf.ValidationError(fields)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()), [gettext("输入有误。")])[0]
        field_name = next(iter(fields), "")
        detail = (
            first
            if field_name in ("", "non_field_errors")
            else gettext("%(field)s：%(error)s") % {"field": field_name, "error": first}
        )
        response.data = {"code": "invalid", "detail": detail, "rule": None, "fields": fields}
        return response
    code, detail = "error", str(getattr(exc, "detail", "")) or gettext("请求失败。")
    for cls, (c, d) in _DRF_CODES.items():
        if isinstance(exc, cls):
            code, detail = c, str(d)
            break
    if isinstance(exc, drf.Throttled) and exc.wait:
        detail = gettext("请求过于频繁，请在 %(seconds)d 秒后再试。") % {
            "seconds": int(exc.wait) + 1
        }
    if response.status_code == status.HTTP_401_UNAUTHORIZED or isinstance(
        exc, drf.NotAuthenticated
    ):
        response.status_code = status.HTTP_401_UNAUTHORIZED
    response.data = {"code": code, "detail": detail, "rule": None}
    return response
