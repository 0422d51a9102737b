"""API.md › Storefront domains (R-F2): check a name, register the company's own domain."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.openapi import errors
from marketplace.pagination import PageNumberPagination
from members.selectors import user_company

from . import rules, selectors, services
from .models import Domain

_SUFFIXES = [*rules.SUFFIXES, rules.SUFFIX_ALL]


class DomainCheckInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, trim_whitespace=True)
    suffix = serializers.ChoiceField(choices=_SUFFIXES, default=rules.SUFFIX_ALL)


class DomainResultSerializer(serializers.Serializer):
    domain = serializers.CharField()
    display = serializers.CharField(help_text="Chinese names in Chinese (the domain is IDNA).")
    available = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=[rules.REASON_INVALID, rules.REASON_RESERVED, rules.REASON_TAKEN],
        allow_null=True,
    )
    detail = serializers.CharField(allow_null=True, help_text="Why not, in Chinese.")


class DomainRegisterInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, trim_whitespace=True)
    suffix = serializers.ChoiceField(choices=list(rules.SUFFIXES))


class DomainSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="name")
    display = serializers.CharField(source="display_name")
    registrar_ref = serializers.CharField()

    class Meta:
        model = Domain
        fields = ["domain", "display", "suffix", "registrar_ref", "registered_at"]


class DomainCheckApi(APIView):
    """GET /api/v1/domains/check/?name=&suffix=.cn|.com.cn|.net.cn|all (anyone may ask)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name", {"type": "string", "minLength": 1, "maxLength": 100}, required=True
            ),
            OpenApiParameter("suffix", str, enum=_SUFFIXES, default=rules.SUFFIX_ALL),
        ],
        responses={
            200: inline_serializer(
                "DomainCheckResponse", {"results": DomainResultSerializer(many=True)}
            )
        },
    )
    def get(self, request):
        data = DomainCheckInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        company = getattr(request.user, "company", None) if request.user.is_authenticated else None
        results = selectors.domain_check(
            name=data.validated_data["name"],
            suffix=data.validated_data["suffix"],
            company=company,
        )
        return Response(
            {
                "results": [
                    {
                        "domain": r.domain,
                        "display": r.display,
                        "available": r.available,
                        "reason": r.reason,
                        "detail": r.message,
                    }
                    for r in results
                ]
            }
        )


class DomainRegisterApi(APIView):
    """POST /api/v1/domains/ {name, suffix}: TrustPass only, one per company (R-F2).
    GET lists the caller's own domain."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination

    @staticmethod
    def _company(request):
        return user_company(request.user, detail=_("您的账号尚未关联企业，不能注册域名。"))

    @extend_schema(responses=DomainSerializer(many=True))
    def get(self, request):
        domains = Domain.objects.filter(company=self._company(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(domains, request, view=self)
        return paginator.get_paginated_response(DomainSerializer(page, many=True).data)

    @extend_schema(
        request=DomainRegisterInputSerializer, responses={201: DomainSerializer, **errors(409)}
    )
    def post(self, request):
        data = DomainRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        domain = services.domain_register(
            company=self._company(request),
            name=data.validated_data["name"],
            suffix=data.validated_data["suffix"],
        )
        return Response(DomainSerializer(domain).data, status=status.HTTP_201_CREATED)
