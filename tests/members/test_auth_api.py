"""Login, lockout, token, `me`, the public company endpoint and the API error format."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from rest_framework import exceptions as drf
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from marketplace.exceptions import Conflict, DomainError, FileTooLarge, TrustPassRequired
from tests.factories import TrustPassPeriodFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"


def token_for(client, username, password, ip="10.1.1.1"):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_token_for_right_credentials(api_client):
    user = UserFactory()
    response = token_for(api_client, user.username, PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


def test_wrong_credentials_are_400_in_chinese(api_client):
    user = UserFactory()
    response = token_for(api_client, user.username, "wrong-password")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert "用户名或密码错误" in response.json()["detail"]


@override_settings(AXES_FAILURE_LIMIT=5)
def test_lockout_after_repeated_failures_even_with_the_right_password(api_client):
    user = UserFactory()
    for _ in range(4):
        assert token_for(api_client, user.username, "wrong").status_code == 400
    # The fifth failure reaches the limit: from now on the account is locked on this IP.
    fifth = token_for(api_client, user.username, "wrong")
    assert fifth.status_code in (400, 429)
    locked = token_for(api_client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert "锁定" in locked.json()["detail"]


@override_settings(AXES_FAILURE_LIMIT=5)
def test_lockout_is_per_account_and_ip(api_client):
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        token_for(api_client, victim.username, "wrong", ip="10.9.9.9")
    assert token_for(api_client, victim.username, PASSWORD, ip="10.9.9.9").status_code == 429
    # Another account from the same IP, and the same account from another IP, still sign in.
    assert token_for(api_client, other.username, PASSWORD, ip="10.9.9.9").status_code == 200
    assert token_for(api_client, victim.username, PASSWORD, ip="10.8.8.8").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_browser_login_and_lockout_page(client):
    user = UserFactory()
    url = reverse("members:login")
    bad = client.post(url, {"username": user.username, "password": "nope"}, REMOTE_ADDR="10.2.2.2")
    assert bad.status_code == 200
    assert "用户名或密码错误" in bad.content.decode()
    for _ in range(2):
        client.post(url, {"username": user.username, "password": "nope"}, REMOTE_ADDR="10.2.2.2")
    locked = client.post(
        url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert locked.status_code in (403, 429)
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_browser_login_signs_in(client):
    user = UserFactory()
    response = client.post(
        reverse("members:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_me_needs_authentication_and_says_so(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": response.json()["detail"],
        "rule": None,
    }
    assert "登录" in response.json()["detail"]


def test_me_with_token(api_client):
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    token = token_for(api_client, user.username, PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = client.get("/api/v1/me/").json()
    assert data["username"] == user.username
    assert data["company"]["member_id"] == user.company.member_id
    assert data["company"]["is_trustpass"] is True
    assert data["company"]["trustpass_until"] is not None
    assert data["company"]["credit_score"] == 0


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_public_company_endpoint(api_client):
    user = UserFactory(company__member_id="hzsteel", company__verified=True)
    data = api_client.get("/api/v1/companies/hzsteel/").json()
    assert data["member_id"] == "hzsteel"
    assert data["name"] == user.company.name
    assert data["is_trustpass"] is False
    assert data["verified"] is True
    assert data["credit_score"] == 0
    assert data["member_since"]
    assert data["storefront_url"].endswith("/shop/hzsteel/")
    assert "phone" not in data


def test_unknown_company_is_404_in_the_error_format(api_client):
    response = api_client.get("/api/v1/companies/nobody/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["rule"] is None


def test_page_size_is_capped_at_100():
    from marketplace.pagination import PageNumberPagination

    assert PageNumberPagination.max_page_size == 100


class _Raiser(APIView):
    permission_classes: list = []
    exc: Exception

    def get(self, request):
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status", "code", "rule"),
    [
        (drf.ValidationError({"price": ["请输入数字。"]}), 400, "invalid", None),
        (drf.NotAuthenticated(), 401, "not_authenticated", None),
        (drf.PermissionDenied(), 403, "permission_denied", None),
        (PermissionDenied(), 403, "permission_denied", None),
        (Http404(), 404, "not_found", None),
        (
            Conflict("已评价过。", code="already_reviewed", rule="R-C4"),
            409,
            "already_reviewed",
            "R-C4",
        ),
        (FileTooLarge("图片不能超过 1 MB。", rule="R-C5"), 413, "file_too_large", "R-C5"),
        (TrustPassRequired(), 403, "trustpass_required", "R-M3"),
        (
            DomainError("标题不能为空。", code="title_required", fields={"title": ["必填"]}),
            400,
            "title_required",
            None,
        ),
    ],
)
def test_error_format(exc, status, code, rule):
    view = type("V", (_Raiser,), {"exc": exc}).as_view()
    response = view(APIRequestFactory().get("/x"))
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["rule"] == rule
    assert isinstance(response.data["detail"], str) and response.data["detail"]
    if status == 400 and code == "invalid":
        assert response.data["fields"] == {"price": ["请输入数字。"]}
        assert "price" in response.data["detail"]


def test_throttled_has_retry_after():
    view = type("V", (_Raiser,), {"exc": drf.Throttled(wait=30)}).as_view()
    response = view(APIRequestFactory().get("/x"))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response.data["code"] == "rate_limited"
