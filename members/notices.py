"""One notice service (issue 14): an in-site notice (站内信) to a company and, for the users
of the company whose role the event concerns, whose address is confirmed and who have not
turned the event's e-mail off, the same notice by e-mail.

Callers in every app use `notify(company=…, event=…, context=…, url=…)`. The subject and
body come from templates (`templates/notices/<event>/subject.txt` and `body.txt`), rendered
with `context`, `company`, `site_name` and `link` (the absolute form of `url`). The e-mail
(`templates/notices/email.txt` and `email.html` around the body) is queued on commit
(`members.notice_email`), sent at most once (`Notice.emailed_at`), and a sweep sends the ones
whose message was lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.queueing import enqueue

from .models import Company, Notice, NoticePreference, User

logger = logging.getLogger(__name__)

ADMIN, LISTINGS, SALES = User.Role.ADMIN, User.Role.LISTINGS, User.Role.SALES


@dataclass(frozen=True)
class NoticeEvent:
    label: str  # shown on the preferences page
    roles: frozenset[str]  # the company roles whose users receive the e-mail
    email_default: bool = True  # e-mail unless the user turned it off


EVENTS: dict[str, NoticeEvent] = {
    "listing_approved": NoticeEvent(_("信息审核通过"), frozenset({ADMIN, LISTINGS})),
    "listing_rejected": NoticeEvent(_("信息未通过审核"), frozenset({ADMIN, LISTINGS})),
    "listing_expiring": NoticeEvent(_("信息 3 天后到期"), frozenset({ADMIN, LISTINGS})),
    "listing_expired": NoticeEvent(_("信息已过期"), frozenset({ADMIN, LISTINGS})),
    "inquiry_received": NoticeEvent(_("收到询盘"), frozenset({ADMIN, SALES})),
    "quote_received": NoticeEvent(_("收到报价"), frozenset({ADMIN, SALES})),
    "inquiry_replied": NoticeEvent(_("询盘/报价收到回复"), frozenset({ADMIN, SALES})),
    "order_created": NoticeEvent(_("新订单"), frozenset({ADMIN, SALES})),
    "order_paid": NoticeEvent(_("订单已付款"), frozenset({ADMIN, SALES})),
    "order_shipped": NoticeEvent(_("订单已发货"), frozenset({ADMIN, SALES})),
    "order_completed": NoticeEvent(_("交易成功"), frozenset({ADMIN, SALES})),
    "order_refunded": NoticeEvent(_("订单已退款"), frozenset({ADMIN, SALES})),
    "order_cancelled": NoticeEvent(_("订单已取消或关闭"), frozenset({ADMIN, SALES})),
    "order_disputed": NoticeEvent(_("订单纠纷"), frozenset({ADMIN, SALES})),
    "review_received": NoticeEvent(_("收到评价"), frozenset({ADMIN, SALES})),
    "verification_decided": NoticeEvent(_("身份认证结果"), frozenset({ADMIN})),
    "trustpass_granted": NoticeEvent(_("诚信通会员期开通"), frozenset({ADMIN})),
    "trustpass_renewal": NoticeEvent(_("诚信通续费提醒"), frozenset({ADMIN})),
    "company_change_decided": NoticeEvent(_("企业资料变更审核结果"), frozenset({ADMIN})),
}


def absolute_url(path: str) -> str:
    """`path` as a link that works in an e-mail: MAIN_SITE_URL (else the first allowed host)
    in front of a site-relative path; absolute URLs are returned as they are."""
    if not path or path.startswith(("http://", "https://")):
        return path
    base = (getattr(settings, "MAIN_SITE_URL", "") or "").rstrip("/")
    if not base:
        host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "")
        base = f"http://{host or '127.0.0.1:8000'}"
    return base + (path if path.startswith("/") else "/" + path)


def render(event: str, *, company: Company, context: dict | None = None, url: str = ""):
    """(subject, body) of an event's notice, from its templates, in the active language
    (`notify` stores notices in the site's language, LANGUAGE_CODE)."""
    if event not in EVENTS:
        raise ValueError(f"unknown notice event {event!r}")
    ctx = {
        **(context or {}),
        "company": company,
        "site_name": settings.SITE_NAME,
        "link": absolute_url(url),
    }
    subject = " ".join(render_to_string(f"notices/{event}/subject.txt", ctx).split())
    body = render_to_string(f"notices/{event}/body.txt", ctx).strip()
    return subject[:200], body


def notify(
    *,
    company: Company,
    event: str,
    context: dict | None = None,
    url: str = "",
    dedupe_key: str | None = None,
) -> Notice | None:
    """The in-site notice of `event` to `company` now, its e-mail queued on commit. With
    `dedupe_key`, at most one notice is ever made (None when it already exists).

    Written in the site's language (LANGUAGE_CODE), whatever the language of the request
    that caused it: the notice is stored once for every user of the company and is read
    later by people who did not make the request (accounts have no language of their own)."""
    with translation.override(settings.LANGUAGE_CODE):
        title, body = render(event, company=company, context=context, url=url)
    fields = {"company": company, "kind": event, "title": title, "body": body, "url": url}
    if dedupe_key:
        notice, created = Notice.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        if not created:
            return None
    else:
        notice = Notice.objects.create(**fields)
    from . import tasks  # tasks import this module

    transaction.on_commit(lambda: enqueue(tasks.notice_email, notice.pk))
    return notice


# --- who gets the e-mail --------------------------------------------------------------------


def events_for_role(role: str) -> list[str]:
    """The events whose e-mail a user of `role` can receive (the preferences page lists them)."""
    return [event for event, spec in EVENTS.items() if role in spec.roles]


def email_wanted(user: User, event: str, *, preferences: dict[str, bool] | None = None) -> bool:
    """Whether `user` gets `event` by e-mail: an active account with a confirmed address, a
    role the event concerns, and the event's e-mail not turned off."""
    spec = EVENTS[event]
    if not (user.is_active and user.email and user.email_confirmed_at):
        return False
    if user.role not in spec.roles:
        return False
    if preferences is None:
        preferences = dict(
            NoticePreference.objects.filter(user=user).values_list("event", "send_email")
        )
    return preferences.get(event, spec.email_default)


def recipients(company: Company, event: str) -> list[str]:
    """The addresses `event`'s e-mail goes to, sorted and without repeats."""
    users = list(company.users.filter(is_active=True).exclude(email=""))
    prefs: dict[int, dict[str, bool]] = {u.pk: {} for u in users}
    for user_id, ev, send in NoticePreference.objects.filter(user__in=users).values_list(
        "user_id", "event", "send_email"
    ):
        prefs[user_id][ev] = send
    return sorted(
        {u.email.lower() for u in users if email_wanted(u, event, preferences=prefs[u.pk])}
    )


def notice_preferences(user: User) -> list[tuple[str, str, bool]]:
    """(event, label, e-mail on) for each event of the user's role, in EVENTS order (the
    label lazy: it reads in the language of the page)."""
    saved = dict(NoticePreference.objects.filter(user=user).values_list("event", "send_email"))
    return [
        (event, EVENTS[event].label, saved.get(event, EVENTS[event].email_default))
        for event in events_for_role(user.role)
    ]


@transaction.atomic
def notice_preferences_set(*, user: User, email_on: set[str] | list[str]) -> int:
    """Save which events of the user's role also come by e-mail (the others: in-site only).
    Events outside the role are left alone. Returns how many choices changed."""
    wanted = set(email_on)
    changed = 0
    for event, _label, current in notice_preferences(user):
        send = event in wanted
        if send != current:
            NoticePreference.objects.update_or_create(
                user=user, event=event, defaults={"send_email": send}
            )
            changed += 1
    return changed


# --- the e-mail -----------------------------------------------------------------------------


def email_message(notice: Notice, address: str) -> EmailMultiAlternatives:
    """The e-mail of `notice` to one address: plain text and an HTML alternative, both from
    templates, every link absolute; in the active language (`notice_email_send`: the site's,
    the language the notice itself was written in)."""
    ctx = {
        "title": notice.title,
        "body": notice.body,
        "link": absolute_url(notice.url),
        "settings_link": absolute_url(reverse("members:notice_settings")),
        "site_name": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=gettext("【%(site)s】%(title)s")
        % {"site": settings.SITE_NAME, "title": notice.title},
        body=render_to_string("notices/email.txt", ctx).strip() + "\n",
        to=[address],
    )
    message.attach_alternative(render_to_string("notices/email.html", ctx), "text/html")
    return message


def notice_email_send(notice_id: int) -> bool:
    """E-mail one notice to its recipients, at most once (`emailed_at`, row locked while
    sending). A notice nobody should receive is marked done. True when a mail went out."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(pk=notice_id, emailed_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        to = recipients(notice.company, notice.kind) if notice.kind in EVENTS else []
        # One message per address, so no recipient sees the others' addresses; in the
        # language the notice was written in (`notify`).
        with translation.override(settings.LANGUAGE_CODE):
            for address in to:
                email_message(notice, address).send()
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
        return bool(to)


# A notice e-mail not sent within this long is given up (the in-site notice remains).
NOTICE_EMAIL_GIVE_UP = timedelta(days=2)


def notice_email_sweep(*, older_than_seconds: int | None = None, limit: int = 500) -> int:
    """Queue the e-mails of notices whose message was lost (or whose task failed for good),
    oldest first, at most `limit`: those older than NOTICE_EMAIL_SWEEP_AFTER_SECONDS and
    younger than NOTICE_EMAIL_GIVE_UP. The task sends once, so a repeat is harmless.
    Returns how many were queued."""
    from . import tasks

    if older_than_seconds is None:
        older_than_seconds = settings.NOTICE_EMAIL_SWEEP_AFTER_SECONDS
    now = timezone.now()
    due = (
        Notice.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - timedelta(seconds=older_than_seconds),
            created_at__gte=now - NOTICE_EMAIL_GIVE_UP,
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if enqueue(tasks.notice_email, pk))
