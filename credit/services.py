"""Business actions of the credit archive (R-C1–R-C7).

Views, the API, the admin, Celery tasks and the demo call these; none repeats a rule.
Every action that touches a score source (review, certificate decision, and from other apps
verification decisions and membership changes) calls `credit_recalculate_on_commit`.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marketplace.exceptions import DomainError
from marketplace.uploads import CERTIFICATE_IMAGE_MAX_BYTES, reencode_image
from members import privileges
from members.models import Company

from . import selectors
from .exceptions import (
    REVIEW_ERRORS,
    AlreadyReviewed,
    CertificateDecisionInvalid,
    CertificateNotFound,
    NotAParty,
    ReferenceNotFound,
)
from .models import (
    Certificate,
    CreditReference,
    CreditScore,
    PendingRecalculation,
    Review,
    ScoreHistory,
)
from .review_rules import review_refusal
from .scoring import Breakdown

logger = logging.getLogger(__name__)

THUMBNAIL_SIDE = 240
CAUSE_MAX = 100


# --- R-C7: recomputation ------------------------------------------------------------------


def credit_recalculate_on_commit(*, company_id: int, cause: str) -> None:
    """R-C7: after the current transaction commits, recompute the company's score from its
    sources in a Celery task. Every event that touches a source calls this (review,
    certificate decision, verification decision, membership change).

    A marker row is written in the caller's transaction (an outbox): if the message is lost
    or the worker dies mid-task, the marker stays and the sweep re-enqueues it, so no event
    is lost. Safe to call outside a transaction too (then it acts at once).
    """
    cause = cause[:CAUSE_MAX]
    _mark_pending(company_id=company_id, cause=cause)
    transaction.on_commit(lambda: _enqueue(company_id, cause))


def _mark_pending(*, company_id: int, cause: str) -> None:
    table = PendingRecalculation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (company_id, cause, version, requested_at) "  # noqa: S608
            "VALUES (%s, %s, 1, %s) ON CONFLICT (company_id) DO UPDATE SET "
            f"version = {table}.version + 1, cause = excluded.cause, "
            "requested_at = excluded.requested_at",
            [company_id, cause, timezone.now()],
        )


def _enqueue(company_id: int, cause: str) -> None:
    from .tasks import credit_recalculate_task

    try:
        credit_recalculate_task.delay(company_id, cause)
    except Exception:
        # The broker is unreachable: the marker stays and the sweep enqueues it later.
        if credit_recalculate_task.app.conf.task_always_eager:
            raise
        logger.exception("credit: could not enqueue recalculation of company %s", company_id)


def credit_recalculate(
    *, company_id: int, cause: str, today: date | None = None
) -> Breakdown | None:
    """R-C7: recompute one company's score from its sources (never incrementally).

    Locks the company row, so recomputations of one company run one after another and each
    sees every event committed before it. Writes the breakdown, and the total to
    `Company.credit_score` plus a history row only when the total changed, so running it
    twice for one event leaves one history row. Returns the breakdown (None if the company
    is gone).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # NO KEY UPDATE: serialises recomputations of one company, yet does not block events
        # that only reference the company (a review's or a marker's foreign-key check).
        company = Company.objects.select_for_update(no_key=True).filter(pk=company_id).first()
        if company is None:
            PendingRecalculation.objects.filter(company_id=company_id).delete()
            return None
        seen_version = (
            PendingRecalculation.objects.filter(company_id=company_id)
            .values_list("version", flat=True)
            .first()
        )
        breakdown = selectors.company_breakdown(company, today=today)
        _store(company, breakdown, cause=cause)
        if seen_version is not None:
            # Only the events this computation has seen; a newer one keeps its marker.
            PendingRecalculation.objects.filter(
                company_id=company_id, version__lte=seen_version
            ).delete()
    return breakdown


def _store(company: Company, breakdown: Breakdown, *, cause: str) -> None:
    stored = CreditScore.objects.filter(company_id=company.pk).first()
    if stored is None:
        CreditScore.objects.create(company=company, total=breakdown.total, **breakdown.as_dict())
    elif stored.as_dict() != breakdown.as_dict():
        for field, value in breakdown.as_dict().items():
            setattr(stored, field, value)
        stored.total = breakdown.total
        stored.save()
    old = company.credit_score
    if breakdown.total != old:
        Company.objects.filter(pk=company.pk).update(credit_score=breakdown.total)
        company.credit_score = breakdown.total
        ScoreHistory.objects.create(
            company=company,
            old_score=old,
            new_score=breakdown.total,
            breakdown=breakdown.as_dict(),
            cause=cause[:CAUSE_MAX],
        )


def credit_recalculate_all(
    *, cause: str = "nightly", today: date | None = None, chunk_size: int = 25_000
) -> dict[str, int]:
    """R-C7 nightly: recompute every company with set-based SQL (a few statements per chunk
    of company ids, no per-company queries). Archive years grow with time alone, so this
    must run daily. Returns counts: companies, changed (scores), history (rows), stored
    (breakdowns written).
    """
    today = today or timezone.localdate()
    if connection.vendor != "postgresql":
        return _recalculate_all_one_by_one(cause=cause, today=today)
    from .bulk import recalculate_id_range

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM members_company")
        lo, hi = cursor.fetchone()
    totals = {"companies": 0, "changed": 0, "history": 0, "stored": 0}
    if lo is None:
        return totals
    start = lo
    while start <= hi:
        end = start + chunk_size - 1
        with transaction.atomic():
            counts = recalculate_id_range(lo=start, hi=end, today=today, cause=cause)
        for key in totals:
            totals[key] += counts[key]
        start = end + 1
    return totals


def _recalculate_all_one_by_one(*, cause: str, today: date) -> dict[str, int]:
    """The embedded SQLite default has no range_agg: fall back to the per-company service."""
    totals = {"companies": 0, "changed": 0, "history": 0, "stored": 0}
    for company_id in Company.objects.values_list("pk", flat=True):
        before = ScoreHistory.objects.filter(company_id=company_id).count()
        credit_recalculate(company_id=company_id, cause=cause, today=today)
        made = ScoreHistory.objects.filter(company_id=company_id).count() - before
        totals["companies"] += 1
        totals["changed"] += made
        totals["history"] += made
        totals["stored"] += made
    return totals


def credit_recalculate_pending(*, older_than_seconds: float = 0) -> int:
    """Re-enqueue the recomputations whose markers are still there (lost message, worker
    killed mid-task). Returns how many were enqueued. Duplicates are harmless (R-C7)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(
        PendingRecalculation.objects.filter(requested_at__lte=cutoff)
        .order_by("requested_at")
        .values_list("company_id", "cause")[:10_000]
    )
    for company_id, cause in pending:
        _enqueue(company_id, cause)
    return len(pending)


# --- R-C4: reviews ---------------------------------------------------------------------------


def review_record(
    *,
    order_id: int,
    reviewer: Company | None,
    rating: str,
    comment: str = "",
    author=None,
) -> Review:
    """R-C4: the reviewer's company reviews the other party of an escrow trade, once.

    Locks the order so concurrent submissions queue up; the unique constraint on
    (order, reviewer) is the last guard. Refusals raise the errors of API.md
    (not_a_party 404, trustpass_required 403, trade_not_paid 400, rating_not_allowed 400,
    already_reviewed 409).
    """
    from trade.models import Order

    if reviewer is None:
        raise NotAParty()
    with transaction.atomic():
        order = Order.objects.select_for_update(no_key=True).filter(pk=order_id).first()
        if order is None:
            raise NotAParty()
        is_party = reviewer.pk in (order.buyer_id, order.seller_id)
        reviewee_id = order.seller_id if reviewer.pk == order.buyer_id else order.buyer_id
        reviewee = Company.objects.get(pk=reviewee_id) if is_party else None
        code = review_refusal(
            is_party=is_party,
            own_company=is_party and reviewee_id == reviewer.pk,
            reviewer_trustpass=privileges.may_review(reviewer),
            reviewee_trustpass=is_party and privileges.may_review(reviewee),
            order_status=order.status,
            rating=rating,
            already_reviewed=Review.objects.filter(order=order, reviewer=reviewer).exists(),
        )
        if code:
            raise REVIEW_ERRORS[code]()
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    order=order,
                    reviewer=reviewer,
                    reviewee=reviewee,
                    rating=rating,
                    comment=comment.strip(),
                    author=author,
                )
        except IntegrityError:  # lost a race the order lock did not cover
            raise AlreadyReviewed()
        credit_recalculate_on_commit(company_id=reviewee.pk, cause=f"review:{review.pk}")
    return review


# --- R-C5: certificates ------------------------------------------------------------------------


def certificate_upload(*, company: Company, kind: str, title: str, image, by=None) -> Certificate:
    """R-C5: store a certificate image (at most 1 MB, re-encoded as JPEG, with a thumbnail)
    for staff to verify. It earns nothing until verified."""
    if kind not in Certificate.Kind.values:
        message = "请选择证书类型：税务登记证、营业执照等资质证书、产品证书或其他证书荣誉。"
        raise DomainError(message, code="invalid_kind", rule="R-C5", fields={"kind": [message]})
    title = (title or "").strip()
    if not title:
        message = "请填写证书名称，如“税务登记证”或“ISO9001 质量管理体系认证”。"
        raise DomainError(message, code="invalid", fields={"title": [message]})
    data, decoded = reencode_image(
        image, max_bytes=CERTIFICATE_IMAGE_MAX_BYTES, label="证书图片", rule="R-C5"
    )
    thumb = decoded.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buf = io.BytesIO()
    thumb.convert("RGB").save(buf, "JPEG", quality=80)
    name = f"{company.member_id}-{uuid.uuid4().hex[:12]}.jpg"
    with transaction.atomic():
        certificate = Certificate(company=company, kind=kind, title=title[:100], uploaded_by=by)
        certificate.image.save(name, ContentFile(data), save=False)
        certificate.thumbnail.save(name, ContentFile(buf.getvalue()), save=False)
        certificate.save()
    return certificate


def _lock_certificate(certificate_id: int) -> Certificate:
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise CertificateNotFound()
    return certificate


def certificate_verify(*, certificate_id: int, by=None) -> Certificate:
    """R-C5: staff confirm a certificate; it counts from now on. Verifying twice is a no-op."""
    with transaction.atomic():
        certificate = _lock_certificate(certificate_id)
        if certificate.status == Certificate.Status.VERIFIED:
            return certificate
        certificate.status = Certificate.Status.VERIFIED
        certificate.reject_reason = ""
        certificate.decided_by = by
        certificate.decided_at = timezone.now()
        certificate.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        credit_recalculate_on_commit(
            company_id=certificate.company_id, cause=f"certificate:{certificate.pk}:verified"
        )
    return certificate


def certificate_reject(*, certificate_id: int, reason: str, by=None) -> Certificate:
    """R-C5: staff refuse a certificate (or withdraw a verification), with a reason the
    company can act on. A rejected certificate earns nothing."""
    reason = (reason or "").strip()
    if not reason:
        message = "请填写驳回原因，告诉企业如何改正（如“图片模糊，请上传清晰的原件照片”）。"
        raise DomainError(
            message, code="reason_required", rule="R-C5", fields={"reason": [message]}
        )
    with transaction.atomic():
        certificate = _lock_certificate(certificate_id)
        if certificate.status == Certificate.Status.REJECTED:
            if certificate.reject_reason == reason[:200]:
                return certificate
            raise CertificateDecisionInvalid("该证书已被驳回。")
        was_verified = certificate.status == Certificate.Status.VERIFIED
        certificate.status = Certificate.Status.REJECTED
        certificate.reject_reason = reason[:200]
        certificate.decided_by = by
        certificate.decided_at = timezone.now()
        certificate.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        if was_verified:
            credit_recalculate_on_commit(
                company_id=certificate.company_id, cause=f"certificate:{certificate.pk}:rejected"
            )
    return certificate


def certificate_delete(*, company: Company, certificate_id: int) -> None:
    """The company removes one of its certificates (a verified one takes its points along)."""
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .filter(pk=certificate_id, company=company)
            .first()
        )
        if certificate is None:
            raise CertificateNotFound()
        counted = certificate.status == Certificate.Status.VERIFIED
        certificate.delete()
        if counted:
            credit_recalculate_on_commit(
                company_id=company.pk, cause=f"certificate:{certificate_id}:deleted"
            )


# --- R-C1 (4): credit references ----------------------------------------------------------------


def reference_add(
    *, company: Company, name: str, firm: str, relation: str, contact: str
) -> CreditReference:
    """R-C1: a reference person or firm named by the company. Earns no points (R-C6)."""
    values = {
        "name": (name or "").strip(),
        "firm": (firm or "").strip(),
        "relation": (relation or "").strip(),
        "contact": (contact or "").strip(),
    }
    labels = {"name": "姓名", "firm": "单位", "relation": "与本企业关系", "contact": "联系方式"}
    missing = {k: [f"请填写{labels[k]}。"] for k, v in values.items() if not v}
    if missing:
        raise DomainError(
            "请填写完整的资信参考人信息：" + "、".join(labels[k] for k in missing) + "。",
            code="invalid",
            rule="R-C1",
            fields=missing,
        )
    limits = {f.name: f.max_length for f in CreditReference._meta.fields if f.name in values}
    too_long = {
        k: [f"{labels[k]}不能超过 {limits[k]} 个字符。"]
        for k, v in values.items()
        if len(v) > limits[k]
    }
    if too_long:
        raise DomainError(next(iter(too_long.values()))[0], code="invalid", fields=too_long)
    return CreditReference.objects.create(company=company, **values)


def reference_remove(*, company: Company, reference_id: int) -> None:
    deleted, _ = CreditReference.objects.filter(pk=reference_id, company=company).delete()
    if not deleted:
        raise ReferenceNotFound()
