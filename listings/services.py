"""Business actions on listings (R-L1–R-L5). Views, the API, the admin, tasks and the demo
call these; none repeats a rule.

Lifecycle (R-L2): draft → pending_review → live | rejected; live → expired | withdrawn.
Submitting starts a review round: the `listing_review` task runs the checks of R-L3 for
that round (`listings.review.services`; a task of an older round does nothing), then the
listing is rejected, waits in the moderation queue with its R-L4 deadline, or
(LISTING_AUTO_PUBLISH_CLEAN) goes live.
Every change of what search shows sends `signals.listing_changed` (or `listing_published`)
inside the transaction; the search app reindexes on commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.queueing import enqueue
from members.models import Company, Notice
from members.notices import notify

from . import signals, validation
from .exceptions import (
    ChecksFailed,
    ChecksPending,
    InvalidListing,
    InvalidTransition,
    NoCompany,
    RefreshTooSoon,
)
from .models import Category, Listing, ListingCheck
from .review import checks
from .review import store as review_store
from .review.deadline import review_deadline
from .review.reasons import rejection_audit, rejection_notice, rejection_reasons_for

Status = Listing.Status

#: The fields a seller fills in (R-L1). A change of any of them on a live listing sends it
#: back through review (R-L2).
EDITABLE_FIELDS = (
    "kind",
    "title",
    "keyword",
    "category",
    "description",
    "brand",
    "model",
    "spec",
    "unit",
    "min_order",
    "price",
    "price_max",
    "price_tiers",
    "fixed_price",
    "supports_escrow",
    "province",
    "city",
    "validity_days",
    "contact_name",
    "contact_phone",
    "contact_email",
)
SUBMITTABLE = (Status.DRAFT, Status.REJECTED, Status.EXPIRED, Status.WITHDRAWN)
#: Editing these statuses resubmits the listing at once (API.md: "an edit of a live or
#: rejected listing resubmits it for review"; a pending one starts a fresh round).
RESUBMIT_ON_EDIT = (Status.LIVE, Status.REJECTED, Status.PENDING_REVIEW)
WITHDRAWABLE = (Status.LIVE, Status.PENDING_REVIEW)


# --- helpers ------------------------------------------------------------------------------


def _announce_change(listing_id: int) -> None:
    """R-S1: what search shows of this listing may have changed (search reindexes on commit)."""
    signals.listing_changed.send(sender=Listing, listing_id=listing_id)


def _lock(listing: Listing | int) -> Listing:
    pk = listing.pk if isinstance(listing, Listing) else listing
    return Listing.objects.select_for_update().get(pk=pk)


def _refresh_instance(target: Listing, source: Listing) -> Listing:
    """Copy the locked row's values onto the caller's instance (so callers see them)."""
    if target is not source:
        for field in Listing._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return target


def _default_contacts(listing: Listing, company: Company) -> None:
    """R-L1: demand listings add buyer contacts; by default the company's."""
    if listing.kind == Listing.Kind.DEMAND:
        listing.contact_name = listing.contact_name or company.contact_name
        listing.contact_phone = listing.contact_phone or company.phone
        listing.contact_email = listing.contact_email or company.email


def _apply(listing: Listing, values: dict) -> list[str]:
    """Set editable values; returns the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if name not in EDITABLE_FIELDS:
            raise InvalidListing(
                _("字段 %(name)s 不能修改。") % {"name": name},
                fields={name: [_("该字段不能修改。")]},
            )
        if name in ("price", "price_max"):
            value = validation.decimal_field(value, name)
        elif name == "price_tiers":
            value = validation.normalise_price_tiers(value)
        elif name == "category":
            if not isinstance(value, Category):
                value = Category.objects.filter(pk=value).first()
            if value is None:
                raise InvalidListing(
                    _("请选择类目。"), fields={"category": [_("所选类目不存在。")]}
                )
        elif isinstance(value, str):
            value = value.strip()
        attr = "category_id" if name == "category" else name
        old = getattr(listing, attr)
        new = value.pk if name == "category" else value
        if old != new:
            changed.append(name)
        setattr(listing, name, value)
    listing.title_key = checks.normalise_title(listing.title)
    return changed


def _require_company(company: Company | None) -> Company:
    if company is None:
        raise NoCompany()
    return company


# --- create, update, submit -----------------------------------------------------------------


@transaction.atomic
def listing_create(*, company: Company | None, submit: bool = False, **values) -> Listing:
    """R-L1: a new listing (a draft, or submitted for review at once with `submit`)."""
    company = _require_company(company)
    listing = Listing(company=company, status=Status.DRAFT)
    values.setdefault("kind", Listing.Kind.SUPPLY)
    values.setdefault("province", company.province)
    values.setdefault("city", company.city)
    _apply(listing, values)
    _default_contacts(listing, company)
    validation.validate(listing)
    listing.save()
    if submit:
        _submit(listing)
    return listing


@transaction.atomic
def listing_update(*, listing: Listing, **values) -> Listing:
    """R-L2: edit a listing. An edit of a live, rejected or pending listing sends it (back)
    through review; a live one leaves search until it is approved again."""
    locked = _lock(listing)
    if locked.status == Status.PENDING_REVIEW and not values:
        return _refresh_instance(listing, locked)
    changed = _apply(locked, values)
    _default_contacts(locked, locked.company)
    validation.validate(locked)
    locked.save()
    if changed and locked.status in RESUBMIT_ON_EDIT:
        _submit(locked)
    return _refresh_instance(listing, locked)


@transaction.atomic
def listing_submit(*, listing: Listing) -> Listing:
    """R-L2/R-L3: draft, rejected, expired or withdrawn → pending_review; the checks run
    in the `listing_review` task once this commits."""
    locked = _lock(listing)
    if locked.status not in SUBMITTABLE:
        raise InvalidTransition(
            {
                Status.PENDING_REVIEW: _("该信息已在审核中，请耐心等待审核结果。"),
                Status.LIVE: _("该信息已在网上；如需更新发布时间请使用“重发”，修改内容请编辑。"),
            }.get(locked.status, InvalidTransition.default_detail)
        )
    validation.validate(locked)
    _submit(locked)
    return _refresh_instance(listing, locked)


def _submit(listing: Listing) -> None:
    """Start a new review round (caller holds the row lock)."""
    was_live = listing.status == Status.LIVE
    now = timezone.now()
    listing.status = Status.PENDING_REVIEW
    listing.review_round += 1
    listing.submitted_at = now
    listing.review_deadline = review_deadline(now)
    listing.checked_at = None
    listing.rejection_reasons = []
    listing.reviewed_at = None
    listing.reviewed_by = None
    listing.save()
    ListingCheck.objects.filter(listing=listing).delete()
    listing_id, review_round = listing.pk, listing.review_round
    if was_live:
        _announce_change(listing_id)  # it leaves search until approved again
    transaction.on_commit(lambda: _review_enqueue(listing_id, review_round))


def _review_enqueue(listing_id: int, review_round: int) -> None:
    """Queue the review round. The submission is committed already; if the broker cannot be
    reached, `listing_review_sweep` queues it later (no 500 after a commit, so no retry that
    makes a duplicate listing)."""
    from .tasks import listing_review as review_task  # tasks import this module

    enqueue(review_task, listing_id, review_round)


# --- staff decisions ------------------------------------------------------------------------


def _publish(listing: Listing, *, by, now) -> None:
    """Go live (caller holds the lock): set published_at and, the first time,
    first_published_at; validity runs from now."""
    listing.status = Status.LIVE
    listing.published_at = now
    listing.went_live_at = now
    if listing.first_published_at is None:
        listing.first_published_at = now
    listing.expires_at = now + timedelta(days=listing.validity_days)
    listing.reviewed_at = now
    listing.reviewed_by = by
    listing.rejection_reasons = []
    listing.withdrawn_at = None
    listing.save()
    # Issue 15: who approved (None: published by the automatic review, LISTING_AUTO_PUBLISH_CLEAN).
    audit_record(
        action=AuditAction.LISTING_APPROVE,
        target=listing,
        by=by,
        company=listing.company,
        details={"review_round": listing.review_round, "automatic": by is None},
    )
    signals.listing_published.send(sender=Listing, listing_id=listing.pk)
    # The submit page promised "结果会在站内信和邮件中通知您" (once: under the row lock).
    notify(
        company=listing.company,
        event="listing_approved",
        context={"title": listing.title, "expires_at": listing.expires_at},
        url=reverse("listings:manage", args=[listing.pk]),
    )


@transaction.atomic
def listing_approve(*, listing: Listing, by) -> Listing:
    """R-L3/R-L4: staff approve a pending listing whose automatic checks all passed."""
    locked = _lock(listing)
    failed = ListingCheck.objects.filter(listing=locked, passed=False).exists()
    if failed:
        raise ChecksFailed()
    if locked.status != Status.PENDING_REVIEW:
        raise InvalidTransition(
            _("该信息当前状态为“%(status)s”，只有审核中的信息可以审核通过。")
            % {"status": locked.get_status_display()}
        )
    if locked.checked_at is None:
        raise ChecksPending()
    _publish(locked, by=by, now=timezone.now())
    return _refresh_instance(listing, locked)


@transaction.atomic
def listing_reject(
    *, listing: Listing, by, codes=None, detail: str = "", reasons: list[dict] | None = None
) -> Listing:
    """R-L3: reject a pending listing with reasons; the seller is told in the site at once
    and by e-mail (task)."""
    locked = _lock(listing)
    if locked.status != Status.PENDING_REVIEW:
        raise InvalidTransition(
            _("该信息当前状态为“%(status)s”，只有审核中的信息可以驳回。")
            % {"status": locked.get_status_display()}
        )
    if reasons is None:
        reasons = rejection_reasons_for(codes, detail)
    _reject(locked, reasons=reasons, by=by, now=timezone.now())
    return _refresh_instance(listing, locked)


def _reject(listing: Listing, *, reasons: list[dict], by, now) -> None:
    listing.status = Status.REJECTED
    listing.rejection_reasons = reasons
    listing.reviewed_at = now
    listing.reviewed_by = by
    listing.save(update_fields=list(review_store.REJECTION_FIELDS))
    audit_record(company=listing.company, **rejection_audit(listing, reasons, by=by))
    # No dedupe key needed: the status change and this notice share one transaction, under
    # the row lock, and a rejection happens once per review round. The notice service
    # e-mails it on commit, at most once, and its sweep covers a lost message.
    notify(company=listing.company, **rejection_notice(listing.pk, listing.title, reasons))


# --- refresh, withdraw, expire ------------------------------------------------------------


@transaction.atomic
def listing_refresh(*, listing: Listing, now=None) -> Listing:
    """R-L2: a refresh (重发) of a live listing bumps its publication time, at most once a
    calendar day (Asia/Shanghai)."""
    locked = _lock(listing)
    if locked.status != Status.LIVE:
        raise InvalidTransition(_("只有已上网的信息可以重发。"))
    now = now or timezone.now()
    if locked.refreshed_at and (
        timezone.localtime(locked.refreshed_at).date() == timezone.localtime(now).date()
    ):
        raise RefreshTooSoon()
    locked.published_at = now
    locked.refreshed_at = now
    locked.save(update_fields=["published_at", "refreshed_at", "updated_at"])
    _announce_change(locked.pk)
    return _refresh_instance(listing, locked)


@transaction.atomic
def listing_withdraw(*, listing: Listing, by=None, reason: str = "") -> Listing:
    """R-L2: live (or pending) → withdrawn, by the owner or staff; it leaves search at once.
    A staff withdrawal (`by` is staff) is recorded in the audit log with its `reason`."""
    locked = _lock(listing)
    if locked.status not in WITHDRAWABLE:
        raise InvalidTransition(_("只有已上网或审核中的信息可以下架。"))
    was_live = locked.status == Status.LIVE
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    if by is not None and by.is_staff:
        audit_record(
            action=AuditAction.LISTING_WITHDRAW,
            target=locked,
            by=by,
            reason=(reason or "").strip(),
            company=locked.company,
            details={"was": Status.LIVE if was_live else Status.PENDING_REVIEW},
        )
    if was_live:
        _announce_change(locked.pk)
    return _refresh_instance(listing, locked)


@transaction.atomic
def listing_expire(*, listing_id: int, now=None) -> bool:
    """R-L2: live → expired at the end of its validity; it leaves search at once."""
    now = now or timezone.now()
    locked = Listing.objects.select_for_update().filter(pk=listing_id).first()
    if (
        locked is None
        or locked.status != Status.LIVE
        or locked.expires_at is None
        or locked.expires_at > now
    ):
        return False
    locked.status = Status.EXPIRED
    locked.save(update_fields=["status", "updated_at"])
    _announce_change(locked.pk)
    notify(
        company=locked.company,
        event="listing_expired",
        context={"title": locked.title, "expired_at": locked.expires_at},
        url=reverse("listings:manage", args=[locked.pk]),
    )
    return True


def listing_expire_due(*, now=None, batch: int = 500) -> int:
    """Expire every live listing whose validity has ended (the beat task calls this)."""
    now = now or timezone.now()
    ids = list(
        Listing.objects.filter(status=Status.LIVE, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in ids if listing_expire(listing_id=pk, now=now))


#: The "expires soon" notice goes out this long before a live listing's validity ends.
EXPIRING_NOTICE_BEFORE = timedelta(days=3)


def _expiring_key(listing_id: int, review_round: int) -> str:
    """Once per listing and validity: going live again takes a new review round."""
    return f"listing-expiring:{listing_id}:{review_round}"


# The same key in SQL, to leave out the listings already told.
_EXPIRING_KEY_SQL = Concat(
    Value("listing-expiring:"),
    Cast("pk", CharField()),
    Value(":"),
    Cast("review_round", CharField()),
)


def listing_expiring_notify_due(*, now=None, batch: int = 500) -> int:
    """Tell the owner of each live listing whose validity ends within EXPIRING_NOTICE_BEFORE,
    once (dedupe key). Safe to run any number of times, and late (the beat task calls this
    hourly). Returns how many notices were made."""
    now = now or timezone.now()
    due = (
        Listing.objects.filter(
            status=Status.LIVE, expires_at__gt=now, expires_at__lte=now + EXPIRING_NOTICE_BEFORE
        )
        .annotate(notice_key=_EXPIRING_KEY_SQL)
        .filter(~Exists(Notice.objects.filter(dedupe_key=OuterRef("notice_key"))))
        .select_related("company")
        .order_by("expires_at")[:batch]
    )
    made = 0
    for listing in due:
        made += bool(
            notify(
                company=listing.company,
                event="listing_expiring",
                context={"title": listing.title, "expires_at": listing.expires_at},
                url=reverse("listings:manage", args=[listing.pk]),
                dedupe_key=_expiring_key(listing.pk, listing.review_round),
            )
        )
    return made


# --- images (R-L5): listings/image_services.py (add, remove, reorder) -----------------------
