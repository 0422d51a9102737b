"""Business actions on members: registration (R-M1), TrustPass periods (R-M2), renewal
reminders (R-M4) and in-site notices. Views, API, admin, tasks and commands call these.

Identity verification (R-C2) is in `verification_services.py`; buying TrustPass years online
is trade's (`trade.trustpass_services`, which calls `membership_renew`). The apps above hear
of changes through `members.signals`, never through a call from here.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.exceptions import DomainError

from . import selectors, signals
from .exceptions import InvalidPeriod, MemberIdUnavailable, UsernameTaken
from .models import Company, MembershipReminder, Notice, TrustPassPeriod, User
from .rules import (
    REMINDER_DAYS,
    add_years,
    member_id_problem,
    next_uncovered_day,
    reminder_due,
)
from .selectors import company_forget_cache

logger = logging.getLogger(__name__)


@transaction.atomic
def company_register(
    *,
    username: str,
    password: str,
    email: str,
    member_id: str,
    name: str,
    contact_name: str,
    phone: str,
    province: str = "",
    city: str = "",
    industry: str = "",
) -> User:
    """R-M1: one account and its company, created together or not at all."""
    problem = member_id_problem(member_id)
    if problem:
        raise DomainError(
            problem, code="invalid_member_id", rule="R-M1", fields={"member_id": [problem]}
        )
    if Company.objects.filter(member_id=member_id).exists():
        raise MemberIdUnavailable(fields={"member_id": [MemberIdUnavailable.default_detail]})
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(fields={"username": [UsernameTaken.default_detail]})
    user = User(username=username, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            "密码不符合要求：" + " ".join(exc.messages),
            code="invalid_password",
            fields={"password": exc.messages},
        )
    # The checks above cannot see a concurrent sign-up that has not committed yet: the unique
    # keys decide, and losing a race on one is the same domain error as the check's (each
    # insert in its own savepoint, so the error is raised from a usable transaction that
    # then rolls back whole, company included).
    try:
        with transaction.atomic():
            company = Company.objects.create(
                member_id=member_id,
                name=name,
                contact_name=contact_name,
                phone=phone,
                email=email,
                province=province,
                city=city,
                industry=industry,
            )
    except IntegrityError:  # lost a race for the same member ID
        raise MemberIdUnavailable(fields={"member_id": [MemberIdUnavailable.default_detail]})
    user.company = company
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # lost a race for the same user name
        raise UsernameTaken(fields={"username": [UsernameTaken.default_detail]})
    return user


# --- TrustPass membership (R-M2) ------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *,
    company: Company,
    starts_on: date,
    ends_on: date,
    source: str = TrustPassPeriod.Source.STAFF,
    note: str = "",
    by: User | None = None,
) -> TrustPassPeriod:
    """R-M2: add a TrustPass period [starts_on, ends_on). Periods come from a paid order or
    from staff (offline payment). Privileges follow from the dates alone, so nothing has to
    run when the period starts or ends."""
    if ends_on <= starts_on:
        raise InvalidPeriod(fields={"ends_on": [InvalidPeriod.default_detail]})
    Company.objects.select_for_update().get(pk=company.pk)
    period = TrustPassPeriod.objects.create(
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
        note=note,
        created_by=by,
    )
    company_forget_cache(company)
    _membership_changed(company.pk, cause="membership_granted")
    notice_send(
        company=company,
        kind="trustpass",
        title=f"诚信通会员期已开通：{starts_on:%Y-%m-%d} 至 {ends_on - timedelta(days=1):%Y-%m-%d}",
        body="感谢您选择诚信通。会员期内您可查看买家联系方式、报价、优先排序并开通商铺。",
        url=reverse("members:dashboard"),
    )
    return period


@transaction.atomic
def membership_renew(
    *,
    company: Company,
    years: int = 1,
    source: str = TrustPassPeriod.Source.ORDER,
    note: str = "",
    by: User | None = None,
    today: date | None = None,
) -> TrustPassPeriod:
    """R-M2 续签: `years` years from the current end (today for a company not TrustPass).
    Bought before the end, the new period starts exactly where the old one ends."""
    if years < 1:
        raise InvalidPeriod("续费年数至少为 1 年。", fields={"years": ["续费年数至少为 1 年。"]})
    today = today or timezone.localdate()
    Company.objects.select_for_update().get(pk=company.pk)
    company_forget_cache(company)  # read the periods again under the lock
    spans = list(
        TrustPassPeriod.objects.filter(company=company).values_list("starts_on", "ends_on")
    )
    starts_on = next_uncovered_day(spans, today)
    return membership_grant(
        company=company,
        starts_on=starts_on,
        ends_on=add_years(starts_on, years),
        source=source,
        note=note,
        by=by,
    )


@transaction.atomic
def membership_period_update(
    *, period: TrustPassPeriod, starts_on: date, ends_on: date, note: str, by: User | None = None
) -> TrustPassPeriod:
    """Staff correct a period's dates (admin). Privileges follow the new dates at once."""
    if ends_on <= starts_on:
        raise InvalidPeriod(fields={"ends_on": [InvalidPeriod.default_detail]})
    period = TrustPassPeriod.objects.select_for_update().get(pk=period.pk)
    period.starts_on, period.ends_on, period.note = starts_on, ends_on, note
    period.save(update_fields=["starts_on", "ends_on", "note"])
    _membership_changed(period.company_id, cause="membership_changed")
    return period


@transaction.atomic
def membership_period_delete(*, period: TrustPassPeriod, by: User | None = None) -> None:
    """Staff remove a period entered by mistake; the company's data stays (R-M2)."""
    company_id = period.company_id
    TrustPassPeriod.objects.filter(pk=period.pk).delete()
    _membership_changed(company_id, cause="membership_removed")


def _membership_changed(company_id: int, *, cause: str) -> None:
    """Tell the apps above, inside the caller's transaction (members.signals): credit writes
    its recalculation marker there, so it commits with the change (R-C7; R-C3 archive years
    come from the periods); search re-ranks the company's listings on commit (R-S2)."""
    signals.membership_changed.send(sender=Company, company_id=company_id, cause=cause)


# --- R-M4: renewal reminders ---------------------------------------------------------------


def membership_reminders_send(*, today: date | None = None) -> int:
    """R-M4: the reminders due today (30, 7 and 1 days before the end of each company's
    current TrustPass run). Safe to run any number of times a day, and late: each reminder
    goes out once. Returns how many went out in this run."""
    today = today or timezone.localdate()
    sent = 0
    for company, until in selectors.companies_with_run_ending_within(
        today=today, days=max(REMINDER_DAYS)
    ):
        days_before = reminder_due((until - today).days)
        if days_before is None:
            continue
        try:
            if membership_reminder_send(
                company=company, ends_on=until, days_before=days_before, today=today
            ):
                sent += 1
        except Exception:  # one mailbox failing must not stop the others; retried next run
            logger.exception("renewal reminder for company %s failed", company.pk)
    return sent


def membership_reminder_send(
    *, company: Company, ends_on: date, days_before: int, today: date | None = None
) -> bool:
    """R-M4: one reminder, e-mail and in-site notice, exactly once. The sent-record row is
    locked while sending, so a concurrent or repeated run finds it done; if the e-mail fails
    the transaction rolls back and the next run tries again. True when something was sent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record, _ = MembershipReminder.objects.get_or_create(
            company=company, ends_on=ends_on, days_before=days_before
        )
        record = MembershipReminder.objects.select_for_update().get(pk=record.pk)
        if record.notice_id and record.email_sent_at:
            return False
        last_day = ends_on - timedelta(days=1)
        days_left = (ends_on - today).days
        title = f"您的诚信通会员还有 {days_left} 天到期，请及时续费"
        # The buy page is trade's (TrustPass purchases); a URL name, not an import.
        renew_url = reverse("trade:trustpass_buy")
        body = (
            f"{company.name}（{company.member_id}）：您的诚信通会员有效期至 {last_day:%Y-%m-%d}，"
            f"{ends_on:%Y-%m-%d} 起将恢复为普通会员，买家联系方式、报价、优先排序、商铺等特权会立即停止。"
            f"现在续费，新会员期从 {ends_on:%Y-%m-%d} 开始计算，不损失剩余天数。"
        )
        sent = False
        if not record.notice_id:
            key = f"trustpass-reminder:{company.pk}:{ends_on.isoformat()}:{days_before}"
            notice = notice_send(
                company=company,
                kind="trustpass_reminder",
                title=title,
                body=body,
                url=renew_url,
                dedupe_key=key,
            ) or Notice.objects.get(dedupe_key=key)
            record.notice = notice
            sent = True
        if not record.email_sent_at:
            to = _company_email(company)
            if to:
                send_mail(
                    subject=f"【{settings.SITE_NAME}】{title}",
                    message=f"{body}\n\n续费：{renew_url}",
                    from_email=None,
                    recipient_list=[to],
                )
            record.email_to = to or ""
            record.email_sent_at = timezone.now()
            sent = True
        record.save()
        return sent


def _company_email(company: Company) -> str | None:
    if company.email:
        return company.email
    user = company.users.filter(is_active=True).exclude(email="").order_by("pk").first()
    return user.email if user else None


# --- In-site notices -----------------------------------------------------------------------


def notice_send(
    *,
    company: Company,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> Notice | None:
    """An in-site notice; with `dedupe_key`, at most one is ever made (returns None then)."""
    if dedupe_key:
        notice, created = Notice.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"company": company, "kind": kind, "title": title, "body": body, "url": url},
        )
        return notice if created else None
    return Notice.objects.create(company=company, kind=kind, title=title, body=body, url=url)


def notices_mark_read(*, company: Company, ids: list[int] | None = None) -> int:
    """Mark the company's notices read (all of them, or those in `ids`)."""
    qs = Notice.objects.filter(company=company, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
