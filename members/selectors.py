"""Reads about members that carry rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .exceptions import NoCompany
from .models import (
    Company,
    Notice,
    TrustPassPeriod,
    VerificationAgency,
    VerificationApplication,
)
from .rules import (
    membership_start,
    membership_year,
    next_uncovered_day,
    period_contains,
    renewal_rate,
)


def _as_day(at: date | datetime | None) -> date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime):
        return timezone.localtime(at).date()
    return at


def _periods(company: Company) -> list[tuple[date, date]]:
    # Cached on the instance, so within one request a company's periods are read once.
    cached = getattr(company, "_trustpass_periods", None)
    if cached is None:
        cached = list(
            TrustPassPeriod.objects.filter(company_id=company.pk).values_list(
                "starts_on", "ends_on"
            )
        )
        company._trustpass_periods = cached
    return cached


def company_periods(company: Company) -> list[tuple[date, date]]:
    """The company's TrustPass periods as (starts_on, ends_on) pairs (R-M2), read once per
    company instance; other apps read periods through this, never the table itself."""
    return list(_periods(company))


def company_next_trustpass_start(
    company: Company, *, at: date | datetime | None = None
) -> date | None:
    """The first day of the company's next period starting after `at` (default today)."""
    day = _as_day(at)
    return min((s for s, _ in _periods(company) if s > day), default=None)


def company_is_trustpass(company: Company | None, *, at: date | datetime | None = None) -> bool:
    """R-M2: the company is TrustPass at `at` (default now, Asia/Shanghai) iff a period
    [starts_on, ends_on) contains that day. No scheduled job is needed for it to end."""
    if company is None or company.pk is None:
        return False
    annotated = getattr(company, "trustpass_now", None)
    if at is None and annotated is not None:
        return bool(annotated)
    day = _as_day(at)
    return any(period_contains(s, e, day) for s, e in _periods(company))


def company_is_trustpass_sql(company_id_sql: str, day_param: str) -> str:
    """The rule of `company_is_trustpass` (R-M2) as an SQL condition, for reads written in
    SQL: true when a period of the company whose id is the expression `company_id_sql`
    contains the day bound to the named parameter `day_param` (`%(day_param)s`).

    A correlated subquery with LIMIT: one index lookup per row it is asked of. As EXISTS the
    planner may hash the whole periods table first, which costs more for the few rows the
    callers ask about."""
    table = TrustPassPeriod._meta.db_table
    day = f"%({day_param})s"
    return (
        f"COALESCE((SELECT TRUE FROM {table} tp_period"  # noqa: S608 (names from the model; the day is bound)
        f" WHERE tp_period.company_id = {company_id_sql}"
        f" AND tp_period.starts_on <= {day} AND tp_period.ends_on > {day} LIMIT 1), FALSE)"
    )


def company_trustpass_until(
    company: Company | None, *, at: date | datetime | None = None
) -> date | None:
    """The end (exclusive) of the unbroken TrustPass run containing `at`, or None."""
    if company is None:
        return None
    day = _as_day(at)
    until = None
    for s, e in sorted(_periods(company)):
        if until is None and period_contains(s, e, day):
            until = e
        elif until is not None and s <= until:
            until = max(until, e)
    return until


def company_membership_year(company: Company, *, at: date | datetime | None = None) -> int | None:
    """诚信通第 N 年 on `at` (default today), or None while the company is not TrustPass."""
    return membership_year(_periods(company), _as_day(at))


def company_trustpass_since(company: Company, *, at: date | datetime | None = None) -> date | None:
    """诚信通会员起始: the start of the company's first TrustPass period (not the account's
    creation), or None if it has never been TrustPass by `at`."""
    return membership_start(_periods(company), _as_day(at))


def company_forget_cache(company: Company) -> None:
    """Call after periods change, so the next check reads them again."""
    for attr in ("_trustpass_periods", "trustpass_now"):
        if hasattr(company, attr):
            delattr(company, attr)


def user_company(user, *, detail: str | None = None) -> Company:
    """The signed-in member's company, or `NoCompany` with `detail` (what could not be done
    without one). The one way the pages and the API ask for it."""
    company = getattr(user, "company", None) if getattr(user, "is_authenticated", False) else None
    if company is None:
        raise NoCompany(detail) if detail else NoCompany()
    return company


def company_get_public(*, member_id: str) -> Company:
    if "\x00" in member_id:  # names no company, and PostgreSQL refuses it in a query
        raise Http404
    return get_object_or_404(Company, member_id=member_id)


# --- Membership (R-M2) ------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipState:
    is_trustpass: bool
    until: date | None  # end (exclusive) of the unbroken run containing today
    last_day: date | None  # the last day with privileges (until − 1)
    days_left: int | None  # until − today: 1 on the last day
    renewal_starts_on: date  # where a year bought today would start (R-M2 续签)
    periods: list[TrustPassPeriod]
    ever: bool  # the company has had a period before


def company_membership_state(company: Company, *, today: date | None = None) -> MembershipState:
    today = today or timezone.localdate()
    periods = list(TrustPassPeriod.objects.filter(company=company).order_by("-starts_on"))
    spans = [(p.starts_on, p.ends_on) for p in periods]
    company._trustpass_periods = spans
    is_tp = company_is_trustpass(company, at=today)
    until = company_trustpass_until(company, at=today) if is_tp else None
    return MembershipState(
        is_trustpass=is_tp,
        until=until,
        last_day=until - timedelta(days=1) if until else None,
        days_left=(until - today).days if until else None,
        renewal_starts_on=next_uncovered_day(spans, today),
        periods=periods,
        ever=any(s <= today for s, _ in spans),
    )


def company_renewal_start(company: Company, *, today: date | None = None) -> date:
    """R-M2: a renewal starts at the current end (or today for a company not TrustPass)."""
    today = today or timezone.localdate()
    return next_uncovered_day(_periods(company), today)


def companies_with_run_ending_within(*, today: date, days: int) -> list[tuple[Company, date]]:
    """R-M4: (company, end of its current TrustPass run) for every company that is TrustPass
    today and whose run ends within `days` days (renewals counted: a company that already
    renewed is not listed)."""
    horizon = today + timedelta(days=days)
    companies = Company.objects.filter(
        trustpass_periods__starts_on__lte=today,
        trustpass_periods__ends_on__gt=today,
        trustpass_periods__ends_on__lte=horizon,
    ).distinct()
    result = []
    for company in companies:
        until = company_trustpass_until(company, at=today)
        if until is not None and until <= horizon:
            result.append((company, until))
    return result


def membership_renewal_rate(*, today: date | None = None) -> tuple[int, int, float | None]:
    """Admin (续签率): of the periods that ended in the last 12 months, the share renewed
    within 30 days. Returns (renewed, ended, rate or None when nothing ended)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=366)
    company_ids = TrustPassPeriod.objects.filter(ends_on__gt=since, ends_on__lte=today).values(
        "company_id"
    )
    rows = TrustPassPeriod.objects.filter(company_id__in=company_ids).values_list(
        "company_id", "starts_on", "ends_on"
    )
    renewed, ended = renewal_rate(list(rows), today=today)
    return renewed, ended, (renewed / ended if ended else None)


# --- Identity verification (R-C2) ----------------------------------------------------------


def verification_agencies_active():
    return VerificationAgency.objects.filter(active=True)


def company_verification_applications(company: Company):
    return VerificationApplication.objects.filter(company=company).select_related("agency")


def company_verification_latest(company: Company) -> VerificationApplication | None:
    return company_verification_applications(company).first()


def verification_get_for_company(*, company: Company, pk: int) -> VerificationApplication:
    """Another company's application is a 404."""
    return get_object_or_404(company_verification_applications(company), pk=pk)


def verification_list_for_staff(*, status: str | None = None):
    qs = VerificationApplication.objects.select_related("company", "agency", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


# --- Back office -------------------------------------------------------------------------


def company_notices(company: Company, *, unread_only: bool = False):
    qs = Notice.objects.filter(company=company)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def company_unread_notice_count(company: Company) -> int:
    return Notice.objects.filter(company=company, read_at__isnull=True).count()


def companies_expiring_within(qs, *, today: date, days: int):
    """Admin filter: TrustPass today and the current period ends within `days` days."""
    ids = [c.pk for c, _ in companies_with_run_ending_within(today=today, days=days)]
    return qs.filter(pk__in=ids)
