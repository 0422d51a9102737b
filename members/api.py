from django.contrib.auth import authenticate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.exceptions import DomainError, NotFound
from marketplace.openapi import QueryChoice, errors
from marketplace.pagination import PageNumberPagination
from marketplace.throttling import AnonRateThrottle

from . import selectors, services, verification_services
from .exceptions import InvalidCredentials, InvalidRegistrationNumber, LoginLocked
from .lockout import lockout_retry_after
from .models import Company, TrustPassPeriod, VerificationApplication
from .rules import normalise_registration_number, registration_number_problem
from .selectors import user_company
from .serializers import (
    MembershipGrantInputSerializer,
    MembershipStateSerializer,
    MeSerializer,
    PeriodSerializer,
    PublicCompanySerializer,
    ReasonInputSerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
    TokenSerializer,
    VerificationAgencySerializer,
    VerificationInputSerializer,
    VerificationSerializer,
)


class SignUpThrottle(AnonRateThrottle):
    """Sign-ups per client address (THROTTLE_SIGN_UP)."""

    scope = "sign_up"


class SignInThrottle(AnonRateThrottle):
    """Sign-in attempts per client address (THROTTLE_SIGN_IN), besides axes' lockout."""

    scope = "sign_in"


class RegisterApi(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignUpThrottle]

    @extend_schema(request=RegisterInputSerializer, responses={201: MeSerializer})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        c = d["company"]
        user = services.company_register(
            username=d["username"],
            password=d["password"],
            email=d["email"],
            member_id=c["member_id"],
            name=c["name"],
            contact_name=c["contact_name"],
            phone=c["phone"],
            province=c.get("province", ""),
            city=c.get("city", ""),
        )
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """Token for username and password; failures count towards the axes lockout."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [SignInThrottle]

    # Too many failures: 429 `login_locked` with Retry-After (axes' lockout).
    @extend_schema(request=TokenInputSerializer, responses={200: TokenSerializer})
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = request._request
        user = authenticate(
            request=raw,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(raw, "axes_locked_out", False):
            raw.axes_locked_out = False  # answer in API.md's format, not axes' HTML page
            raise LoginLocked(retry_after=lockout_retry_after(raw))
        if user is None:
            raise InvalidCredentials()
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer(token).data)


class MeApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class CompanyDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=PublicCompanySerializer)
    def get(self, request, member_id: str):
        company = selectors.company_get_public(member_id=member_id)
        return Response(PublicCompanySerializer(company).data)


# --- Staff permissions ----------------------------------------------------------------------


class StaffWithPermission(permissions.BasePermission):
    """Staff endpoints (API.md): `is_staff` plus the view's Django permission. Anonymous
    callers get 401 (not signed in), members 403."""

    message = _("此操作仅限具有相应权限的工作人员。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_staff and user.has_perm(view.staff_permission))


# --- Membership (R-M2) ----------------------------------------------------------------------


class StaffMembershipGrantApi(APIView):
    """POST /api/v1/staff/memberships/: staff grant a period (offline payment)."""

    permission_classes = [StaffWithPermission]
    staff_permission = "members.add_trustpassperiod"

    @extend_schema(request=MembershipGrantInputSerializer, responses={201: PeriodSerializer})
    def post(self, request):
        data = MembershipGrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        company = Company.objects.filter(member_id=d["member_id"]).first()
        if company is None:
            msg = gettext("会员ID“%(member_id)s”不存在，请核对后重试。") % {
                "member_id": d["member_id"]
            }
            raise DomainError(msg, code="invalid", rule="R-M2", fields={"member_id": [msg]})
        period = services.membership_grant(
            company=company,
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            source=TrustPassPeriod.Source.STAFF,
            note=d.get("note") or "线下付款（API）",
            by=request.user,
        )
        return Response(PeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class MyMembershipApi(APIView):
    """GET /api/v1/memberships/: the caller's TrustPass state and periods."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MembershipStateSerializer)
    def get(self, request):
        state = selectors.company_membership_state(user_company(request.user))
        return Response(MembershipStateSerializer(state).data)


# --- Identity verification (R-C2) -----------------------------------------------------------


class VerificationAgencyListApi(APIView):
    """GET /api/v1/verification-agencies/: the agencies a company may choose."""

    permission_classes = [permissions.AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(responses=VerificationAgencySerializer(many=True))
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.verification_agencies_active(), request, view=self
        )
        return paginator.get_paginated_response(VerificationAgencySerializer(page, many=True).data)


class VerificationListCreateApi(generics.ListAPIView):
    """POST /api/v1/verifications/ → 201 `{id, status: "pending"}` (TrustPass callers only,
    R-M3.3, else 403 `trustpass_required`); GET: own applications."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = VerificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VerificationApplication.objects.none()
        company = user_company(self.request.user)
        return selectors.company_verification_applications(company).select_related("company")

    @extend_schema(request=VerificationInputSerializer, responses={201: VerificationSerializer})
    def post(self, request):
        company = user_company(request.user)
        # R-M3.3: a TrustPass privilege, so a non-TrustPass caller is 403 `trustpass_required`
        # whatever the body. Then the registration number: a bad one is always
        # `invalid_registration_number` (API.md), whatever else is wrong.
        verification_services.verification_require_trustpass(company)
        raw = request.data.get("registration_number") if hasattr(request.data, "get") else None
        number = normalise_registration_number(raw if isinstance(raw, str) else "")
        problem = registration_number_problem(number)
        if problem:
            if not number:
                problem = gettext("请填写营业执照上的 18 位统一社会信用代码。")
            raise InvalidRegistrationNumber(problem, fields={"registration_number": [problem]})
        data = VerificationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        application = verification_services.verification_apply(
            company=company,
            agency=d["agency"],
            registration_number=d["registration_number"],
            applicant_name=d["applicant_name"],
            applicant_title=d.get("applicant_title", ""),
            applicant_phone=d.get("applicant_phone", ""),
            by=request.user,
            allow_unlisted_agency=True,
        )
        return Response(VerificationSerializer(application).data, status=status.HTTP_201_CREATED)


class StaffVerificationListApi(generics.ListAPIView):
    """GET /api/v1/staff/verifications/?status=pending: the queue, oldest first."""

    permission_classes = [StaffWithPermission]
    staff_permission = "members.decide_verificationapplication"
    serializer_class = VerificationSerializer
    filter_backends: list = []
    status_filter = QueryChoice("status", VerificationApplication.Status.values)

    @extend_schema(parameters=[status_filter.parameter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VerificationApplication.objects.none()
        return selectors.verification_list_for_staff(status=self.status_filter.read(self.request))


class _StaffVerificationDecisionApi(APIView):
    permission_classes = [StaffWithPermission]
    staff_permission = "members.decide_verificationapplication"

    def _application(self, pk: int) -> VerificationApplication:
        application = VerificationApplication.objects.filter(pk=pk).first()
        if application is None:
            raise NotFound(gettext("未找到该认证申请。"))
        return application


class StaffVerificationApproveApi(_StaffVerificationDecisionApi):
    @extend_schema(request=None, responses={200: VerificationSerializer, **errors(409)})
    def post(self, request, pk: int):
        app = verification_services.verification_approve(
            application=self._application(pk), by=request.user
        )
        return Response(VerificationSerializer(app).data)


class StaffVerificationRejectApi(_StaffVerificationDecisionApi):
    @extend_schema(
        request=ReasonInputSerializer, responses={200: VerificationSerializer, **errors(409)}
    )
    def post(self, request, pk: int):
        application = self._application(pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app = verification_services.verification_reject(
            application=application, reason=data.validated_data["reason"], by=request.user
        )
        return Response(VerificationSerializer(app).data)


class StaffVerificationRevokeApi(_StaffVerificationDecisionApi):
    @extend_schema(
        request=ReasonInputSerializer, responses={200: VerificationSerializer, **errors(409)}
    )
    def post(self, request, pk: int):
        application = self._application(pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app = verification_services.verification_revoke(
            application=application, reason=data.validated_data["reason"], by=request.user
        )
        return Response(VerificationSerializer(app).data)
