"""The staff queue of identity verification applications (R-C2): its review deadline.

R-C2 names no review time; the reading chosen here (issue 15): staff answer an application
within VERIFICATION_REVIEW_DAYS *(setting, 3)* days of its submission. The admin's list
opens on the pending applications, nearest deadline first; the staff console counts them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from .models import VerificationApplication


def review_period() -> timedelta:
    return timedelta(days=settings.VERIFICATION_REVIEW_DAYS)


def review_deadline(submitted_at: datetime) -> datetime:
    """When staff should have decided an application submitted at `submitted_at`."""
    return submitted_at + review_period()


def with_review_deadline(queryset: QuerySet[VerificationApplication]) -> QuerySet:
    """Annotate `review_deadline` (submission + the review period)."""
    return queryset.annotate(
        review_deadline=ExpressionWrapper(
            F("created_at") + review_period(), output_field=DateTimeField()
        )
    )


def pending_by_deadline() -> QuerySet[VerificationApplication]:
    """Pending applications, nearest deadline first."""
    return with_review_deadline(
        VerificationApplication.objects.filter(status=VerificationApplication.Status.PENDING)
    ).order_by("review_deadline", "pk")


def overdue(queryset: QuerySet[VerificationApplication], now: datetime | None = None) -> QuerySet:
    """Those of `queryset` whose deadline has passed."""
    return queryset.filter(created_at__lt=(now or timezone.now()) - review_period())
