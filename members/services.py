"""Business actions on members: registration (R-M1), TrustPass periods (R-M2), renewal
reminders (R-M4) and in-site notices. Views, API, admin, tasks and commands call these.

Identity verification (R-C2) is in `verification_services.py`; buying TrustPass years online
is trade's (`trade.trustpass_services`, which calls `membership_renew`). The apps above hear
of changes through `members.signals`, never through a call from here.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.exceptions import DomainError

from . import account_services, notices, selectors, signals
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
            _("密码不符合要求：%(problems)s") % {"problems": " ".join(exc.messages)},
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
    # The address is unconfirmed until its link is followed (sent once this commits).
    account_services.email_confirmation_send(user=user)
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
    _audit_period(AuditAction.MEMBERSHIP_GRANT, period, company, by=by, reason=note)
    company_forget_cache(company)
    _membership_changed(company.pk, cause="membership_granted")
    notices.notify(
        company=company,
        event="trustpass_granted",
        context={"starts_on": starts_on, "last_day": ends_on - timedelta(days=1)},
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
        raise InvalidPeriod(
            _("续费年数至少为 1 年。"), fields={"years": [_("续费年数至少为 1 年。")]}
        )
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
    before = {"starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat()}
    period.starts_on, period.ends_on, period.note = starts_on, ends_on, note
    period.save(update_fields=["starts_on", "ends_on", "note"])
    _audit_period(
        AuditAction.MEMBERSHIP_UPDATE, period, period.company, by=by, reason=note, before=before
    )
    _membership_changed(period.company_id, cause="membership_changed")
    return period


@transaction.atomic
def membership_period_delete(*, period: TrustPassPeriod, by: User | None = None) -> None:
    """Staff remove a period entered by mistake; the company's data stays (R-M2)."""
    company_id = period.company_id
    _audit_period(AuditAction.MEMBERSHIP_DELETE, period, period.company, by=by, reason=period.note)
    TrustPassPeriod.objects.filter(pk=period.pk).delete()
    _membership_changed(company_id, cause="membership_removed")


def _audit_period(
    action: str,
    period: TrustPassPeriod,
    company: Company,
    *,
    by: User | None,
    reason: str = "",
    before: dict | None = None,
) -> None:
    """Issue 15: a membership decision in the audit log, inside its transaction. A period a
    payment made (`by` None, source order) is recorded too, as the system's."""
    details = {
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "source": period.source,
    }
    if before:
        details["before"] = before
    audit_record(
        action=action,
        target=period,
        by=by,
        reason=reason,
        company=company,
        target_label=f"{company.member_id} {period.starts_on}–{period.ends_on}",
        details=details,
    )


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
    """R-M4: one reminder, in-site notice and e-mail, exactly once. The sent-record row is
    locked while the notice is made, so a concurrent or repeated run finds it done. The
    e-mail goes with the notice (members.notices: queued on commit, sent at most once, swept
    when lost); `email_to` records whom it was addressed to. True when it was made now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record, _ = MembershipReminder.objects.get_or_create(
            company=company, ends_on=ends_on, days_before=days_before
        )
        record = MembershipReminder.objects.select_for_update().get(pk=record.pk)
        if record.notice_id:
            return False
        key = f"trustpass-reminder:{company.pk}:{ends_on.isoformat()}:{days_before}"
        notice = notices.notify(
            company=company,
            event="trustpass_renewal",
            context={
                "days_left": (ends_on - today).days,
                "last_day": ends_on - timedelta(days=1),
                "ends_on": ends_on,
            },
            # The buy page is trade's (TrustPass purchases); a URL name, not an import.
            url=reverse("trade:trustpass_buy"),
            dedupe_key=key,
        ) or Notice.objects.get(dedupe_key=key)
        record.notice = notice
        record.email_to = ", ".join(notices.recipients(company, "trustpass_renewal"))[:254]
        record.save(update_fields=["notice", "email_to"])
        return True


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
    """An in-site notice only, no e-mail; with `dedupe_key`, at most one is ever made (returns
    None then). New callers use `members.notices.notify` (notice and e-mail by event)."""
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
