"""The account page /my/account/ (issue 14, part 1): what it shows, signing out of every
session after a confirmation, and revoking the API token."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_needs_a_signed_in_member():
    response = Client().get("/my/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_account_page_shows_the_account_and_its_token():
    user = UserFactory(email="wang@example.cn", email_confirmed_at=timezone.now())
    token = Token.objects.create(user=user)
    page = _signed_in(user).get("/my/account/").content.decode()
    assert user.username in page and "wang@example.cn" in page and "已确认" in page
    assert "/my/account/password/" in page and "/my/account/sessions/end/" in page
    assert f"{token.key[:4]}…{token.key[-4:]}" in page and token.key not in page
    assert "/my/account/token/revoke/" in page


def test_an_unconfirmed_address_is_shown_as_such():
    user = UserFactory()
    page = _signed_in(user).get("/my/account/").content.decode()
    assert "未确认" in page and "您目前没有 API Token" in page


def test_signing_out_everywhere_asks_first_then_ends_every_session_but_keeps_tokens():
    user = UserFactory()
    token = Token.objects.create(user=user)
    here, other = _signed_in(user), _signed_in(user)
    confirm = here.get("/my/account/sessions/end/")
    assert confirm.status_code == 200 and "确认退出所有设备" in confirm.content.decode()
    assert here.get("/my/account/").status_code == 200  # nothing happened on GET

    wrong = here.post("/my/account/sessions/end/", {"password": "nope"})
    assert wrong.status_code == 200 and "当前密码不正确" in wrong.content.decode()
    assert other.get("/my/account/").status_code == 200

    done = here.post("/my/account/sessions/end/", {"password": PASSWORD}, follow=True)
    assert done.redirect_chain[-1][0] == "/login/"
    assert "已退出所有设备上的登录" in done.content.decode()
    assert here.get("/my/account/").status_code == 302
    assert other.get("/my/account/").status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # the same password still signs in
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200


def test_revoking_the_token_from_the_account_page():
    user = UserFactory()
    token = Token.objects.create(user=user)
    other = Token.objects.create(user=UserFactory())
    client = _signed_in(user)
    assert client.get("/my/account/token/revoke/").status_code == 405
    response = client.post("/my/account/token/revoke/", follow=True)
    assert "API Token 已撤销" in response.content.decode()
    assert not Token.objects.filter(key=token.key).exists()
    assert Token.objects.filter(key=other.key).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 401


def test_the_header_links_to_the_account_page_and_login_to_the_reset():
    user = UserFactory()
    assert "/my/account/" in _signed_in(user).get("/").content.decode()
    assert "/password-reset/" in Client().get("/login/").content.decode()
