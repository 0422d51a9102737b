"""E-mail confirmation (issue 14, part 1): at registration and on a change of address, a
Django token link that works once and dies with the address; until then the address gets
the confirmation and nothing else, and the member sees a banner."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.utils import timezone

from members import account_services, notices
from members.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _confirmed(**kwargs) -> User:
    return UserFactory(email_confirmed_at=timezone.now(), **kwargs)


REGISTRATION = {
    "username": "zhangsan",
    "email": "zhang@example.cn",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "member_id": "zhangsteel",
    "company_name": "杭州张三钢管有限公司",
    "contact_name": "张三",
    "phone": "0571-88886666",
    "province": "浙江",
}


def test_browser_registration_mails_a_confirmation_link_that_works_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MAIN_SITE_URL = "https://www.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", REGISTRATION)
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert user.email_confirmed_at is None
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    link = _link(mail.outbox[0])
    assert link.startswith("https://www.example.cn/account/confirm-email/")

    anonymous = Client()
    page = anonymous.get(_path(link))
    assert page.status_code == 200 and "确认邮箱" in page.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None  # opening the link (a mail scanner) is not enough
    confirmed = anonymous.post(_path(link), follow=True)
    assert "邮箱 zhang@example.cn 已确认" in confirmed.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    again = anonymous.post(_path(link))
    assert again.status_code == 400 and "链接已失效" in again.content.decode()
    assert anonymous.get(_path(link)).status_code == 400


def test_api_registration_mails_the_confirmation(api_client, django_capture_on_commit_callbacks):
    body = {
        "username": "lisi",
        "password": PASSWORD,
        "email": "li@example.cn",
        "company": {
            "member_id": "listeel",
            "name": "李四钢铁",
            "contact_name": "李四",
            "phone": "0571-1",
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post("/api/v1/auth/register/", body, format="json").status_code == 201
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert "/account/confirm-email/" in mail.outbox[0].body


def test_a_link_dies_when_the_address_changes(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.cn")
    link = account_services.email_confirmation_link(user)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_email_change(user=user, email="new@example.cn", password=PASSWORD)
    assert Client().post(_path(link)).status_code == 400
    user.refresh_from_db()
    assert user.email == "new@example.cn" and user.email_confirmed_at is None
    fresh = _link(mail.outbox[-1])
    assert mail.outbox[-1].to == ["new@example.cn"]
    assert Client().post(_path(fresh)).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_a_link_for_another_account_is_refused():
    alice, bob = UserFactory(), UserFactory()
    alice_link = _path(account_services.email_confirmation_link(alice))
    bob_uid = account_services.uid_encode(bob)
    forged = re.sub(r"/confirm-email/[^/]+/", f"/confirm-email/{bob_uid}/", alice_link)
    assert Client().post(forged).status_code == 400
    assert Client().get("/account/confirm-email/xx/1-2/").status_code == 400
    bob.refresh_from_db()
    assert bob.email_confirmed_at is None


@pytest.mark.parametrize(("days", "valid"), [(7, True), (7.0001, False)])
def test_a_link_works_for_email_confirmation_timeout(monkeypatch, settings, days, valid):
    settings.EMAIL_CONFIRMATION_TIMEOUT = 7 * 86400
    user = UserFactory()
    t0 = datetime(2026, 5, 4, 10, 0, 0)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: t0)
    link = _path(account_services.email_confirmation_link(user))
    later = t0 + timedelta(days=days)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    assert Client().post(link).status_code == (302 if valid else 400)


def test_an_unconfirmed_address_gets_the_confirmation_and_no_notice(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="new@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.email_confirmation_send(user=user)
        notices.notify(
            company=user.company,
            event="listing_approved",
            context={"title": "供应无缝钢管"},
            url="/listings/1/",
        )
    assert len(mail.outbox) == 1 and "确认" in mail.outbox[0].subject
    assert user.company.notices.count() == 1  # the in-site notice is there

    account_services.email_confirm(
        uidb64=account_services.uid_encode(user),
        token=account_services.email_confirmation_token.make_token(user),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(
            company=user.company,
            event="listing_approved",
            context={"title": "供应无缝钢管"},
            url="/listings/1/",
        )
    assert mail.outbox[-1].to == ["new@example.cn"] and "通过审核" in mail.outbox[-1].subject


def test_the_banner_shows_until_the_address_is_confirmed():
    user = UserFactory()
    page = _signed_in(user).get("/my/").content.decode()
    assert "email-banner" in page and user.email in page and "重新发送确认邮件" in page
    user.email_confirmed_at = timezone.now()
    user.save()
    assert "email-banner" not in _signed_in(user).get("/my/").content.decode()
    assert "email-banner" not in Client().get("/").content.decode()
    no_address = UserFactory(email="")
    assert "email-banner" not in _signed_in(no_address).get("/my/").content.decode()


def test_resend_is_rate_limited(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIRMATION_RESEND_SECONDS = 60
    user = UserFactory()
    client = _signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/my/account/email/resend/", {"next": "/my/"}, follow=True)
    assert first.redirect_chain[-1][0] == "/my/"
    assert "确认邮件已发送" in first.content.decode() and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/my/account/email/resend/", {"next": "https://evil.example/"})
    assert second["Location"] == "/my/account/" and len(mail.outbox) == 1
    assert "秒后再试" in client.get("/my/account/").content.decode()
    assert client.get("/my/account/email/resend/").status_code == 405


def test_resend_stops_after_the_daily_number(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIRMATION_RESEND_SECONDS = 0
    settings.EMAIL_CONFIRMATION_RESEND_PER_DAY = 2
    user = UserFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert account_services.email_confirmation_resend(user=user)
    with pytest.raises(account_services.TooSoon, match="今天已发送 2 封"):
        account_services.email_confirmation_resend(user=user)
    assert len(mail.outbox) == 2


def test_resend_needs_csrf():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/my/account/email/resend/").status_code == 403


def test_change_of_address_from_the_account_page(django_capture_on_commit_callbacks):
    user = _confirmed(email="old@example.cn")
    client = _signed_in(user)
    wrong = client.post("/my/account/email/", {"email": "new@example.cn", "password": "x"})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.content.decode()
    same = client.post("/my/account/email/", {"email": "OLD@example.cn", "password": PASSWORD})
    assert "这就是您现在的邮箱" in same.content.decode()
    bad = client.post("/my/account/email/", {"email": "new@", "password": PASSWORD})
    assert "邮箱格式不正确" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/my/account/email/", {"email": "new@example.cn", "password": PASSWORD}, follow=True
        )
    assert "请打开发到该邮箱的确认邮件" in done.content.decode()
    assert "email-banner" in done.content.decode()
    user.refresh_from_db()
    assert user.email == "new@example.cn" and user.email_confirmed_at is None
    to_new, to_old = sorted(mail.outbox, key=lambda m: m.to[0] != "new@example.cn")
    assert to_new.to == ["new@example.cn"] and "/account/confirm-email/" in to_new.body
    assert to_old.to == ["old@example.cn"] and "n***@example.cn" in to_old.body
    assert "/account/confirm-email/" not in to_old.body


def test_staff_changing_the_address_in_the_admin_unconfirms_it(
    rf, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from django.contrib import admin

    user = _confirmed(email="old@example.cn")
    user.email = "new@example.cn"
    model_admin = admin.site._registry[User]
    form = SimpleNamespace(changed_data=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(rf.post("/admin/"), user, form, change=True)
    user.refresh_from_db()
    assert user.email == "new@example.cn" and user.email_confirmed_at is None
    assert [m.to for m in mail.outbox] == [["new@example.cn"]]
