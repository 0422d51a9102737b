"""Account self-service API (issue 14, part 1; API.md "Accounts and members"):
POST auth/logout/, auth/password-reset/, auth/password-change/."""

from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.throttling import AnonRateThrottle, UserRateThrottle

from . import account_services


class PasswordResetThrottle(AnonRateThrottle):
    """Reset requests per client address (THROTTLE_PASSWORD_RESET)."""

    scope = "password_reset"


class PasswordChangeThrottle(UserRateThrottle):
    """Password changes per member (THROTTLE_PASSWORD_CHANGE): no guessing the old one."""

    scope = "password_change"


class PasswordResetInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="给用户看的中文说明")


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


def _token_of(request) -> Token | None:
    """The token the caller signed in with (None under session auth)."""
    return request.auth if isinstance(request.auth, Token) else None


class LogoutApi(APIView):
    """Signed in with a token: that token is deleted (401 with it after). Signed in with the
    browser session: the session ends."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="已退出")})
    def post(self, request):
        token = _token_of(request)
        if token is not None:
            account_services.token_revoke(user=request.user, key=token.key)
        elif isinstance(request.successful_authenticator, SessionAuthentication):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(APIView):
    """202 whether or not the address is known; a known one gets one mail with a single-use
    link (and at most one per PASSWORD_RESET_EMAIL_INTERVAL seconds)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(request=PasswordResetInputSerializer, responses={202: AcceptedSerializer})
    def post(self, request):
        data = PasswordResetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account_services.password_reset_send(email=data.validated_data["email"])
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        detail = _(
            "如果该邮箱是本站账号的注册邮箱，我们已向它发送重设密码的邮件，"
            "链接 %(hours)d 小时内有效且只能使用一次。"
        ) % {"hours": hours}
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class PasswordChangeApi(APIView):
    """204; wrong old password → 400 `wrong_password`. The user's other sessions and tokens
    stop working; the caller's own token (or session) stays."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [PasswordChangeThrottle]

    @extend_schema(
        request=PasswordChangeInputSerializer,
        responses={204: OpenApiResponse(description="密码已修改")},
    )
    def post(self, request):
        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = _token_of(request)
        user = account_services.user_password_change(
            user=request.user,
            old_password=data.validated_data["old_password"],
            new_password=data.validated_data["new_password"],
            keep_token_key=token.key if token else None,
        )
        if token is None and isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)
