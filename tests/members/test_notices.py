"""Issue 14: the notice service. One in-site notice per event, and its e-mail to the users of
the company whose role the event concerns, whose address is confirmed and who did not turn
the event off; at most once, swept when lost, plain text and HTML with absolute links."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from members import notices
from members.models import Notice, NoticePreference
from members.tasks import notice_email
from tests.factories import CompanyFactory, UserFactory
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    """One company with a confirmed user of each role, and one with an unconfirmed address."""
    company = CompanyFactory(email="office@example.cn")
    users = {
        role: ConfirmedUserFactory(company=company, role=role, email=f"{role}@example.cn")
        for role in ("admin", "listings", "sales")
    }
    users["unconfirmed"] = UserFactory(company=company, role="admin", email="new@example.cn")
    return company, users


def _notify(company, event, capture, **kwargs):
    context = {"title": "供应优质不锈钢无缝钢管", "subject": "求购304钢管", "message": "请报价"}
    with capture(execute=True):
        return notices.notify(
            company=company, event=event, context=context, url="/my/listings/1/", **kwargs
        )


@pytest.mark.parametrize(
    ("event", "roles"),
    [
        ("listing_approved", {"admin", "listings"}),
        ("inquiry_received", {"admin", "sales"}),
        ("trustpass_renewal", {"admin"}),
    ],
)
def test_one_notice_and_one_email_to_each_confirmed_user_of_the_events_roles(
    staff, event, roles, django_capture_on_commit_callbacks
):
    company, users = staff
    notice = _notify(company, event, django_capture_on_commit_callbacks)
    assert Notice.objects.filter(company=company).count() == 1
    assert notice.kind == event and notice.emailed_at is None  # this instance: before commit
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{r}@example.cn" for r in roles)
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_user_who_turned_the_event_off_gets_the_notice_but_no_email(
    staff, django_capture_on_commit_callbacks
):
    company, users = staff
    NoticePreference.objects.create(
        user=users["listings"], event="listing_approved", send_email=False
    )
    _notify(company, "listing_approved", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["admin@example.cn"]]
    assert Notice.objects.filter(company=company, kind="listing_approved").count() == 1


def test_inactive_users_and_other_companies_get_nothing(django_capture_on_commit_callbacks):
    company = CompanyFactory()
    ConfirmedUserFactory(company=company, is_active=False)
    ConfirmedUserFactory()  # another company
    _notify(company, "listing_rejected", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notice.objects.get(company=company).emailed_at is not None  # done: nobody to mail


def test_dedupe_key_makes_one_notice_and_one_email(staff, django_capture_on_commit_callbacks):
    company, _ = staff
    first = _notify(
        company, "trustpass_renewal", django_capture_on_commit_callbacks, dedupe_key="k1"
    )
    again = _notify(
        company, "trustpass_renewal", django_capture_on_commit_callbacks, dedupe_key="k1"
    )
    assert first is not None and again is None
    assert Notice.objects.filter(company=company).count() == 1
    assert len(mail.outbox) == 1


def test_unknown_event_is_refused():
    with pytest.raises(ValueError, match="unknown notice event"):
        notices.notify(company=CompanyFactory(), event="nonsense")


def test_the_email_has_absolute_links_an_html_part_and_the_settings_link(
    staff, settings, django_capture_on_commit_callbacks
):
    settings.MAIN_SITE_URL = "https://www.example.cn/"
    company, _ = staff
    _notify(company, "listing_approved", django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "【诚信通商务平台】您发布的信息“供应优质不锈钢无缝钢管”已通过审核"
    assert "查看信息：https://www.example.cn/my/listings/1/" in message.body
    assert "https://www.example.cn/my/notices/settings/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://www.example.cn/my/listings/1/"' in html
    assert 'href="https://www.example.cn/my/notices/settings/"' in html


def test_a_link_missing_from_the_body_is_added_under_it(staff, django_capture_on_commit_callbacks):
    company, _ = staff
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(
            company=company,
            event="inquiry_replied",
            context={"subject": "钢管", "message": "有货"},
            url="/my/inbox/9/",
        )
    # The template shows the link itself, so it is not repeated.
    assert mail.outbox[0].body.count("http://testserver/my/inbox/9/") == 1


def test_the_task_sends_once_however_often_it_runs(staff):
    company, _ = staff
    notice = notices.notify(company=company, event="listing_expired", context={"title": "钢管"})
    assert notice_email.apply(args=[notice.pk]).get() is True
    assert notice_email.apply(args=[notice.pk]).get() is False
    assert len(mail.outbox) == 2  # admin and listings, once each


def test_the_sweep_sends_a_lost_email_once_and_gives_up_old_ones(staff, monkeypatch):
    company, _ = staff

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    real_delay = notice_email.delay
    monkeypatch.setattr(notice_email, "delay", broker_down)
    lost = notices.notify(company=company, event="order_paid", context={})
    given_up = notices.notify(company=company, event="order_shipped", context={})
    monkeypatch.setattr(notice_email, "delay", real_delay)
    assert notices.notice_email_sweep() == 0  # too young: its task may still be on its way
    Notice.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    Notice.objects.filter(pk=given_up.pk).update(
        created_at=timezone.now() - notices.NOTICE_EMAIL_GIVE_UP - timedelta(minutes=1)
    )
    assert notices.notice_email_sweep() == 1
    assert notices.notice_email_sweep() == 0
    assert {m.to[0] for m in mail.outbox} == {"admin@example.cn", "sales@example.cn"}
    assert len(mail.outbox) == 2
    given_up.refresh_from_db()
    assert given_up.emailed_at is None  # the in-site notice remains


def test_preferences_list_the_events_of_the_role_and_save_changes():
    sales = ConfirmedUserFactory(role="sales")
    events = [event for event, _, _ in notices.notice_preferences(sales)]
    assert "inquiry_received" in events and "order_paid" in events
    assert "listing_approved" not in events and "trustpass_renewal" not in events
    on = set(events) - {"order_paid", "review_received"}
    assert notices.notice_preferences_set(user=sales, email_on=on) == 2
    assert notices.notice_preferences_set(user=sales, email_on=on) == 0
    off = {event for event, _, send in notices.notice_preferences(sales) if not send}
    assert off == {"order_paid", "review_received"}
    # Events outside the role are never written, whatever is posted.
    notices.notice_preferences_set(user=sales, email_on=on | {"listing_approved"})
    assert not NoticePreference.objects.filter(user=sales, event="listing_approved").exists()


def test_every_event_reaches_the_administrator():
    assert all("admin" in spec.roles for spec in notices.EVENTS.values())


@pytest.mark.parametrize(
    ("main_site_url", "path", "expected"),
    [
        ("https://www.example.cn/", "/my/", "https://www.example.cn/my/"),
        ("https://www.example.cn", "my/", "https://www.example.cn/my/"),
        ("", "/my/", "http://127.0.0.1/my/"),  # first allowed host that is not a wildcard
        ("https://www.example.cn", "https://elsewhere.cn/x", "https://elsewhere.cn/x"),
        ("https://www.example.cn", "", ""),
    ],
)
def test_absolute_url(settings, main_site_url, path, expected):
    settings.MAIN_SITE_URL = main_site_url
    settings.ALLOWED_HOSTS = [".localhost", "127.0.0.1", "testserver"]
    assert notices.absolute_url(path) == expected
