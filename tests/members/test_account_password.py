"""Password reset and change (issue 14, part 1): single-use, time-limited reset links that say
nothing about unknown addresses; a change ends the other sessions and tokens, never the
caller's own."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from members.account_services import password_reset_link
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"
NEW = "Brand-new-pass-77"
T0 = datetime(2026, 5, 4, 10, 0, 0)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def _reset_via_link(client: Client, link: str, password: str = NEW):
    """Open the mailed link (Django swaps the token for a session key) and post the form."""
    page = client.get(_path(link), follow=True)
    if not page.context["validlink"]:
        return page
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def _mail_reset(client, email, capture):
    with capture(execute=True):
        return client.post("/password-reset/", {"email": email})


# --- reset in the browser ---------------------------------------------------------------------


def test_reset_page_mails_an_absolute_single_use_link(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MAIN_SITE_URL = "https://www.example.cn"
    user = UserFactory(email="wang@example.cn")
    response = _mail_reset(client, "WANG@example.cn", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.cn"]
    link = _link(mail.outbox[0])
    assert link.startswith("https://www.example.cn/password-reset/")
    assert "2 小时内有效" in mail.outbox[0].body and user.username in mail.outbox[0].body

    done = _reset_via_link(client, link)
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW)

    again = _reset_via_link(Client(), link, "Another-pass-88")
    assert again.status_code == 200 and again.context["validlink"] is False
    assert "链接已失效" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.cn")
    known = _mail_reset(client, "known@example.cn", django_capture_on_commit_callbacks)
    unknown = _mail_reset(client, "nobody@example.cn", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["known@example.cn"]]
    sent = client.get("/password-reset/sent/").content.decode()
    assert "如果该邮箱是本站账号的注册邮箱" in sent


def test_inactive_account_gets_no_mail(client, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.cn", is_active=False)
    assert (
        _mail_reset(client, "gone@example.cn", django_capture_on_commit_callbacks).status_code
        == 302
    )
    assert mail.outbox == []


def test_a_link_for_another_user_is_refused(client):
    alice, bob = UserFactory(), UserFactory()
    alice_link = password_reset_link(alice)
    bob_uid = _path(password_reset_link(bob)).split("/")[2]
    forged = re.sub(r"/password-reset/[^/]+/", f"/password-reset/{bob_uid}/", alice_link)
    page = _reset_via_link(client, forged)
    assert page.context["validlink"] is False
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


@pytest.mark.parametrize(("age", "valid"), [(0, True), (7200, True), (7201, False)])
def test_a_link_works_for_password_reset_timeout_seconds(client, monkeypatch, settings, age, valid):
    settings.PASSWORD_RESET_TIMEOUT = 7200
    user = UserFactory()
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: T0)
    link = password_reset_link(user)
    later = T0 + timedelta(seconds=age)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = _reset_via_link(client, link)
    assert page.status_code == (302 if valid else 200)
    user.refresh_from_db()
    assert user.check_password(NEW) is valid


def test_a_reset_ends_sessions_and_tokens_and_confirms_the_address(client):
    user = UserFactory()
    assert user.email_confirmed_at is None
    elsewhere = Client()
    elsewhere.force_login(user)
    Token.objects.create(user=user)
    _reset_via_link(client, password_reset_link(user))
    assert elsewhere.get("/my/account/").status_code == 302  # to the login page
    assert not Token.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None  # the link came through the address


def test_one_reset_mail_per_address_per_interval(
    client, django_capture_on_commit_callbacks, settings
):
    settings.PASSWORD_RESET_EMAIL_INTERVAL = 60
    UserFactory(email="flood@example.cn")
    for _ in range(3):
        _mail_reset(client, "flood@example.cn", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


# --- reset through the API ------------------------------------------------------------------


def test_api_reset_is_202_for_known_and_unknown_addresses(
    api_client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="li@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = api_client.post(
            "/api/v1/auth/password-reset/", {"email": "nobody@example.cn"}, format="json"
        )
    assert unknown.status_code == 202 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(
            "/api/v1/auth/password-reset/", {"email": "li@example.cn"}, format="json"
        )
    assert known.status_code == 202 and known.json() == unknown.json()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@example.cn"]
    link = _link(mail.outbox[0])
    assert link.startswith("http") and _reset_via_link(Client(), link).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_api_reset_refuses_a_malformed_address(api_client):
    response = api_client.post("/api/v1/auth/password-reset/", {"email": "x"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["fields"]


def test_api_reset_is_rate_limited_per_client(api_client, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "password_reset": "2/hour"},
    }
    codes = [
        api_client.post("/api/v1/auth/password-reset/", {"email": "a@b.cn"}, format="json")
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [202, 202, 429]
    assert codes[-1]["Retry-After"] and codes[-1].json()["code"] == "rate_limited"


# --- change -------------------------------------------------------------------------------------


def _token_client(user) -> tuple[APIClient, Token]:
    token = Token.objects.get_or_create(user=user)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


def _change(client, old=PASSWORD, new=NEW):
    return client.post(
        "/api/v1/auth/password-change/",
        {"old_password": old, "new_password": new},
        format="json",
    )


def test_api_change_with_a_token_keeps_it_and_ends_every_session():
    user = UserFactory()
    caller, token = _token_client(user)
    browser = Client()
    browser.force_login(user)
    assert browser.get("/my/account/").status_code == 200

    response = _change(caller)
    assert response.status_code == 204 and not response.content
    assert caller.get("/api/v1/me/").status_code == 200  # the caller's own token stays
    assert Token.objects.filter(key=token.key).exists()
    assert browser.get("/my/account/").status_code == 302  # other sessions end
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_api_change_with_the_session_keeps_it_and_ends_the_token_and_other_sessions():
    user = UserFactory()
    tokened, _ = _token_client(user)
    caller, other = APIClient(), Client()
    caller.force_login(user)
    other.force_login(user)
    assert _change(caller).status_code == 204
    assert caller.get("/api/v1/me/").status_code == 200
    assert caller.get("/my/account/").status_code == 200
    assert tokened.get("/api/v1/me/").status_code == 401
    assert other.get("/my/account/").status_code == 302


def test_api_change_codes():
    user = UserFactory()
    client, _ = _token_client(user)
    wrong = _change(client, old="not-my-password")
    assert wrong.status_code == 400
    body = wrong.json()
    assert body["code"] == "wrong_password" and "old_password" in body["fields"]
    assert "当前密码不正确" in body["detail"]
    weak = _change(client, new="12345678")
    assert weak.status_code == 400 and weak.json()["code"] == "invalid_password"
    assert "new_password" in weak.json()["fields"]
    missing = client.post("/api/v1/auth/password-change/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert APIClient().post("/api/v1/auth/password-change/", {}).status_code == 401
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_browser_change_keeps_this_session_and_ends_the_rest():
    user = UserFactory()
    tokened, _ = _token_client(user)
    here, other = Client(), Client()
    here.force_login(user)
    other.force_login(user)
    wrong = here.post(
        "/my/account/password/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200 and "当前密码不正确" in wrong.content.decode()
    mismatch = here.post(
        "/my/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    done = here.post(
        "/my/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/my/account/"
    assert "密码已修改" in done.content.decode()
    assert here.get("/my/account/").status_code == 200
    assert other.get("/my/account/").status_code == 302
    assert tokened.get("/api/v1/me/").status_code == 401


# --- logout ---------------------------------------------------------------------------------------


def test_api_logout_deletes_the_presented_token():
    user = UserFactory()
    client, token = _token_client(user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert not Token.objects.filter(key=token.key).exists()
    after = client.get("/api/v1/me/")
    assert after.status_code == 401 and after.json()["code"] == "authentication_failed"
    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_api_logout_needs_a_caller():
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_api_logout_with_the_session_ends_it():
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
