"""Business actions on listings (R-L1–R-L5). Views, the API, the admin, tasks and the demo
call these; none repeats a rule.

Lifecycle (R-L2): draft → pending_review → live | rejected; live → expired | withdrawn.
Submitting starts a review round: the `listing_review` task runs the checks of R-L3 for
that round (a task of an older round does nothing), then the listing is rejected, waits in
the moderation queue with its R-L4 deadline, or (LISTING_AUTO_PUBLISH_CLEAN) goes live.
Every change of what is live calls `search_index.listing_reindex` after commit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from members.models import Company
from members.services import notice_send

from . import checks, review_store, search_index, selectors
from .exceptions import (
    ChecksFailed,
    ChecksPending,
    InvalidListing,
    InvalidRejection,
    InvalidTransition,
    NoCompany,
    RefreshTooSoon,
    TermExists,
    TooManyImages,
)
from .images import MAX_IMAGES_PER_LISTING, process_listing_image
from .models import BrandTerm, Category, Listing, ListingCheck, ListingImage, ProhibitedTerm
from .review_deadline import review_deadline

logger = logging.getLogger(__name__)

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
MAX_PRICE_TIERS = 5
STAFF_OTHER_CODE = "other"


# --- helpers ------------------------------------------------------------------------------


def _on_commit_reindex(listing_id: int) -> None:
    transaction.on_commit(lambda: search_index.listing_reindex(listing_id=listing_id))


def _lock(listing: Listing | int) -> Listing:
    pk = listing.pk if isinstance(listing, Listing) else listing
    return Listing.objects.select_for_update().get(pk=pk)


def _refresh_instance(target: Listing, source: Listing) -> Listing:
    """Copy the locked row's values onto the caller's instance (so callers see them)."""
    if target is not source:
        for field in Listing._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return target


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidListing(f"{field}必须是数字。", fields={field: ["请填写数字，如 12.50。"]})
    if not number.is_finite():
        raise InvalidListing(f"{field}必须是数字。", fields={field: ["请填写数字，如 12.50。"]})
    return number.quantize(Decimal("0.01"))


def normalise_price_tiers(tiers) -> list[dict]:
    """Tiered prices (R-L1): [{"min_qty": 1, "price": "12.00"}, {"min_qty": 100, ...}],
    quantities rising, prices positive, at most five tiers."""
    if not tiers:
        return []
    if not isinstance(tiers, list | tuple) or len(tiers) > MAX_PRICE_TIERS:
        raise InvalidListing(
            "阶梯价格格式有误。",
            fields={"price_tiers": [f"最多 {MAX_PRICE_TIERS} 档，每档填写起订量和单价。"]},
        )
    out: list[dict] = []
    for tier in tiers:
        try:
            qty = int(tier["min_qty"])
            price = Decimal(str(tier["price"])).quantize(Decimal("0.01"))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise InvalidListing(
                "阶梯价格格式有误。",
                fields={"price_tiers": ["每档需填写起订量（整数）和单价（数字）。"]},
            )
        if qty < 1 or not price.is_finite() or price <= 0:
            raise InvalidListing(
                "阶梯价格有误。",
                fields={"price_tiers": ["起订量至少为 1，单价必须大于 0。"]},
            )
        if out and qty <= out[-1]["min_qty"]:
            raise InvalidListing(
                "阶梯价格的起订量必须逐档增加。",
                fields={"price_tiers": ["请按起订量从小到大填写，如 1 件、100 件、1000 件。"]},
            )
        out.append({"min_qty": qty, "price": str(price)})
    return out


def _validate(listing: Listing) -> None:
    """R-L1: field rules, with Chinese messages that say how to fix the input."""
    errors: dict[str, list[str]] = {}
    if not (listing.title or "").strip():
        errors["title"] = ["请填写产品名称，如“不锈钢无缝钢管”。"]
    if not (listing.keyword or "").strip():
        errors["keyword"] = ["请填写一个产品关键字，如“无缝钢管”，买家搜索时会用到。"]
    if not (listing.description or "").strip():
        errors["description"] = ["请填写详细说明：产品用途、材质、性能、包装、售后等。"]
    category = listing.category if listing.category_id else None
    if category is None:
        errors["category"] = ["请选择类目。"]
    elif category.children.exists():
        errors["category"] = [f"请选择“{category.name}”下的二级类目。"]
    if listing.price is not None and listing.price <= 0:
        errors["price"] = ["单价必须大于 0；价格面议请留空。"]
    if listing.price_max is not None:
        if listing.price is None:
            errors["price"] = ["填写价格区间时请同时填写最低价。"]
        elif listing.price_max < listing.price:
            errors["price_max"] = ["最高价不能低于最低价。"]
    if listing.fixed_price and listing.price is None:
        errors["price"] = ["一口价信息必须填写单价，买家将按此价格直接下单。"]
    if listing.fixed_price and listing.price_max is not None:
        errors["price_max"] = ["一口价是一个确定的单价，请不要填写价格区间。"]
    if listing.validity_days not in Listing.Validity.values:
        errors["validity_days"] = ["信息有效期只能选择 7 天、30 天或 90 天。"]
    if listing.kind not in Listing.Kind.values:
        errors["kind"] = ["请选择信息类型：供应或求购。"]
    if (listing.min_order or 0) < 1:
        errors["min_order"] = ["最小起订量至少为 1。"]
    try:
        listing.full_clean(
            exclude=[
                "company",
                "category",
                "rejection_reasons",
                "price_tiers",
                "status",
                "reviewed_by",
                *errors.keys(),
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(_chinese_field_messages(field, messages))
    if errors:
        first_field, first = next(iter(errors.items()))
        label = _label(first_field)
        raise InvalidListing(f"{label}：{first[0]}" if label else first[0], fields=errors)


def _label(field: str) -> str:
    try:
        return str(Listing._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 (non-field errors)
        return ""


def _chinese_field_messages(field: str, messages: list[str]) -> list[str]:
    """Model validation speaks Chinese already (LANGUAGE_CODE zh-hans); keep as is."""
    return [str(m) for m in messages]


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
            raise InvalidListing(f"字段 {name} 不能修改。", fields={name: ["该字段不能修改。"]})
        if name in ("price", "price_max"):
            value = _decimal(value, name)
        elif name == "price_tiers":
            value = normalise_price_tiers(value)
        elif name == "category":
            if not isinstance(value, Category):
                value = Category.objects.filter(pk=value).first()
            if value is None:
                raise InvalidListing("请选择类目。", fields={"category": ["所选类目不存在。"]})
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
    _validate(listing)
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
    _validate(locked)
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
                Status.PENDING_REVIEW: "该信息已在审核中，请耐心等待审核结果。",
                Status.LIVE: "该信息已在网上；如需更新发布时间请使用“重发”，修改内容请编辑。",
            }.get(locked.status, InvalidTransition.default_detail)
        )
    _validate(locked)
    _submit(locked)
    return _refresh_instance(listing, locked)


def _submit(listing: Listing) -> None:
    """Start a new review round (caller holds the row lock)."""
    from .tasks import listing_review as review_task

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
        _on_commit_reindex(listing_id)  # it leaves search until approved again
    transaction.on_commit(lambda: review_task.delay(listing_id, review_round))


# --- the automatic review (R-L3) -----------------------------------------------------------


def _duplicate_candidates(listing) -> list[tuple[str, str]]:
    """R-L3a: the same company's live listings, and pending ones submitted before this one,
    with the same normalised title. Another company's listing is never a duplicate."""
    rows = review_store.duplicate_rows(
        company_id=listing.company_id,
        title_key=listing.title_key,
        exclude_id=listing.pk,
        statuses=(Status.LIVE, Status.PENDING_REVIEW),
    )
    mine = (listing.submitted_at, listing.pk)
    return [
        (title, description)
        for title, description, status, submitted_at, pk in rows
        if status == Status.LIVE or (submitted_at is not None and (submitted_at, pk) < mine)
    ]


def listing_run_checks(listing, *, twins: list[tuple[str, str]] | None = None):
    """R-L3a–e on a listing's current values (a Listing or a review_store.ReviewRow),
    against the current term lists. `twins`: the duplicate candidates, if already read."""
    values = checks.ListingValues(
        kind=listing.kind,
        title=listing.title,
        keyword=listing.keyword,
        description=listing.description,
        brand=listing.brand,
        model=listing.model,
        spec=listing.spec,
    )
    return checks.run_checks(
        values,
        others=_duplicate_candidates(listing) if twins is None else twins,
        prohibited_terms=selectors.prohibited_terms(),
        brand_terms=selectors.brand_terms(),
        similarity_threshold=settings.LISTING_DUPLICATE_SIMILARITY,
        min_chinese_share=settings.LISTING_MIN_CHINESE_SHARE,
        min_description_chars=settings.LISTING_MIN_DESCRIPTION_CHARS,
    )


def _review_current(row, review_round: int) -> bool:
    return (
        row is not None
        and row.status == Status.PENDING_REVIEW
        and row.review_round == review_round
        and row.checked_at is None
    )


def listing_review(*, listing_id: int, review_round: int) -> str:
    """R-L3: run the checks of one review round and act on them. Safe to run twice: a
    round already checked, superseded or no longer pending is left alone (the store is
    guarded, and a rejection or publication re-checks under the row lock).

    Returns what happened: "rejected", "queued", "published" or "skipped".
    """
    row, twins = review_store.review_row_with_twins(
        listing_id, live=Status.LIVE, pending=Status.PENDING_REVIEW
    )
    if not _review_current(row, review_round):
        return "skipped"
    results = listing_run_checks(row, twins=twins)
    now = timezone.now()
    failed = [r for r in results if not r.passed]
    if not failed and not settings.LISTING_AUTO_PUBLISH_CLEAN:
        # The common case: checks stored, the listing waits in the moderation queue.
        stored = review_store.store_checked_if_current(
            listing_id=listing_id,
            review_round=review_round,
            pending=Status.PENDING_REVIEW,
            results=results,
            now=now,
        )
        return "queued" if stored else "skipped"
    if failed:
        # The common rejection: one guarded statement (PostgreSQL), then the e-mail.
        reasons = [r.reason for r in failed]
        stored = review_store.store_rejected_if_current(
            listing_id=listing_id,
            review_round=review_round,
            pending=Status.PENDING_REVIEW,
            rejected=Status.REJECTED,
            results=results,
            reasons=reasons,
            notice=_rejection_notice(listing_id, row.title, reasons),
            now=now,
        )
        if stored is not None:
            if not stored:
                return "skipped"
            _rejection_email_enqueue(listing_id, review_round)
            return "rejected"
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(pk=listing_id)
            .first()
        )
        if not _review_current(listing, review_round):
            return "skipped"
        # The round's old checks were deleted on submission; the lock and the round make
        # this run the only one: a plain insert.
        review_store.insert_checks(listing_id, results, now)
        listing.checked_at = now
        if failed:
            _reject(listing, reasons=[r.reason for r in failed], by=None, now=now)
            return "rejected"
        _publish(listing, by=None, now=now)
        return "published"


def listing_review_sweep(*, older_than_seconds: int = 120, now=None, limit: int = 500) -> int:
    """Re-enqueue the review of pending listings whose checks never ran (a lost message, a
    worker that died, a commit lost in a crash), and the rejection e-mails never queued.
    Safe: the tasks skip a round done already. Returns how many tasks were queued."""
    from .tasks import listing_review as review_task

    now = now or timezone.now()
    stale = (
        Listing.objects.filter(
            status=Status.PENDING_REVIEW,
            checked_at__isnull=True,
            submitted_at__lt=now - timedelta(seconds=older_than_seconds),
        )
        .order_by("submitted_at")
        .values_list("pk", "review_round")[:limit]
    )
    count = _enqueue_each(review_task, stale)
    return count + _rejection_emails_resend(now=now, older_than_seconds=older_than_seconds)


def _enqueue_each(task, rounds) -> int:
    """Queue `task(listing_id, review_round)` for each pair; how many were queued."""
    count = 0
    for listing_id, review_round in rounds:
        task.delay(listing_id, review_round)
        count += 1
    return count


# A rejection e-mail not sent within a day is given up (the in-site notice remains).
REJECTION_EMAIL_GIVE_UP = timedelta(days=1)


def _rejection_emails_resend(*, now, older_than_seconds: int, limit: int = 500) -> int:
    """Queue again the rejection e-mails whose message was lost or never queued (R-L3: the
    seller is told by e-mail). The e-mail task sends once per round, so a repeat is harmless."""
    from .tasks import listing_rejection_email

    unsent = (
        Listing.objects.filter(
            status=Status.REJECTED,
            rejection_emailed_round__lt=F("review_round"),
            reviewed_at__lt=now - timedelta(seconds=older_than_seconds),
            reviewed_at__gte=now - REJECTION_EMAIL_GIVE_UP,
        )
        .order_by("reviewed_at")
        .values_list("pk", "review_round")[:limit]
    )
    return _enqueue_each(listing_rejection_email, unsent)


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
    _on_commit_reindex(listing.pk)


@transaction.atomic
def listing_approve(*, listing: Listing, by) -> Listing:
    """R-L3/R-L4: staff approve a pending listing whose automatic checks all passed."""
    locked = _lock(listing)
    failed = ListingCheck.objects.filter(listing=locked, passed=False).exists()
    if failed:
        raise ChecksFailed()
    if locked.status != Status.PENDING_REVIEW:
        raise InvalidTransition(
            f"该信息当前状态为“{locked.get_status_display()}”，只有审核中的信息可以审核通过。"
        )
    if locked.checked_at is None:
        raise ChecksPending()
    _publish(locked, by=by, now=timezone.now())
    return _refresh_instance(listing, locked)


def rejection_reasons_for(codes, detail: str = "") -> list[dict]:
    """Reasons for a staff rejection: each code's standard text (how to fix it), plus the
    reviewer's note; code "other" needs the note."""
    codes = list(dict.fromkeys(codes or []))
    detail = (detail or "").strip()
    known = set(checks.CHECK_CODES) | {STAFF_OTHER_CODE}
    unknown = [c for c in codes if c not in known]
    if not codes or unknown:
        raise InvalidRejection(
            "请选择未通过原因：" + "、".join(checks.CHECK_CODES) + " 或 other。",
            fields={"codes": ["请至少选择一个有效的未通过原因。"]},
        )
    if STAFF_OTHER_CODE in codes and not detail:
        raise InvalidRejection(
            "选择“其他原因”时请填写说明，告诉卖家如何修改。",
            fields={"detail": ["请填写驳回说明。"]},
        )
    reasons = []
    for code in codes:
        if code == STAFF_OTHER_CODE:
            reasons.append({"code": code, "detail": f"其他原因：{detail}", "rule": "R-L3"})
            continue
        text = checks.REASON_TEXTS[code]
        if detail:
            text = f"{text}（审核说明：{detail}）"
        reasons.append({"code": code, "detail": text, "rule": checks.CHECK_RULES[code]})
    return reasons


@transaction.atomic
def listing_reject(
    *, listing: Listing, by, codes=None, detail: str = "", reasons: list[dict] | None = None
) -> Listing:
    """R-L3: reject a pending listing with reasons; the seller is told in the site at once
    and by e-mail (task)."""
    locked = _lock(listing)
    if locked.status != Status.PENDING_REVIEW:
        raise InvalidTransition(
            f"该信息当前状态为“{locked.get_status_display()}”，只有审核中的信息可以驳回。"
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
    # No dedupe key needed: the status change and this notice share one transaction, under
    # the row lock, and a rejection happens once per review round.
    notice_send(company=listing.company, **_rejection_notice(listing.pk, listing.title, reasons))
    listing_id, review_round = listing.pk, listing.review_round
    transaction.on_commit(lambda: _rejection_email_enqueue(listing_id, review_round))


def _rejection_notice(listing_id: int, title: str, reasons: list[dict]) -> dict:
    """R-L3: the in-site notice of a rejection, with every reason."""
    return {
        "kind": "listing_rejected",
        "title": f"您的信息“{title}”未通过审核",
        "body": "\n".join(f"· {r['detail']}" for r in reasons) + "\n请按提示修改后重新提交审核。",
        "url": reverse("listings:manage", args=[listing_id]),
    }


def _rejection_email_enqueue(listing_id: int, review_round: int) -> None:
    """Queue the rejection e-mail. The rejection is committed already; if the broker cannot
    be reached, `listing_review_sweep` queues the e-mail later."""
    from .tasks import listing_rejection_email

    try:
        listing_rejection_email.delay(listing_id, review_round)
    except Exception:  # broker errors vary by transport; the sweep covers them all
        logger.warning("rejection e-mail of listing %s not queued", listing_id, exc_info=True)


@transaction.atomic
def listing_rejection_email_send(*, listing_id: int, review_round: int) -> bool:
    """E-mail the seller the reasons of a rejection, once per review round. The row lock
    makes a second run wait and then skip; a failed send rolls back and can be retried."""
    from django.core.mail import send_mail

    from members.models import User

    listing = (
        Listing.objects.select_for_update()
        .filter(
            pk=listing_id,
            status=Status.REJECTED,
            review_round=review_round,
            rejection_emailed_round__lt=review_round,
        )
        .first()
    )
    if listing is None:
        return False
    company = Company.objects.get(pk=listing.company_id)
    recipients = sorted(
        (
            {company.email}
            | set(
                User.objects.filter(company=company, is_active=True).values_list("email", flat=True)
            )
        )
        - {""}
    )
    listing.rejection_emailed_round = review_round
    listing.save(update_fields=["rejection_emailed_round"])
    if not recipients:
        return False
    url = _site_url() + reverse("listings:manage", args=[listing.pk])
    lines = [
        f"{company.contact_name or company.name}，您好：",
        "",
        f"您发布的信息“{listing.title}”未通过审核，原因如下：",
        *[f"  · {r['detail']}" for r in listing.rejection_reasons],
        "",
        f"请登录后按提示修改并重新提交审核：{url}",
        "",
        f"—— {settings.SITE_NAME}",
    ]
    send_mail(
        subject=f"【{settings.SITE_NAME}】您的信息“{listing.title}”未通过审核",
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return True


def _site_url() -> str:
    """Absolute links in e-mails: MAIN_SITE_URL, else the first allowed host."""
    base = getattr(settings, "MAIN_SITE_URL", "")
    if base:
        return base.rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "")
    return f"http://{host or '127.0.0.1:8000'}"


# --- refresh, withdraw, expire ------------------------------------------------------------


@transaction.atomic
def listing_refresh(*, listing: Listing, now=None) -> Listing:
    """R-L2: a refresh (重发) of a live listing bumps its publication time, at most once a
    calendar day (Asia/Shanghai)."""
    locked = _lock(listing)
    if locked.status != Status.LIVE:
        raise InvalidTransition("只有已上网的信息可以重发。")
    now = now or timezone.now()
    if locked.refreshed_at and (
        timezone.localtime(locked.refreshed_at).date() == timezone.localtime(now).date()
    ):
        raise RefreshTooSoon()
    locked.published_at = now
    locked.refreshed_at = now
    locked.save(update_fields=["published_at", "refreshed_at", "updated_at"])
    _on_commit_reindex(locked.pk)
    return _refresh_instance(listing, locked)


@transaction.atomic
def listing_withdraw(*, listing: Listing, by=None) -> Listing:
    """R-L2: live (or pending) → withdrawn, by the owner or staff; it leaves search at once."""
    locked = _lock(listing)
    if locked.status not in WITHDRAWABLE:
        raise InvalidTransition("只有已上网或审核中的信息可以下架。")
    was_live = locked.status == Status.LIVE
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    if was_live:
        _on_commit_reindex(locked.pk)
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
    _on_commit_reindex(locked.pk)
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


# --- images (R-L5) ------------------------------------------------------------------------


def listing_image_add(*, listing: Listing, upload) -> ListingImage:
    """R-L5: convert an upload to the stored form and attach it (at most six). A refused
    upload changes nothing; adding an image to a live listing sends it back to review."""
    processed = process_listing_image(upload)  # raises before anything is stored
    name = f"{uuid.uuid4().hex}.{processed.extension}"
    stored = None
    try:
        with transaction.atomic():
            locked = _lock(listing)
            count = ListingImage.objects.filter(listing=locked).count()
            if count >= MAX_IMAGES_PER_LISTING:
                raise TooManyImages()
            last = (
                ListingImage.objects.filter(listing=locked)
                .order_by("-position")
                .values_list("position", flat=True)
                .first()
            )
            image = ListingImage(
                listing=locked,
                width=processed.width,
                height=processed.height,
                format=processed.format,
                bytes=processed.bytes,
                position=(last + 1) if last is not None else 0,
            )
            image.image.save(name, ContentFile(processed.content), save=False)
            stored = image.image.name
            image.save()
            if locked.status == Status.LIVE:
                _submit(locked)
            _refresh_instance(listing, locked)
    except BaseException:
        if stored:
            ListingImage._meta.get_field("image").storage.delete(stored)
        raise
    return image


@transaction.atomic
def listing_image_remove(*, image: ListingImage) -> None:
    """Remove an image; a live listing goes back to review (R-L2)."""
    locked = _lock(image.listing_id)
    name = image.image.name
    storage = image.image.storage
    ListingImage.objects.filter(pk=image.pk).delete()
    if locked.status == Status.LIVE:
        _submit(locked)
    transaction.on_commit(lambda: storage.delete(name))


# --- term lists (R-L3b, R-L3d) --------------------------------------------------------------

TERM_MODELS = {"prohibited": ProhibitedTerm, "brand": BrandTerm}


def term_add(*, kind: str, term: str, note: str = ""):
    model = TERM_MODELS[kind]
    term = (term or "").strip()
    if not term or len(term) > 50:
        raise InvalidListing(
            "请填写 1–50 个字的词语。", fields={"term": ["请填写 1–50 个字的词语。"]}, rule=None
        )
    try:
        with transaction.atomic():
            return model.objects.create(term=term, note=note.strip())
    except IntegrityError:
        raise TermExists(f"“{term}”已在列表中。")


def term_remove(*, kind: str, term_id: int) -> None:
    model = TERM_MODELS[kind]
    obj = model.objects.filter(pk=term_id).first()
    if obj is not None:
        obj.delete()
