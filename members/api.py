from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import selectors, services
from .exceptions import InvalidCredentials, LoginLocked
from .serializers import (
    MeSerializer,
    PublicCompanySerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
)


class AuthThrottle(AnonRateThrottle):
    scope = "auth"
    rate = "30/min"


class RegisterApi(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthThrottle]

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
    throttle_classes = [AuthThrottle]

    @extend_schema(request=TokenInputSerializer, responses={200: dict})
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
            raise LoginLocked()
        if user is None:
            raise InvalidCredentials()
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
