"""Issue 14, part 3: administrators invite colleagues by e-mail with a role, change roles
and remove them; the invitation link is signed, expires, and works once; the last
administrator stays; what a removed colleague made stays the company's."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client

from members import colleague_services
from members.company_exceptions import InvitationInvalid, LastAdministrator
from members.models import ColleagueInvitation, User
from members.roles import ADMIN, LISTINGS, SALES
from tests.factories import ListingFactory, UserFactory
from tests.members.colleague_factories import admin_user, api, colleague, page

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/colleagues/"
LINK = re.compile(r"(https?://\S+/colleagues/accept/(\S+)/)")


@pytest.fixture
def admin():
    return admin_user()


def _invite(admin, email="zhang.san@example.com", role=SALES, capture=None):
    if capture is None:
        return api(admin).post(URL, {"email": email, "role": role}, format="json")
    with capture(execute=True):
        return api(admin).post(URL, {"email": email, "role": role}, format="json")


def _link(email="zhang.san@example.com"):
    message = [m for m in mail.outbox if m.to == [email]][-1]
    url, token = LINK.search(message.body).groups()
    return url, token


def test_invite_answers_201_and_mails_an_absolute_signed_link(
    admin, django_capture_on_commit_callbacks
):
    response = _invite(
        admin, email="Zhang.San@Example.com", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "zhang.san@example.com"
    assert body["role"] == SALES and body["status"] == "invited"
    assert body["id"].startswith("invitation-")
    message = mail.outbox[-1]
    assert message.to == ["zhang.san@example.com"]
    assert admin.company.name in message.subject
    url, token = _link()
    assert url.startswith("http://") and "/colleagues/accept/" in url
    assert colleague_services.invitation_from_token(token).pk == int(body["id"].split("-")[1])
    listed = api(admin).get(URL).json()
    assert listed["count"] == 2  # the administrator and the invitation
    assert {c["id"] for c in listed["results"]} == {f"user-{admin.pk}", body["id"]}


def test_invite_refuses_bad_input_and_duplicates(admin):
    assert _invite(admin, role="owner").status_code == 400
    assert _invite(admin, email="not-an-address").status_code == 400
    assert _invite(admin).status_code == 201
    again = _invite(admin, email="ZHANG.SAN@example.com")
    assert again.status_code == 409 and again.json()["code"] == "already_invited"
    mine = _invite(admin, email=admin.email)
    assert mine.status_code == 409 and mine.json()["code"] == "already_colleague"


@pytest.mark.parametrize("role", [LISTINGS, SALES])
def test_only_administrators_see_and_invite(admin, role):
    client = api(colleague(admin.company, role))
    for response in (client.get(URL), _invite_as(client)):
        assert response.status_code == 403
        assert response.json()["code"] == "role_required"
    assert not ColleagueInvitation.objects.exists()


def _invite_as(client):
    return client.post(URL, {"email": "x@example.com", "role": SALES}, format="json")


# --- Accepting ----------------------------------------------------------------------------


def test_invitee_creates_an_account_and_is_signed_in(admin, django_capture_on_commit_callbacks):
    _invite(admin, role=LISTINGS, capture=django_capture_on_commit_callbacks)
    url, token = _link()
    path = url.split("testserver", 1)[-1] if "testserver" in url else "/" + url.split("/", 3)[3]
    client = Client()
    html = client.get(path).content.decode()
    assert admin.company.name in html and "产品信息" in html
    response = client.post(
        path, {"username": "zhangsan", "password1": "Xk3-pass-2026", "password2": "Xk3-pass-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/my/"
    user = User.objects.get(username="zhangsan")
    assert user.company_id == admin.company_id and user.role == LISTINGS
    assert user.email == "zhang.san@example.com" and user.email_confirmed_at is not None
    invitation = ColleagueInvitation.objects.get()
    assert invitation.status == "accepted" and invitation.user == user
    assert "欢迎加入" in client.get("/my/").content.decode()
    # The link works once.
    again = Client().get(path)
    assert again.status_code == 400 and "已被接受" in again.content.decode()
    with pytest.raises(InvitationInvalid):
        colleague_services.invitation_from_token(token)


def test_accept_form_shows_errors(admin, django_capture_on_commit_callbacks):
    _invite(admin, capture=django_capture_on_commit_callbacks)
    _, token = _link()
    response = Client().post(
        f"/colleagues/accept/{token}/",
        {"username": admin.username, "password1": "123", "password2": "456"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "两次输入的密码不一致" in html
    response = Client().post(
        f"/colleagues/accept/{token}/",
        {
            "username": admin.username.upper(),
            "password1": "Xk3-pass-2026",
            "password2": "Xk3-pass-2026",
        },
    )
    assert "该用户名已被注册" in response.content.decode()
    assert ColleagueInvitation.objects.get().status == "invited"


def test_expired_link_is_refused(admin, monkeypatch, settings):
    settings.COLLEAGUE_INVITATION_MAX_AGE_DAYS = 7
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="late@example.com", role=SALES
    )
    token = colleague_services.invitation_token(invitation)
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 6 * 86400 + 23 * 3600)
    assert colleague_services.invitation_from_token(token).pk == invitation.pk
    monkeypatch.setattr(signing.time, "time", lambda: now + 7 * 86400 + 60)
    with pytest.raises(InvitationInvalid) as caught:
        colleague_services.invitation_from_token(token)
    assert caught.value.code == "invitation_expired"
    response = Client().get(f"/colleagues/accept/{token}/")
    assert response.status_code == 400 and "已过期" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
        lambda t: signing.TimestampSigner(salt="other").sign_object({"i": 1, "e": "a@b.c"}),
        lambda t: "garbage",
    ],
)
def test_tampered_link_is_refused(admin, tamper):
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="t@example.com", role=SALES
    )
    token = tamper(colleague_services.invitation_token(invitation))
    with pytest.raises(InvitationInvalid) as caught:
        colleague_services.invitation_from_token(token)
    assert caught.value.code == "invitation_invalid"
    response = Client().post(
        f"/colleagues/accept/{token}/",
        {"username": "mallory", "password1": "Xk3-pass-2026", "password2": "Xk3-pass-2026"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="mallory").exists()


def test_a_link_for_another_invitation_id_is_refused(admin):
    first = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="a@example.com", role=SALES
    )
    forged = signing.TimestampSigner(salt=colleague_services.SALT).sign_object(
        {"i": first.pk, "e": "b@example.com"}
    )
    with pytest.raises(InvitationInvalid):
        colleague_services.invitation_from_token(forged)


def test_revoked_invitation_link_is_refused(admin):
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="r@example.com", role=SALES
    )
    token = colleague_services.invitation_token(invitation)
    assert api(admin).delete(f"{URL}invitation-{invitation.pk}/").status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    response = Client().get(f"/colleagues/accept/{token}/")
    assert response.status_code == 400 and "撤销" in response.content.decode()


def test_signed_in_account_without_company_joins(admin):
    loner = UserFactory(company=None, email="loner@example.com")
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="loner@example.com", role=SALES
    )
    token = colleague_services.invitation_token(invitation)
    client = page(loner)
    assert "加入企业" in client.get(f"/colleagues/accept/{token}/").content.decode()
    assert client.post(f"/colleagues/accept/{token}/").status_code == 302
    loner.refresh_from_db()
    assert loner.company_id == admin.company_id and loner.role == SALES
    assert loner.email_confirmed_at is not None


def test_account_of_another_company_cannot_join(admin):
    other = admin_user()
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email=other.email, role=SALES
    )
    token = colleague_services.invitation_token(invitation)
    client = page(other)
    assert "不能再加入其他企业" in client.get(f"/colleagues/accept/{token}/").content.decode()
    client.post(f"/colleagues/accept/{token}/")
    other.refresh_from_db()
    assert other.company_id != admin.company_id
    assert ColleagueInvitation.objects.get().status == "invited"


# --- Roles, removal, the last administrator ---------------------------------------------


def test_role_change_and_last_administrator(admin):
    client = api(admin)
    sales = colleague(admin.company, SALES)
    response = client.patch(f"{URL}user-{sales.pk}/", {"role": ADMIN}, format="json")
    assert response.status_code == 200 and response.json()["role"] == ADMIN
    # Two administrators: one may be demoted, then the other is the last.
    assert (
        client.patch(f"{URL}user-{sales.pk}/", {"role": LISTINGS}, format="json").status_code == 200
    )
    response = client.patch(f"{URL}user-{admin.pk}/", {"role": SALES}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    response = client.delete(f"{URL}user-{admin.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    admin.refresh_from_db()
    assert admin.role == ADMIN and admin.company_id is not None
    with pytest.raises(LastAdministrator):
        colleague_services.colleague_set_role(
            company=admin.company, by=admin, user=admin, role=SALES
        )


def test_removed_colleague_keeps_the_account_and_the_company_keeps_its_objects(admin):
    listings = colleague(admin.company, LISTINGS)
    listing = ListingFactory(company=admin.company, title="供应热轧卷板 Q235")
    assert api(admin).delete(f"{URL}user-{listings.pk}/").status_code == 204
    listings.refresh_from_db()
    assert listings.company_id is None and listings.is_active
    listing.refresh_from_db()
    assert listing.company_id == admin.company_id
    # Without a company the former colleague can no longer act for it.
    response = api(listings).post(f"/api/v1/listings/{listing.pk}/refresh/")
    assert response.status_code in (403, 404)
    assert response.status_code != 200


def test_invitation_id_names_the_account_once_accepted(admin):
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="later@example.com", role=SALES
    )
    user = colleague_services.invitation_accept_new_account(
        invitation=invitation, username="later", password="Xk3-pass-2026"
    )
    response = api(admin).patch(
        f"{URL}invitation-{invitation.pk}/", {"role": LISTINGS}, format="json"
    )
    assert response.status_code == 200 and response.json()["id"] == f"user-{user.pk}"
    assert api(admin).delete(f"{URL}invitation-{invitation.pk}/").status_code == 204
    user.refresh_from_db()
    assert user.company_id is None


def test_unknown_ids_are_404(admin):
    client = api(admin)
    for bad in ("42", "user-0", "user-999999", "invitation-999999", "team-1"):
        assert client.delete(f"{URL}{bad}/").status_code == 404, bad


# --- The colleagues page ----------------------------------------------------------------


def test_page_invites_changes_roles_and_removes_with_confirmation(
    admin, django_capture_on_commit_callbacks
):
    client = page(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/my/colleagues/", {"email": "li.si@example.com", "role": SALES}, follow=True
        )
    html = response.content.decode()
    assert "邀请邮件已发送到 li.si@example.com" in html and "待接受的邀请" in html
    assert mail.outbox[-1].to == ["li.si@example.com"]
    sales = colleague(admin.company, SALES)
    response = client.post(f"/my/colleagues/{sales.pk}/role/", {"role": LISTINGS}, follow=True)
    assert "的角色已改为“产品信息”" in response.content.decode()
    confirm = client.get(f"/my/colleagues/{sales.pk}/remove/").content.decode()
    assert "确认移除" in confirm and "仍归贵公司所有" in confirm
    response = client.post(f"/my/colleagues/{sales.pk}/remove/", follow=True)
    assert "移出贵公司" in response.content.decode()
    sales.refresh_from_db()
    assert sales.company_id is None
    response = client.post(f"/my/colleagues/{admin.pk}/remove/", follow=True)
    assert "企业至少要有一位管理员" in response.content.decode()
    invitation = ColleagueInvitation.objects.get()
    assert (
        "确认撤销"
        in client.get(f"/my/colleagues/invitations/{invitation.pk}/revoke/").content.decode()
    )
    client.post(f"/my/colleagues/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_page_resends_an_invitation(admin, django_capture_on_commit_callbacks):
    invitation = colleague_services.colleague_invite(
        company=admin.company, by=admin, email="again@example.com", role=SALES
    )
    with django_capture_on_commit_callbacks(execute=True):
        page(admin).post(f"/my/colleagues/invitations/{invitation.pk}/resend/")
    assert [m for m in mail.outbox if m.to == ["again@example.com"]]
