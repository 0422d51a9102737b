"""The API's OpenAPI description (issue 17, finding 10): the schema at /api/v1/schema/ says
what every operation answers, errors included.

- `ErrorSerializer` is the `Error` component: API.md's `{code, detail, rule, fields}`, what
  `marketplace.exceptions.api_exception_handler` renders for every 4xx.
- `AutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to each operation the error answers
  that follow from how its view is built, so no view lists them by hand: 400 for input (a
  body or a query parameter other than the page ones), 415 for a body, 401 wherever a token
  is read (a bad one is refused even on public reads), 403 where permissions or CSRF (unsafe
  methods under session auth) can refuse, 404 for a path parameter or a page number, 429
  where a throttle applies. Codes a business rule adds (409, 413, …) come with the view's
  `@extend_schema(responses={…, **errors(409)})`.
- `QueryChoice`, `QueryFlag` and `QueryText` declare a query parameter for the schema and
  read it from the request with the same definition: an unknown value is a 400 `invalid`
  naming the parameter (and the values it takes), never a silent fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication

from .exceptions import DomainError

# --- the Error component ----------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """API.md's error format: a snake_case code, a Chinese message, the rule (R-…) when one
    applies, and the field errors of a 400 `invalid`."""

    code = serializers.CharField(help_text="snake_case: invalid, not_found, trustpass_required…")
    detail = serializers.CharField(help_text="给用户看的中文说明")
    rule = serializers.CharField(allow_null=True, help_text="R-… (RULES.md), or null")

    def get_fields(self):
        # "fields" would shadow Serializer.fields as a class attribute.
        return {
            **super().get_fields(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                required=False,
                help_text="字段名 → 错误说明（400 invalid）",
            ),
        }


ERROR_DESCRIPTIONS = {
    400: "请求无效：`invalid`（`fields` 列出各字段的问题）或规则的代码",
    401: "未登录，或 Token 无效",
    403: "无权执行：权限、CSRF、诚信通特权（`trustpass_required`）、企业内角色（`role_required`）等",
    404: "未找到，或不是您的对象；页码超出范围",
    409: "与对象当前的状态冲突",
    413: "文件过大（`file_too_large`）",
    415: "不支持的内容类型",
    429: "请求过于频繁（`rate_limited`），`Retry-After` 给出等待秒数",
    502: "支付网关出错（`refund_failed`），稍后重试",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """`@extend_schema(responses={200: …, **errors(409)})`: error answers of the Error shape."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in codes
    }


# --- the schema class ---------------------------------------------------------------------

_PAGE_PARAMETERS = ("page", "page_size")


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(str(code), self._error_response(code))
        if "429" in responses:
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "等待的秒数",
            }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_basic_serializer(self, serializer, direction):
        """A serializer's `optional_fields` are left out of `required`: the keys it gives only
        to some readers (a listing's review details go to its owner and staff alone)."""
        schema = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(serializer, "optional_fields", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
        return schema

    def _error_response(self, code: int) -> dict:
        response = self._get_response_for_code(ErrorSerializer, str(code))
        response["description"] = ERROR_DESCRIPTIONS[code]
        return response

    def _error_codes(self, operation: dict) -> set[int]:
        view = self.view
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        query = {p["name"] for p in parameters if p["in"] == "query"}
        codes = set()
        if has_body or query - set(_PAGE_PARAMETERS):
            codes.add(400)
        if has_body:
            codes.add(415)
        authenticators = view.get_authenticators()
        if authenticators:
            codes.add(401)
        safe = self.method in permissions.SAFE_METHODS
        csrf = not safe and any(isinstance(a, SessionAuthentication) for a in authenticators)
        if csrf or not all(
            isinstance(p, permissions.AllowAny)
            or (safe and isinstance(p, permissions.IsAuthenticatedOrReadOnly))
            for p in view.get_permissions()
        ):
            codes.add(403)
        if any(p["in"] == "path" for p in parameters) or "page" in query:
            codes.add(404)
        if view.get_throttles():
            codes.add(429)
        return codes


# --- query parameters, declared and read from one definition ---------------------------------

# C0 control characters and DEL, but not tab, newline and carriage return: PostgreSQL refuses
# a NUL byte in a string, and none of them belongs in a query.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same for the schema: text without those characters.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"


def has_control(value: str | None) -> bool:
    return bool(value) and _CONTROL.search(value) is not None


class InvalidQuery(DomainError):
    code = "invalid"
    default_detail = "查询参数无效。"

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message, fields={name: [message]})


def _or_list(values: Sequence[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else "、".join(values[:-1]) + " 或 " + values[-1]


class QueryChoice:
    """`?name=` one of `values` (absent or empty: `default`)."""

    def __init__(self, name: str, values: Sequence[str], *, default=None, description=""):
        self.name, self.values, self.default = name, list(values), default
        self.parameter = OpenApiParameter(
            name, str, enum=self.values, default=default, description=description
        )

    def read(self, request) -> str | None:
        raw = request.query_params.get(self.name)
        if raw in (None, ""):
            return self.default
        if raw not in self.values:
            raise InvalidQuery(self.name, f"{self.name} 只能是 {_or_list(self.values)}。")
        return raw


class QueryFlag:
    """`?name=1` (or true) to switch a filter on; 0, false or absent leave it off."""

    _VALUES = {"1": True, "true": True, "0": False, "false": False, "": False}

    def __init__(self, name: str, *, description=""):
        self.name = name
        self.parameter = OpenApiParameter(name, bool, description=description)

    def read(self, request) -> bool:
        raw = request.query_params.get(self.name, "")
        if raw.lower() not in self._VALUES:
            raise InvalidQuery(self.name, f"{self.name} 只能是 1、0、true 或 false。")
        return self._VALUES[raw.lower()]


class QueryText:
    """`?name=` free text without control characters (PostgreSQL refuses a NUL byte)."""

    def __init__(self, name: str, *, description=""):
        self.name = name
        self.parameter = OpenApiParameter(name, str, pattern=TEXT_PATTERN, description=description)

    def read(self, request) -> str:
        value = request.query_params.get(self.name, "")
        if has_control(value):
            raise InvalidQuery(self.name, f"{self.name} 不能包含控制字符（如 %00）。")
        return value
