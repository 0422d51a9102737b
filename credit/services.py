"""Business actions of the credit archive (R-C1–R-C7).

Views, the API, the admin, Celery tasks and the demo call these; none repeats a rule.
Every action that touches a score source (review, certificate decision, and from the apps
below verification decisions, membership changes and settled trades, credit/receivers.py)
calls `credit_recalculate_on_commit`. The recomputation itself is credit/recalculation.py
(re-exported here: `credit_recalculate`, `credit_recalculate_all`), its sweep tasks.py.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.exceptions import DomainError
from marketplace.uploads import CERTIFICATE_IMAGE_MAX_BYTES, encode_jpeg, reencode_image
from members import privileges
from members.models import Company
from members.notices import notify
from trade.models import Order

from . import tasks
from .exceptions import (
    REVIEW_ERRORS,
    AlreadyReviewed,
    CertificateDecisionInvalid,
    CertificateNotFound,
    NotAParty,
    ReferenceNotFound,
)
from .models import Certificate, CreditReference, Review
from .recalculation import CAUSE_MAX, mark_pending
from .recalculation import credit_recalculate as credit_recalculate
from .recalculation import credit_recalculate_all as credit_recalculate_all
from .review_rules import review_refusal
from .scoring import RATING_POINTS
from .tasks import credit_recalculate_pending as credit_recalculate_pending

THUMBNAIL_SIDE = 240


# --- R-C7: recomputation ------------------------------------------------------------------


def credit_recalculate_on_commit(*, company_id: int, cause: str) -> None:
    """R-C7: after the current transaction commits, recompute the company's score from its
    sources in a Celery task. Every event that touches a source calls this: reviews and
    certificate decisions here, and through credit/receivers.py membership changes,
    verification decisions and settled trades (signals sent inside the event's transaction).

    A marker row is written in the caller's transaction (an outbox): if the message is lost
    or the worker dies mid-task, the marker stays and the sweep re-enqueues it, so no event
    is lost. Safe to call outside a transaction too (then it acts at once).
    """
    cause = cause[:CAUSE_MAX]
    mark_pending(company_id=company_id, cause=cause)
    transaction.on_commit(lambda: tasks.enqueue_recalculation(company_id, cause))


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
    (not_a_party 404, trustpass_required 403, trade_not_paid 400, trade_in_progress 409,
    rating_not_allowed 400, already_reviewed 409). The reviewee gets a notice.
    """
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
            paid=order.paid_at is not None,
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
        _notify_review(review, reviewer=reviewer, reviewee=reviewee)
    return review


def _notify_review(review: Review, *, reviewer: Company, reviewee: Company) -> None:
    """Issue 14: the reviewed company hears of it (in the review's transaction, once)."""
    notify(
        company=reviewee,
        event="review_received",
        context={
            "order_id": review.order_id,
            "reviewer_name": reviewer.name,
            "rating": review.rating,
            "rating_label": review.get_rating_display(),
            "points": f"{RATING_POINTS[review.rating]:+d}" if RATING_POINTS[review.rating] else "",
            "comment": review.comment,
        },
        url=reverse("credit:archive", args=[reviewee.member_id]) + "#reviews",
        dedupe_key=f"review:{review.pk}",
    )


def review_flags_clear(*, review_ids: list[int]) -> int:
    """R-C4: staff checked reviews flagged by migration credit 0002 (left before the rule was
    put right) and keep them as they are. Returns how many were cleared."""
    return Review.objects.filter(pk__in=review_ids, flagged=True).update(
        flagged=False, flag_reason=""
    )


# --- R-C5: certificates ------------------------------------------------------------------------


def certificate_upload(*, company: Company, kind: str, title: str, image, by=None) -> Certificate:
    """R-C5: store a certificate image (at most 1 MB, re-encoded as JPEG, with a thumbnail)
    for staff to verify. It earns nothing until verified."""
    if kind not in Certificate.Kind.values:
        message = _("请选择证书类型：税务登记证、营业执照等资质证书、产品证书或其他证书荣誉。")
        raise DomainError(message, code="invalid_kind", rule="R-C5", fields={"kind": [message]})
    title = (title or "").strip()
    if not title:
        message = _("请填写证书名称，如“税务登记证”或“ISO9001 质量管理体系认证”。")
        raise DomainError(message, code="invalid", fields={"title": [message]})
    data, decoded = reencode_image(
        image, max_bytes=CERTIFICATE_IMAGE_MAX_BYTES, label=_("证书图片"), rule="R-C5"
    )
    thumb = decoded.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumb_data = encode_jpeg(thumb, quality=80)  # pixels only, as the image
    name = f"{company.member_id}-{uuid.uuid4().hex[:12]}.jpg"
    with transaction.atomic():
        certificate = Certificate(company=company, kind=kind, title=title[:100], uploaded_by=by)
        certificate.image.save(name, ContentFile(data), save=False)
        certificate.thumbnail.save(name, ContentFile(thumb_data), save=False)
        certificate.save()
    return certificate


def _audit_certificate(
    certificate: Certificate, action: str, by, reason: str = "", *, was_verified: bool = False
) -> None:
    """Issue 15: a certificate decision in the audit log, inside its transaction."""
    audit_record(
        action=action,
        target=certificate,
        by=by,
        reason=reason,
        company=certificate.company,
        target_label=certificate.title,
        details={"kind": certificate.kind, "was_verified": was_verified},
    )


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
        _audit_certificate(certificate, AuditAction.CERTIFICATE_VERIFY, by)
        credit_recalculate_on_commit(
            company_id=certificate.company_id, cause=f"certificate:{certificate.pk}:verified"
        )
    return certificate


def certificate_reject(*, certificate_id: int, reason: str, by=None) -> Certificate:
    """R-C5: staff refuse a certificate (or withdraw a verification), with a reason the
    company can act on. A rejected certificate earns nothing."""
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写驳回原因，告诉企业如何改正（如“图片模糊，请上传清晰的原件照片”）。")
        raise DomainError(
            message, code="reason_required", rule="R-C5", fields={"reason": [message]}
        )
    with transaction.atomic():
        certificate = _lock_certificate(certificate_id)
        if certificate.status == Certificate.Status.REJECTED:
            if certificate.reject_reason == reason[:200]:
                return certificate
            raise CertificateDecisionInvalid(_("该证书已被驳回。"))
        was_verified = certificate.status == Certificate.Status.VERIFIED
        certificate.status = Certificate.Status.REJECTED
        certificate.reject_reason = reason[:200]
        certificate.decided_by = by
        certificate.decided_at = timezone.now()
        certificate.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        _audit_certificate(
            certificate, AuditAction.CERTIFICATE_REJECT, by, reason, was_verified=was_verified
        )
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
    labels = {k: CreditReference._meta.get_field(k).verbose_name for k in values}
    missing = {
        k: [_("请填写%(label)s。") % {"label": labels[k]}] for k, v in values.items() if not v
    }
    if missing:
        raise DomainError(
            _("请填写完整的资信参考人信息：%(fields)s。")
            % {"fields": _("、").join(str(labels[k]) for k in missing)},
            code="invalid",
            rule="R-C1",
            fields=missing,
        )
    limits = {f.name: f.max_length for f in CreditReference._meta.fields if f.name in values}
    too_long = {
        k: [_("%(label)s不能超过 %(max)s 个字符。") % {"label": labels[k], "max": limits[k]}]
        for k, v in values.items()
        if len(v) > limits[k]
    }
    if too_long:
        raise DomainError(next(iter(too_long.values()))[0], code="invalid", fields=too_long)
    return CreditReference.objects.create(company=company, **values)


def reference_remove(*, company: Company, reference_id: int) -> None:
    deleted, _count = CreditReference.objects.filter(pk=reference_id, company=company).delete()
    if not deleted:
        raise ReferenceNotFound()
