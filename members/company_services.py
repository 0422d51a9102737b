"""The company profile (issue 14, part 2): its administrators edit contacts, address,
province, main products and logo at once; a change of verified identity data (name,
registration number) after the company's identity verification was approved (R-C2) becomes a
`CompanyChangeRequest` that staff approve or reject in the admin, and until then the public
name (company page, credit archive, storefront) stays as it was. Before verification a new
name applies at once.

Views, the API and the admin call these; none repeats a rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.exceptions import Conflict, DomainError, NotFound
from marketplace.uploads import MB, reencode_image

from .company_exceptions import (
    ChangeRequestNotPending,
    ChangeRequestPending,
    RegistrationNumberNotVerified,
)
from .exceptions import InvalidRegistrationNumber, ReasonRequired, RegistrationNumberTaken
from .models import Company, CompanyChangeRequest, User, VerificationApplication
from .notices import notify
from .roles import require_role
from .rules import normalise_registration_number, registration_number_problem

# Fields an administrator changes at once; `name` and `registration_number` are identity data.
PROFILE_FIELDS: tuple[str, ...] = (
    "contact_name",
    "phone",
    "email",
    "province",
    "city",
    "industry",
    "address",
    "main_products",
    "summary",
)
IDENTITY_FIELDS: tuple[str, ...] = ("name", "registration_number")
REQUIRED_FIELDS: dict[str, str] = {
    "name": _("请填写企业名称。"),
    "contact_name": _("请填写联系人姓名。"),
    "phone": _("请填写联系电话。"),
}
LOGO_UPLOAD_MAX_BYTES = 2 * MB  # refused before decoding (413 `file_too_large`)
LOGO_MAX_SIDE = 400  # stored as an RGB JPEG of at most 400×400 px

Approved = VerificationApplication.Status.APPROVED
Pending = CompanyChangeRequest.Status.PENDING


@dataclass(frozen=True)
class ProfileUpdate:
    company: Company
    # The change of name / registration number this update sent to staff review, if any.
    change_request: CompanyChangeRequest | None = None


# --- Reads -----------------------------------------------------------------------------------


def company_approved_verification(company: Company) -> VerificationApplication | None:
    """The company's approved identity verification (R-C2), if any."""
    return VerificationApplication.objects.filter(company_id=company.pk, status=Approved).first()


def company_identity_verified(company: Company) -> bool:
    """Name and registration number are verified identity data once the company passed
    verification: `Company.verified`, or an approved application."""
    return bool(company.verified) or (
        VerificationApplication.objects.filter(company_id=company.pk, status=Approved).exists()
    )


def company_pending_change(company: Company) -> CompanyChangeRequest | None:
    return CompanyChangeRequest.objects.filter(company_id=company.pk, status=Pending).first()


def company_last_decided_change(company: Company) -> CompanyChangeRequest | None:
    return (
        CompanyChangeRequest.objects.filter(company_id=company.pk)
        .exclude(status=Pending)
        .order_by("-decided_at", "-id")
        .first()
    )


# --- Profile ---------------------------------------------------------------------------------


def logo_process(upload) -> bytes:
    """The logo re-encoded by Pillow (RGB JPEG, at most 400×400, no metadata). Raises
    before anything is stored: 413 over 2 MB, 400 `not_an_image` / `image_too_large`."""
    content, _ = reencode_image(
        upload, max_bytes=LOGO_UPLOAD_MAX_BYTES, label=gettext("企业标志"), max_side=LOGO_MAX_SIDE
    )
    return content


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def _clean(changes: Mapping[str, object]) -> dict[str, str]:
    unknown = set(changes) - set(PROFILE_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    values = {k: ("" if v is None else str(v)).strip() for k, v in changes.items()}
    for field, message in REQUIRED_FIELDS.items():
        if field in values and not values[field]:
            raise _invalid(field, message)
    for field in (*PROFILE_FIELDS, "name"):
        if field in values:
            limit = Company._meta.get_field(field).max_length
            if limit and len(values[field]) > limit:
                raise _invalid(
                    field,
                    gettext("不能超过 %(limit)d 个字符（当前 %(count)d 个）。")
                    % {"limit": limit, "count": len(values[field])},
                )
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            raise _invalid("email", gettext("请输入有效的电子邮箱地址，如 sales@example.com。"))
    if "registration_number" in values:
        values["registration_number"] = normalise_registration_number(values["registration_number"])
    return values


def _number_check(number: str, *, company: Company) -> None:
    problem = registration_number_problem(number)
    if problem:
        raise InvalidRegistrationNumber(problem, fields={"registration_number": [problem]})
    if (
        VerificationApplication.objects.filter(registration_number=number, status=Approved)
        .exclude(company_id=company.pk)
        .exists()
    ):
        raise RegistrationNumberTaken(
            fields={"registration_number": [RegistrationNumberTaken.default_detail]}
        )


def company_profile_update(
    *,
    company: Company,
    by: User,
    changes: Mapping[str, object],
    logo=None,
    remove_logo: bool = False,
) -> ProfileUpdate:
    """An administrator of `company` edits its profile. Plain fields apply at once; a new
    name before verification too; a new name or registration number after verification is
    a change request for staff (409 `change_request_pending` while one waits). A logo is
    re-encoded by Pillow first: a refused upload changes nothing (nor do the other fields)."""
    require_role(by)
    if by.company_id != company.pk:
        raise NotFound(gettext("未找到该企业，或您不是它的成员。"))
    values = _clean(changes)
    logo_bytes = logo_process(logo) if logo is not None else None
    storage = Company._meta.get_field("logo").storage
    stored = None
    try:
        with transaction.atomic():
            locked = Company.objects.select_for_update().get(pk=company.pk)
            fields = [f for f in PROFILE_FIELDS if f in values and values[f] != getattr(locked, f)]
            for f in fields:
                setattr(locked, f, values[f])
            identity = {}
            if "name" in values and values["name"] != locked.name:
                identity["name"] = values["name"]
            number = values.get("registration_number")
            if number:
                approved = company_approved_verification(locked)
                if approved is None:
                    raise RegistrationNumberNotVerified(
                        fields={
                            "registration_number": [RegistrationNumberNotVerified.default_detail]
                        }
                    )
                if number != approved.registration_number:
                    _number_check(number, company=locked)
                    identity["registration_number"] = number
            change_request = None
            if identity and company_identity_verified(locked):
                change_request = _change_request_create(locked, identity, by=by)
            elif identity:
                locked.name = identity["name"]
                fields.append("name")
            old_logo = locked.logo.name if locked.logo else ""
            if logo_bytes is not None:
                locked.logo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(logo_bytes), save=False)
                stored = locked.logo.name
                fields.append("logo")
            elif remove_logo and old_logo:
                locked.logo = ""
                fields.append("logo")
            if fields:
                locked.save(update_fields=fields)
            if old_logo and "logo" in fields:
                transaction.on_commit(lambda: storage.delete(old_logo))
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
    for f in (*PROFILE_FIELDS, "name", "logo"):
        setattr(company, f, getattr(locked, f))
    return ProfileUpdate(company=company, change_request=change_request)


def _change_request_create(company: Company, identity: dict, *, by: User) -> CompanyChangeRequest:
    if CompanyChangeRequest.objects.filter(company=company, status=Pending).exists():
        raise ChangeRequestPending()
    try:
        with transaction.atomic():
            return CompanyChangeRequest.objects.create(
                company=company,
                name=identity.get("name", ""),
                registration_number=identity.get("registration_number", ""),
                requested_by=by,
            )
    except IntegrityError:  # a concurrent request won the one-pending constraint
        raise ChangeRequestPending()


# --- Staff decisions ---------------------------------------------------------------------------


def _lock_request(change_request: CompanyChangeRequest | int) -> CompanyChangeRequest:
    pk = change_request.pk if isinstance(change_request, CompanyChangeRequest) else change_request
    return (
        CompanyChangeRequest.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=pk)
    )


def _decided(req: CompanyChangeRequest, status: str, *, by: User | None, reason: str = ""):
    req.status = status
    req.reason = reason
    req.decided_by = by
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    # Issue 15: the decision in the audit log, inside its transaction.
    approved = status == CompanyChangeRequest.Status.APPROVED
    audit_record(
        action=AuditAction.COMPANY_CHANGE_APPROVE
        if approved
        else AuditAction.COMPANY_CHANGE_REJECT,
        target=req,
        by=by,
        reason=reason,
        company=req.company,
        target_label=f"{req.company.member_id} #{req.pk}",
        details={"name": req.name, "registration_number": req.registration_number},
    )


def _notify_decision(req: CompanyChangeRequest, company: Company) -> None:
    notify(
        company=company,
        event="company_change_decided",
        context={
            "approved": req.status == CompanyChangeRequest.Status.APPROVED,
            "change_request": req,
            "reason": req.reason,
        },
        url=reverse("members:company_profile"),
    )


@transaction.atomic
def change_request_approve(
    *, change_request: CompanyChangeRequest | int, by: User | None = None
) -> CompanyChangeRequest:
    """Staff approve: the new name goes to the company (and so to every public page), the
    new registration number to its approved verification. Approving twice changes nothing."""
    req = _lock_request(change_request)
    if req.status == CompanyChangeRequest.Status.APPROVED:
        return req
    if req.status != Pending:
        raise ChangeRequestNotPending()
    company = Company.objects.select_for_update().get(pk=req.company_id)
    if req.registration_number:
        approved = (
            VerificationApplication.objects.select_for_update()
            .filter(company=company, status=Approved)
            .first()
        )
        if approved is None:
            raise Conflict(
                gettext("该企业的身份认证已不在有效状态，不能变更统一社会信用代码，请驳回此申请。"),
                code="not_verified",
                rule="R-C2",
            )
        _number_check(req.registration_number, company=company)
        approved.registration_number = req.registration_number
        approved.save(update_fields=["registration_number"])
    if req.name:
        company.name = req.name
        company.save(update_fields=["name"])
    _decided(req, CompanyChangeRequest.Status.APPROVED, by=by)
    req.company = company
    _notify_decision(req, company)
    return req


@transaction.atomic
def change_request_reject(
    *, change_request: CompanyChangeRequest | int, reason: str, by: User | None = None
) -> CompanyChangeRequest:
    """Staff reject with a reason the company can act on; nothing of the company changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(fields={"reason": [ReasonRequired.default_detail]})
    req = _lock_request(change_request)
    if req.status == CompanyChangeRequest.Status.REJECTED:
        return req
    if req.status != Pending:
        raise ChangeRequestNotPending()
    _decided(req, CompanyChangeRequest.Status.REJECTED, by=by, reason=reason[:300])
    _notify_decision(req, req.company)
    return req
