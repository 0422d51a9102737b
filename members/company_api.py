"""API of the company profile and colleagues (issue 14; API.md, Accounts and members):

- GET `/api/v1/me/company/`: the caller's company profile (any colleague);
- PATCH `/api/v1/me/company/`: administrators; 200 the company, or 202
  `{status: "pending_review", change_request, company}` when a new name or registration
  number of a verified company went to staff review (the public name stays until approved);
- GET/POST `/api/v1/me/colleagues/`: administrators; POST `{email, role}` → 201
  `{id, email, role, status: "invited"}`;
- PATCH/DELETE `/api/v1/me/colleagues/{id}/`: administrators; `{role}`, or remove. A
  colleague's `id` is `user-<n>` for an account and `invitation-<n>` for an invitation (the
  id POST answers stays valid once the invitation is accepted: it then names the account).

Callers whose role does not allow it get 403 `role_required`; another company's colleague or
invitation is a 404.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.openapi import errors
from marketplace.pagination import PageNumberPagination
from marketplace.uploads import guard_upload_request

from . import colleague_services as colleagues
from . import company_services
from .company_exceptions import ColleagueNotFound
from .models import ColleagueInvitation, CompanyChangeRequest, User
from .privileges import is_trustpass
from .roles import ROLE_LABELS, require_role
from .selectors import user_company

# --- Serializers -----------------------------------------------------------------------------


class ChangeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompanyChangeRequest
        fields = ["id", "name", "registration_number", "status", "reason", "created_at"]


class CompanyProfileSerializer(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField(help_text="对外显示的名称（变更审核通过前不变）")
    contact_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    industry = serializers.CharField()
    address = serializers.CharField()
    main_products = serializers.CharField()
    summary = serializers.CharField()
    logo = serializers.SerializerMethodField()
    verified = serializers.BooleanField()
    is_trustpass = serializers.SerializerMethodField()
    registration_number = serializers.SerializerMethodField()
    pending_change = serializers.SerializerMethodField()

    def get_logo(self, obj) -> str | None:
        if not obj.logo:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(obj.logo.url) if request else obj.logo.url

    def get_is_trustpass(self, obj) -> bool:
        return is_trustpass(obj)

    def get_registration_number(self, obj) -> str | None:
        approved = company_services.company_approved_verification(obj)
        return approved.registration_number if approved else None

    @extend_schema_field(ChangeRequestSerializer(allow_null=True))
    def get_pending_change(self, obj) -> dict | None:
        pending = company_services.company_pending_change(obj)
        return ChangeRequestSerializer(pending).data if pending else None


class CompanyProfileInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    main_products = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    registration_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="已认证企业变更统一社会信用代码：需工作人员审核（202）",
    )
    logo = serializers.FileField(
        required=False, help_text="multipart：企业标志，≤2 MB，重新编码为 ≤400×400 的 JPEG"
    )
    remove_logo = serializers.BooleanField(required=False, default=False)


PendingReviewSerializer = inline_serializer(
    "CompanyPendingReview",
    {
        "status": serializers.ChoiceField(choices=["pending_review"]),
        "change_request": ChangeRequestSerializer(),
        "company": CompanyProfileSerializer(),
    },
)


class ColleagueSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="账号为 user-<n>，邀请为 invitation-<n>")
    kind = serializers.ChoiceField(choices=["account", "invitation"])
    email = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    role_label = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["active", *ColleagueInvitation.Status.values],
        help_text="账号为 active；邀请为 invited（待接受）",
    )
    username = serializers.CharField(allow_null=True)
    joined_at = serializers.DateTimeField(allow_null=True)
    invited_at = serializers.DateTimeField(allow_null=True)


class ColleagueInviteInputSerializer(serializers.Serializer):
    email = serializers.EmailField(
        error_messages={"invalid": _("请输入有效的电子邮箱地址，如 zhang.san@example.com。")}
    )
    role = serializers.ChoiceField(
        choices=User.Role.choices,
        error_messages={"invalid_choice": _("角色只能是 admin、listings 或 sales。")},
    )


class ColleagueRoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=User.Role.choices,
        error_messages={"invalid_choice": _("角色只能是 admin、listings 或 sales。")},
    )


def _account_item(user: User) -> dict:
    return {
        "id": f"user-{user.pk}",
        "kind": "account",
        "email": user.email,
        "role": user.role,
        "role_label": ROLE_LABELS.get(user.role, user.role),
        "status": "active",
        "username": user.username,
        "joined_at": user.date_joined,
        "invited_at": None,
    }


def _invitation_item(invitation: ColleagueInvitation) -> dict:
    return {
        "id": f"invitation-{invitation.pk}",
        "kind": "invitation",
        "email": invitation.email,
        "role": invitation.role,
        "role_label": ROLE_LABELS.get(invitation.role, invitation.role),
        "status": invitation.status,
        "username": None,
        "joined_at": None,
        "invited_at": invitation.created_at,
    }


# --- Company profile ---------------------------------------------------------------------------


class MyCompanyApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication reads the body (SessionAuthentication's CSRF check does).
        if request.method in ("PATCH", "PUT", "POST"):
            guard_upload_request(
                request, limit=company_services.LOGO_UPLOAD_MAX_BYTES, label=gettext("企业标志")
            )
        super().initial(request, *args, **kwargs)

    @extend_schema(responses=CompanyProfileSerializer)
    def get(self, request):
        company = user_company(request.user)
        return Response(CompanyProfileSerializer(company, context={"request": request}).data)

    @extend_schema(
        request={
            "application/json": CompanyProfileInputSerializer,
            "multipart/form-data": CompanyProfileInputSerializer,
        },
        responses={
            200: CompanyProfileSerializer,
            202: PendingReviewSerializer,
            **errors(409, 413),
        },
    )
    def patch(self, request):
        company = user_company(request.user)
        require_role(request.user)
        data = CompanyProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        logo = values.pop("logo", None)
        remove_logo = values.pop("remove_logo", False)
        result = company_services.company_profile_update(
            company=company, by=request.user, changes=values, logo=logo, remove_logo=remove_logo
        )
        body = CompanyProfileSerializer(result.company, context={"request": request}).data
        if result.change_request is None:
            return Response(body)
        return Response(
            {
                "status": "pending_review",
                "change_request": ChangeRequestSerializer(result.change_request).data,
                "company": body,
            },
            status=status.HTTP_202_ACCEPTED,
        )


# --- Colleagues --------------------------------------------------------------------------------


class ColleagueListApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination

    def _company(self, request):
        company = user_company(request.user)
        require_role(request.user)
        return company

    @extend_schema(responses=ColleagueSerializer(many=True))
    def get(self, request):
        company = self._company(request)
        items = [_account_item(u) for u in colleagues.company_colleagues(company)] + [
            _invitation_item(i) for i in colleagues.company_open_invitations(company)
        ]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ColleagueSerializer(page, many=True).data)

    @extend_schema(
        request=ColleagueInviteInputSerializer,
        responses={201: ColleagueSerializer, **errors(409)},
    )
    def post(self, request):
        company = self._company(request)
        data = ColleagueInviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = colleagues.colleague_invite(
            company=company,
            by=request.user,
            email=data.validated_data["email"],
            role=data.validated_data["role"],
        )
        return Response(_invitation_item(invitation), status=status.HTTP_201_CREATED)


_ID = re.compile(r"^(user|invitation)-([1-9][0-9]{0,17})$")


class ColleagueDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _target(self, request, colleague_id: str):
        """(company, account or None, open invitation or None) for the id; 404 otherwise."""
        company = user_company(request.user)
        require_role(request.user)
        match = _ID.match(colleague_id)
        if match is None:
            raise ColleagueNotFound()
        kind, pk = match.group(1), int(match.group(2))
        if kind == "user":
            return company, colleagues.colleague_get(company=company, user_id=pk), None
        invitation = colleagues.invitation_get(company=company, invitation_id=pk)
        if invitation.status == ColleagueInvitation.Status.INVITED:
            return company, None, invitation
        if invitation.status == ColleagueInvitation.Status.ACCEPTED and invitation.user_id:
            return (
                company,
                colleagues.colleague_get(company=company, user_id=invitation.user_id),
                None,
            )
        raise ColleagueNotFound(gettext("该邀请已撤销。"))

    @extend_schema(
        request=ColleagueRoleInputSerializer, responses={200: ColleagueSerializer, **errors(409)}
    )
    def patch(self, request, colleague_id: str):
        company, account, invitation = self._target(request, colleague_id)
        data = ColleagueRoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = data.validated_data["role"]
        if account is not None:
            account = colleagues.colleague_set_role(
                company=company, by=request.user, user=account, role=role
            )
            return Response(_account_item(account))
        invitation = colleagues.invitation_set_role(
            company=company, by=request.user, invitation=invitation, role=role
        )
        return Response(_invitation_item(invitation))

    @extend_schema(request=None, responses={204: None, **errors(409)})
    def delete(self, request, colleague_id: str):
        company, account, invitation = self._target(request, colleague_id)
        if account is not None:
            colleagues.colleague_remove(company=company, by=request.user, user=account)
        else:
            colleagues.invitation_revoke(company=company, by=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
