"""`audit_record`: the one writer of the audit log. Each app's service calls it inside the
transaction of the decision it records, so the row commits with the decision or not at all,
whichever interface (admin, API, task, command) asked for it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_noop

from .models import AuditEntry

Action = AuditEntry.Action

_TEXT_MAX = 200


def _clip(text: str, limit: int = _TEXT_MAX) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _company_label(company: Any) -> str:
    """The "member_id name" of a company-like object (duck-typed: this app imports no other)."""
    member_id = getattr(company, "member_id", "") or ""
    name = getattr(company, "name", "") or ""
    return _clip(" ".join(part for part in (member_id, name) if part))


#: Stored for the system's own decisions (in the source language, whatever the request's);
#: the admin shows it translated.
SYSTEM = gettext_noop("系统")


def actor_label(by) -> str:
    if by is None:
        return SYSTEM
    return _clip(by.get_username(), 150)


def audit_record(
    *,
    action: str,
    target: models.Model,
    by=None,
    reason: str = "",
    company: Any = None,
    details: dict | None = None,
    target_label: str | None = None,
) -> AuditEntry:
    """Record one decision on `target` (a saved model row) by the staff user `by` (None: the
    system decided), with its reason and structured details (JSON-safe values). `company`
    is the company concerned (an instance, or its id)."""
    if company is not None and not isinstance(company, int):
        company_id, company_text = company.pk, _company_label(company)
    else:
        company_id, company_text = company, ""
    return AuditEntry.objects.create(
        actor=by if by is not None and by.pk else None,
        actor_name=actor_label(by),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=_clip(target_label if target_label is not None else str(target)),
        company_id=company_id,
        company_label=company_text,
        reason=str(reason or ""),
        details=details or {},
    )


def audit_history(target: models.Model):
    """The audit rows of one object, newest first."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
