"""Reads about members that carry rules."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Company, TrustPassPeriod
from .rules import period_contains


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


def company_forget_cache(company: Company) -> None:
    """Call after periods change, so the next check reads them again."""
    for attr in ("_trustpass_periods", "trustpass_now"):
        if hasattr(company, attr):
            delattr(company, attr)


def company_get_public(*, member_id: str) -> Company:
    return get_object_or_404(Company, member_id=member_id)
