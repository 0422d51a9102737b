"""What the admin index shows first (issue 15): the work waiting for staff, one card per
queue with its count, its oldest deadline (or oldest item) and a link to the changelist
filtered to exactly that work; then the latest decisions of the audit log.

Composition root: it reads the queues of every app. Each card is shown only to staff whose
permissions let them open that changelist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from credit.models import Certificate, Review
from inquiries.models import ListingReport
from listings.models import Listing, ReviewQueueListing
from members import verification_queue
from members.models import CompanyChangeRequest, VerificationApplication
from ops.models import FailedTask
from trade.models import Dispute


@dataclass(frozen=True)
class WorkItem:
    key: str
    title: str
    count: int
    url: str
    # What to know of the oldest: a line or two ("最早截止 …", "已超时 …").
    lines: tuple[str, ...] = ()
    overdue: int = 0
    overdue_url: str = ""
    # The oldest deadline (or the oldest item, for queues without one), for tests and sorting.
    oldest: datetime | None = None

    @property
    def detail(self) -> str:
        return _("，").join(self.lines)


def _model_admin(site, model, request):
    model_admin = site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return None
    return model_admin


def _changelist(site, model, **query) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=site.name)
    return f"{url}?{urlencode(query)}" if query else url


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "m-d H:i")


def _span(earlier: datetime, later: datetime) -> str:
    if (later - earlier).total_seconds() < 60:
        return _("不到 1 分钟")
    return timesince(earlier, later, depth=2)


def _deadline_lines(deadline: datetime | None, now: datetime) -> tuple[str, ...]:
    if deadline is None:
        return ()
    first = _("最早截止 %(when)s") % {"when": _when(deadline)}
    if deadline < now:
        return first, _("已超时 %(late)s") % {"late": _span(deadline, now)}
    return first, _("还剩 %(left)s") % {"left": _span(now, deadline)}


def _waiting_lines(since: datetime | None, now: datetime) -> tuple[str, ...]:
    if since is None:
        return ()
    return (_("最早的已等待 %(wait)s") % {"wait": _span(since, now)},)


def _review_queue(site, request, now) -> WorkItem | None:
    """R-L4: pending listings, their nearest deadline and how many are overdue."""
    if _model_admin(site, ReviewQueueListing, request) is None:
        return None
    pending = Listing.objects.filter(status=Listing.Status.PENDING_REVIEW)
    oldest = pending.aggregate(at=Min("review_deadline"))["at"]
    return WorkItem(
        key="listings",
        title=_("待审核信息"),
        count=pending.count(),
        url=_changelist(site, ReviewQueueListing),
        lines=_deadline_lines(oldest, now),
        overdue=pending.filter(review_deadline__lt=now).count(),
        overdue_url=_changelist(site, ReviewQueueListing, overdue="yes"),
        oldest=oldest,
    )


def _verifications(site, request, now) -> WorkItem | None:
    """R-C2: pending identity verification applications (deadline: VERIFICATION_REVIEW_DAYS)."""
    if _model_admin(site, VerificationApplication, request) is None:
        return None
    pending = VerificationApplication.objects.filter(status=VerificationApplication.Status.PENDING)
    first = pending.aggregate(at=Min("created_at"))["at"]
    oldest = verification_queue.review_deadline(first) if first else None
    return WorkItem(
        key="verifications",
        title=_("身份认证申请"),
        count=pending.count(),
        url=_changelist(site, VerificationApplication, status="pending"),
        lines=_deadline_lines(oldest, now),
        overdue=verification_queue.overdue(pending, now).count(),
        overdue_url=_changelist(site, VerificationApplication, status="pending", overdue="yes"),
        oldest=oldest,
    )


def _simple(site, request, now, *, key, title, model, queryset, since_field, query):
    if _model_admin(site, model, request) is None:
        return None
    oldest = queryset.aggregate(at=Min(since_field))["at"]
    return WorkItem(
        key=key,
        title=title,
        count=queryset.count(),
        url=_changelist(site, model, **query),
        lines=_waiting_lines(oldest, now),
        oldest=oldest,
    )


def work_queue(site, request) -> list[WorkItem]:
    """The cards of the index, in the order staff should look at them."""
    now = timezone.now()
    items = [
        _review_queue(site, request, now),
        _verifications(site, request, now),
        _simple(
            site,
            request,
            now,
            key="reports",
            title=_("待处理举报"),
            model=ListingReport,
            queryset=ListingReport.objects.filter(status=ListingReport.Status.OPEN),
            since_field="created_at",
            query={"status__exact": ListingReport.Status.OPEN},
        ),
        _simple(
            site,
            request,
            now,
            key="disputes",
            title=_("待裁决纠纷"),
            model=Dispute,
            queryset=Dispute.objects.filter(decision=""),
            since_field="opened_at",
            query={"state": "open"},
        ),
        _simple(
            site,
            request,
            now,
            key="company_changes",
            title=_("企业资料变更申请"),
            model=CompanyChangeRequest,
            queryset=CompanyChangeRequest.objects.filter(
                status=CompanyChangeRequest.Status.PENDING
            ),
            since_field="created_at",
            query={"status__exact": CompanyChangeRequest.Status.PENDING},
        ),
        _simple(
            site,
            request,
            now,
            key="certificates",
            title=_("待核实证书"),
            model=Certificate,
            queryset=Certificate.objects.filter(status=Certificate.Status.PENDING),
            since_field="created_at",
            query={"status__exact": Certificate.Status.PENDING},
        ),
        _simple(
            site,
            request,
            now,
            key="flagged_reviews",
            title=_("待核查评价"),
            model=Review,
            queryset=Review.objects.filter(flagged=True),
            since_field="created_at",
            query={"flagged__exact": "1"},
        ),
        _simple(
            site,
            request,
            now,
            key="failed_tasks",
            title=_("失败的后台任务"),
            model=FailedTask,
            queryset=FailedTask.objects.filter(status=FailedTask.Status.FAILED),
            since_field="failed_at",
            query={"status__exact": FailedTask.Status.FAILED},
        ),
    ]
    return [item for item in items if item is not None]


def audit_log_url(site, request) -> str:
    if _model_admin(site, AuditEntry, request) is None:
        return ""
    return _changelist(site, AuditEntry)


def recent_decisions(site, request, limit: int = 8) -> list[AuditEntry]:
    """The latest entries of the audit log (for staff allowed to read it)."""
    if _model_admin(site, AuditEntry, request) is None:
        return []
    return list(AuditEntry.objects.select_related("actor")[:limit])
