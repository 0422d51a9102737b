"""Business actions of identity verification (R-C2): a TrustPass company (R-M3.3) applies
naming an authorised agency; staff, acting for the agency, approve, reject or revoke. Views,
API, admin and the demo call these. An approval gives the company its online identity
certificate's code (专属网上身份证明, `members.certificate_selectors`). The company hears of
every decision through the notice service (`verification_decided`); the apps above through
`members.signals.verification_changed`, sent inside the decision's transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.exceptions import DomainError, TrustPassRequired

from . import privileges, signals
from .exceptions import (
    AgencyUnavailable,
    AlreadyVerified,
    InvalidRegistrationNumber,
    ReasonRequired,
    RegistrationNumberTaken,
    VerificationNotPending,
    VerificationPending,
)
from .models import Company, User, VerificationAgency, VerificationApplication
from .notices import notify
from .rules import (
    certificate_code_new,
    normalise_registration_number,
    registration_number_problem,
)

UNLISTED_AGENCY_NOTE = "申请企业填写，不在认证机构列表中：审核时请核实该机构是否获得授权。"
# A new random code that is taken already (one in 32^12) is drawn again, this many times.
CERTIFICATE_CODE_ATTEMPTS = 5


def verification_require_trustpass(company: Company | None) -> None:
    """R-M3.3 / R-C2: only a company that is TrustPass on the day it applies may apply;
    others get 403 `trustpass_required`."""
    if not privileges.is_trustpass(company):
        raise TrustPassRequired(
            _("身份认证是诚信通会员的特权：请先开通诚信通，再申请身份认证（/trustpass/）。"),
            rule="R-M3.3",
        )


def _agency_resolve(
    agency: VerificationAgency | int | str | None, *, allow_unlisted: bool = False
) -> VerificationAgency:
    """The agency chosen from the staff list (by instance, id or exact name). With
    `allow_unlisted` (the API, where a client names the agency as free text, R-C2), a name
    not on the list is recorded as an agency staff have not listed (inactive, so the form
    never offers it) and staff check it when they decide."""
    qs = VerificationAgency.objects.filter(active=True)
    found = None
    text = agency.strip() if isinstance(agency, str) else ""
    if isinstance(agency, VerificationAgency):
        found = qs.filter(pk=agency.pk).first()
    elif isinstance(agency, int) or text.isdigit():
        found = qs.filter(pk=int(agency)).first()
    elif text:
        found = qs.filter(name=text).first()
        if found is None and allow_unlisted and 2 <= len(text) <= 100:
            found, _created = VerificationAgency.objects.get_or_create(
                name=text, defaults={"active": False, "description": UNLISTED_AGENCY_NOTE[:200]}
            )
    if found is None:
        names = _("、").join(qs.values_list("name", flat=True)[:10])
        detail = (
            _("请从列表中选择一家认证机构（可选：%(names)s）。") % {"names": names}
            if names
            else None
        )
        raise AgencyUnavailable(
            detail, fields={"agency": [detail or AgencyUnavailable.default_detail]}
        )
    return found


@transaction.atomic
def verification_apply(
    *,
    company: Company,
    agency: VerificationAgency | int | str,
    registration_number: str,
    applicant_name: str,
    applicant_title: str = "",
    applicant_phone: str = "",
    by: User | None = None,
    allow_unlisted_agency: bool = False,
) -> VerificationApplication:
    """R-C2: the company applies, naming the agency, its registration number (GB 32100-2015)
    and the applicant it authorised. Staff then approve or reject. Only a TrustPass company
    may apply (R-M3.3): checked first, and again once the company's row is locked."""
    verification_require_trustpass(company)
    number = normalise_registration_number(registration_number or "")
    problem = registration_number_problem(number)
    if problem:
        raise InvalidRegistrationNumber(problem, fields={"registration_number": [problem]})
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        msg = _("请填写经企业授权的申请人姓名。")
        raise DomainError(msg, code="invalid", rule="R-C2", fields={"applicant_name": [msg]})
    agency_obj = _agency_resolve(agency, allow_unlisted=allow_unlisted_agency)
    locked = Company.objects.select_for_update().get(pk=company.pk)
    verification_require_trustpass(locked)
    if locked.verified:
        raise AlreadyVerified()
    if VerificationApplication.objects.filter(
        company=company, status=VerificationApplication.Status.PENDING
    ).exists():
        raise VerificationPending()
    if (
        VerificationApplication.objects.filter(
            registration_number=number, status=VerificationApplication.Status.APPROVED
        )
        .exclude(company=company)
        .exists()
    ):
        raise RegistrationNumberTaken(
            fields={"registration_number": [RegistrationNumberTaken.default_detail]}
        )
    return VerificationApplication.objects.create(
        company=company,
        agency=agency_obj,
        registration_number=number,
        applicant_name=applicant_name,
        applicant_title=(applicant_title or "").strip(),
        applicant_phone=(applicant_phone or "").strip(),
        created_by=by,
    )


def _lock_application(application: VerificationApplication | int) -> VerificationApplication:
    pk = application.pk if isinstance(application, VerificationApplication) else application
    return (
        VerificationApplication.objects.select_for_update(of=("self",))
        .select_related("company", "agency")
        .get(pk=pk)
    )


@transaction.atomic
def verification_approve(
    *, application: VerificationApplication | int, by: User | None = None
) -> VerificationApplication:
    """R-C2: staff (for the agency) approve: the company is verified (+10 points, once;
    the score is recomputed from its sources, R-C7) and gets the code of its online identity
    certificate (专属网上身份证明). Approving twice changes nothing."""
    app = _lock_application(application)
    if app.status == VerificationApplication.Status.APPROVED:
        return app
    if app.status != VerificationApplication.Status.PENDING:
        raise VerificationNotPending()
    if (
        VerificationApplication.objects.filter(
            registration_number=app.registration_number,
            status=VerificationApplication.Status.APPROVED,
        )
        .exclude(company_id=app.company_id)
        .exists()
    ):
        raise RegistrationNumberTaken()
    Company.objects.select_for_update().filter(pk=app.company_id).update(verified=True)
    app.status = VerificationApplication.Status.APPROVED
    app.reason = ""
    app.decided_by = by
    app.decided_at = timezone.now()
    app.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    app.company.verified = True
    _certificate_code_assign(app)
    _audit(app, AuditAction.VERIFICATION_APPROVE, by)
    _notify_decision(app)
    _verification_changed(app.company_id, verified=True, cause="verification_approved")
    return app


@transaction.atomic
def verification_reject(
    *, application: VerificationApplication | int, reason: str, by: User | None = None
) -> VerificationApplication:
    """R-C2: staff reject a pending application with a reason the company can act on."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(fields={"reason": [ReasonRequired.default_detail]})
    app = _lock_application(application)
    if app.status == VerificationApplication.Status.REJECTED:
        return app
    if app.status != VerificationApplication.Status.PENDING:
        raise VerificationNotPending()
    app.status = VerificationApplication.Status.REJECTED
    app.reason = reason[:300]
    app.decided_by = by
    app.decided_at = timezone.now()
    app.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _audit(app, AuditAction.VERIFICATION_REJECT, by, reason)
    _notify_decision(app)
    return app


@transaction.atomic
def verification_revoke(
    *, application: VerificationApplication | int, reason: str, by: User | None = None
) -> VerificationApplication:
    """R-C2: staff revoke an approved verification; the 10 points go (recomputed, R-C7)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(fields={"reason": [ReasonRequired.default_detail]})
    app = _lock_application(application)
    if app.status == VerificationApplication.Status.REVOKED:
        return app
    if app.status != VerificationApplication.Status.APPROVED:
        raise VerificationNotPending(_("只有已通过的认证才能撤销。"))
    app.status = VerificationApplication.Status.REVOKED
    app.reason = reason[:300]
    app.decided_by = by
    app.decided_at = timezone.now()
    app.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    Company.objects.select_for_update().filter(pk=app.company_id).update(verified=False)
    app.company.verified = False
    _audit(app, AuditAction.VERIFICATION_REVOKE, by, reason)
    _notify_decision(app)
    _verification_changed(app.company_id, verified=False, cause="verification_revoked")
    return app


def _audit(app: VerificationApplication, action: str, by: User | None, reason: str = "") -> None:
    """Issue 15: the decision in the audit log, inside its transaction."""
    audit_record(
        action=action,
        target=app,
        by=by,
        reason=reason,
        company=app.company,
        target_label=f"{app.company.member_id} {app.registration_number}",
        details={
            "agency": app.agency.name,
            "registration_number": app.registration_number,
            "certificate_code": app.certificate_code or "",
        },
    )


def _certificate_code_assign(app: VerificationApplication) -> str:
    """Give an approved application its certificate code (unique; drawn again on the rare
    collision, each attempt in its own savepoint so the decision's transaction goes on)."""
    for attempt in range(CERTIFICATE_CODE_ATTEMPTS):
        code = certificate_code_new()
        try:
            with transaction.atomic():
                VerificationApplication.objects.filter(pk=app.pk).update(certificate_code=code)
        except IntegrityError:
            if attempt == CERTIFICATE_CODE_ATTEMPTS - 1:
                raise
            continue
        app.certificate_code = code
        return code
    raise AssertionError("unreachable")


def _notify_decision(app: VerificationApplication) -> None:
    """The company hears of the decision (notice service, event `verification_decided`):
    approved with its certificate's address, rejected or revoked with the reason."""
    certificate = ""
    if app.status == VerificationApplication.Status.APPROVED and app.certificate_code:
        certificate = reverse("members:certificate", args=[app.certificate_code])
    notify(
        company=app.company,
        event="verification_decided",
        context={
            "decision": app.status,
            "agency": app.agency.name,
            "reason": app.reason,
            "certificate_code": app.certificate_code or "",
        },
        url=certificate or reverse("members:verification"),
    )


def _verification_changed(company_id: int, *, verified: bool, cause: str) -> None:
    """Tell the apps above, inside the caller's transaction (members.signals): credit writes
    its recalculation marker there, so it commits with the decision (R-C7: +10 points for a
    verified company, R-C6)."""
    signals.verification_changed.send(
        sender=Company, company_id=company_id, verified=verified, cause=cause
    )
