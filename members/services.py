"""Business actions on members. Views, API, admin, tasks and commands call these."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from marketplace.exceptions import DomainError

from .exceptions import MemberIdUnavailable, UsernameTaken
from .models import Company, Notice, TrustPassPeriod, User
from .rules import member_id_problem
from .selectors import company_forget_cache


@transaction.atomic
def company_register(
    *,
    username: str,
    password: str,
    email: str,
    member_id: str,
    name: str,
    contact_name: str,
    phone: str,
    province: str = "",
    city: str = "",
    industry: str = "",
) -> User:
    """R-M1: one account and its company, created together or not at all."""
    problem = member_id_problem(member_id)
    if problem:
        raise DomainError(
            problem, code="invalid_member_id", rule="R-M1", fields={"member_id": [problem]}
        )
    if Company.objects.filter(member_id=member_id).exists():
        raise MemberIdUnavailable(fields={"member_id": [MemberIdUnavailable.default_detail]})
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(fields={"username": [UsernameTaken.default_detail]})
    user = User(username=username, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(
            "密码不符合要求：" + " ".join(exc.messages),
            code="invalid_password",
            fields={"password": exc.messages},
        )
    try:
        with transaction.atomic():
            company = Company.objects.create(
                member_id=member_id,
                name=name,
                contact_name=contact_name,
                phone=phone,
                email=email,
                province=province,
                city=city,
                industry=industry,
            )
    except IntegrityError:  # lost a race for the same member ID
        raise MemberIdUnavailable(fields={"member_id": [MemberIdUnavailable.default_detail]})
    user.company = company
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def membership_grant(
    *,
    company: Company,
    starts_on: date,
    ends_on: date,
    source: str = TrustPassPeriod.Source.STAFF,
    note: str = "",
    by: User | None = None,
) -> TrustPassPeriod:
    """R-M2: add a TrustPass period. Periods come from a paid order or from staff."""
    if ends_on <= starts_on:
        raise DomainError(
            "结束日期必须晚于开始日期。",
            code="invalid_period",
            rule="R-M2",
            fields={"ends_on": ["结束日期必须晚于开始日期。"]},
        )
    Company.objects.select_for_update().get(pk=company.pk)
    period = TrustPassPeriod.objects.create(
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
        note=note,
        created_by=by,
    )
    company_forget_cache(company)
    transaction.on_commit(lambda: _membership_changed(company.pk))
    return period


def _membership_changed(company_id: int) -> None:
    """Hooks for other apps once a membership change is committed (credit R-C7, ranking R-S2).

    The credit and search issues connect their recalculation here.
    """
    from . import signals

    signals.membership_changed.send(sender=Company, company_id=company_id)


def notice_send(
    *,
    company: Company,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> Notice | None:
    """An in-site notice; with `dedupe_key`, at most one is ever made (returns None then)."""
    if dedupe_key:
        notice, created = Notice.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"company": company, "kind": kind, "title": title, "body": body, "url": url},
        )
        return notice if created else None
    return Notice.objects.create(company=company, kind=kind, title=title, body=body, url=url)
