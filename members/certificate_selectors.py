"""The online identity certificate (专属网上身份证明, R-M3.3 / R-C2): what a verified
TrustPass company shows its customers, and what anyone can check by its code.

An approved verification gets a code (`verification_services`); the certificate is
*valid* on a day when the verification still stands and the company is TrustPass that day
(R-M2: a period is [starts_on, ends_on), so the last day of membership is valid and
`ends_on` is not). Nothing runs when it ends: validity is worked out when asked, like every
privilege (members.privileges).

Dates: `valid_from` is the day of approval; `valid_until` is the first day the certificate
is not valid (exclusive, like `ends_on`): the end of the current TrustPass run while valid,
else the day it stopped (membership ended, verification revoked, registration number
changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import privileges
from .models import Company, CompanyChangeRequest, VerificationApplication
from .rules import (
    CERTIFICATE_CODE_ALPHABET,
    certificate_code_normalise,
    registration_number_masked,
)
from .selectors import company_periods, company_trustpass_until

Status = VerificationApplication.Status


@dataclass(frozen=True)
class IdentityCertificate:
    code: str
    company: Company
    agency: str
    registration_number_masked: str
    applicant_name: str
    valid: bool
    valid_from: date
    valid_until: date | None  # exclusive; None only when it never had a TrustPass day
    reason: str  # why it is not valid ("" when valid), in Chinese
    checked_on: date

    @property
    def last_valid_day(self) -> date | None:
        """The last day of validity, as people read dates (valid_until − 1)."""
        return self.valid_until - timedelta(days=1) if self.valid_until else None

    @property
    def member_id(self) -> str:
        return self.company.member_id

    @property
    def company_name(self) -> str:
        return self.company.name


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _number_changed_on(app: VerificationApplication) -> date | None:
    """The day staff approved a change of the company's registration number made after this
    verification (issue 14: identity data changes go to staff review): from then on the
    agency's check no longer covers the company's identity."""
    if app.decided_at is None:
        return None
    change = (
        CompanyChangeRequest.objects.filter(
            company_id=app.company_id,
            status=CompanyChangeRequest.Status.APPROVED,
            decided_at__gt=app.decided_at,
        )
        .exclude(registration_number="")
        .exclude(registration_number=app.registration_number)
        .order_by("decided_at")
        .first()
    )
    return _day(change.decided_at) if change else None


def _membership_end(company: Company, today: date) -> date | None:
    """The end of the company's last TrustPass run that ended on or before `today`."""
    return max((e for _, e in company_periods(company) if e <= today), default=None)


def certificate_of(app: VerificationApplication, *, today: date | None = None):
    """The certificate of an application that has a code, as it stands on `today`."""
    today = today or timezone.localdate()
    company = app.company
    valid_from = _day(app.decided_at) or _day(app.created_at)
    reason, ended_on = "", None
    if app.status == Status.REVOKED:
        ended_on = _day(app.decided_at)
        reason = _("该企业的身份认证已于 %(day)s 被撤销，原因：%(reason)s。") % {
            "day": f"{ended_on:%Y-%m-%d}",
            "reason": app.reason or _("未说明"),
        }
    elif app.status != Status.APPROVED or not company.verified:
        ended_on = _day(app.decided_at) or today
        reason = _("该企业的身份认证已失效。")
    elif changed_on := _number_changed_on(app):
        ended_on = changed_on
        reason = _("该企业已于 %(day)s 变更统一社会信用代码，原身份认证不再适用，需重新认证。") % {
            "day": f"{changed_on:%Y-%m-%d}"
        }
    elif privileges.is_trustpass(company, at=today):
        return IdentityCertificate(
            **_common(app),
            valid=True,
            valid_from=valid_from,
            valid_until=company_trustpass_until(company, at=today),
            reason="",
            checked_on=today,
        )
    else:
        ended_on = _membership_end(company, today)
        if ended_on:
            reason = _(
                "该企业的诚信通会员资格已于 %(day)s 终止（最后有效日 %(last_day)s），"
                "身份证明随之失效；续费诚信通后恢复有效。"
            ) % {
                "day": f"{ended_on:%Y-%m-%d}",
                "last_day": f"{ended_on - timedelta(days=1):%Y-%m-%d}",
            }
        else:
            reason = _("该企业目前不是诚信通会员，身份证明无效。")
    if ended_on is not None:
        ended_on = max(ended_on, valid_from)
    return IdentityCertificate(
        **_common(app),
        valid=False,
        valid_from=valid_from,
        valid_until=ended_on,
        reason=reason,
        checked_on=today,
    )


def _common(app: VerificationApplication) -> dict:
    return {
        "code": app.certificate_code,
        "company": app.company,
        "agency": app.agency.name,
        "registration_number_masked": registration_number_masked(app.registration_number),
        "applicant_name": app.applicant_name,
    }


def _plausible(code: str) -> bool:
    return 4 <= len(code) <= 16 and all(c in CERTIFICATE_CODE_ALPHABET for c in code)


def certificate_find(code: str, *, today: date | None = None) -> IdentityCertificate | None:
    """The certificate with `code` (as typed: case, spaces and hyphens do not matter), or
    None when no certificate has it."""
    code = certificate_code_normalise(code)
    if not _plausible(code):
        return None
    app = (
        VerificationApplication.objects.select_related("company", "agency")
        .filter(certificate_code=code)
        .first()
    )
    return certificate_of(app, today=today) if app else None


def company_certificate(
    company: Company | None, *, today: date | None = None
) -> IdentityCertificate | None:
    """The company's current certificate (its latest application with a code), or None."""
    if company is None or company.pk is None:
        return None
    app = (
        VerificationApplication.objects.select_related("company", "agency")
        .filter(company_id=company.pk, certificate_code__isnull=False)
        .order_by("-decided_at", "-id")
        .first()
    )
    return certificate_of(app, today=today) if app else None
