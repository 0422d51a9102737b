"""R-M3: the privileges of TrustPass members, in one place.

Every other app asks these functions rather than testing membership itself, so a lapsed
company loses every privilege at once (R-M2).
"""

from __future__ import annotations

from datetime import date, datetime

from .models import Company
from .selectors import company_is_trustpass


def is_trustpass(company: Company | None, *, at: date | datetime | None = None) -> bool:
    return company_is_trustpass(company, at=at)


def can_see_buy_lead_contacts(company: Company | None) -> bool:
    """R-M3.1: demand-listing contacts only for TrustPass members."""
    return is_trustpass(company)


def can_quote(company: Company | None) -> bool:
    """R-M3.1: only TrustPass members send quotations on buy leads."""
    return is_trustpass(company)


def has_ranking_priority(company: Company | None, *, at: date | datetime | None = None) -> bool:
    """R-M3.4 / R-S2 key 2."""
    return is_trustpass(company, at=at)


def may_review(company: Company | None, *, at: date | datetime | None = None) -> bool:
    """R-C4: reviews only between TrustPass members at the time of the review."""
    return is_trustpass(company, at=at)


def has_credit_archive(company: Company | None) -> bool:
    """R-C1: a public credit archive for every TrustPass company."""
    return is_trustpass(company)


def storefront_online(company: Company | None, *, at: date | datetime | None = None) -> bool:
    """R-F1: the storefront is offline while the company is not TrustPass."""
    return is_trustpass(company, at=at)


def can_register_domain(company: Company | None) -> bool:
    """R-F2: own domain for TrustPass members."""
    return is_trustpass(company)


def has_mailbox(company: Company | None) -> bool:
    """R-F3: enterprise mailbox for TrustPass members."""
    return is_trustpass(company)
