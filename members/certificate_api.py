"""GET /api/v1/identity-certificates/{code}/: the online identity certificate (专属网上身份
证明, R-M3.3 / R-C2) as anyone may check it (API.md, Accounts and members)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.exceptions import NotFound

from .certificate_selectors import certificate_find


class IdentityCertificateSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="验证码（身份证明上印的 12 位代码）")
    member_id = serializers.CharField()
    company_name = serializers.CharField()
    valid = serializers.BooleanField(
        help_text="今天有效：认证仍然有效且企业今天是诚信通会员（R-M2：结束日当天起无效）"
    )
    valid_from = serializers.DateField(help_text="认证通过的日期")
    valid_until = serializers.DateField(
        allow_null=True,
        help_text="不含：从这一天起无效。有效时为当前诚信通会员期的结束日（同 trustpass_until），"
        "失效后为失效的日期",
    )
    agency = serializers.CharField(help_text="认证机构")
    registration_number = serializers.CharField(
        source="registration_number_masked", help_text="统一社会信用代码（部分隐藏）"
    )
    invalid_reason = serializers.CharField(
        source="reason", allow_null=True, help_text="无效的原因（有效时为 null）"
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["invalid_reason"] = data["invalid_reason"] or None
        return data


class IdentityCertificateApi(APIView):
    """Public: no sign-in, no token read."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="验证码")],
        responses={200: IdentityCertificateSerializer},
    )
    def get(self, request, code: str):
        certificate = certificate_find(code)
        if certificate is None:
            raise NotFound(_("未找到该验证码对应的网上身份证明，请核对后重试。"))
        return Response(IdentityCertificateSerializer(certificate).data)
