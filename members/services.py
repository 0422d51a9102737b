"""Business actions on members. Views, API, admin, tasks and commands call these."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.exceptions import DomainError

from . import selectors
from .exceptions import (
    AgencyUnavailable,
    AlreadyVerified,
    InvalidPeriod,
    InvalidRegistrationNumber,
    MemberIdUnavailable,
    PaymentFailed,
    ReasonRequired,
    RegistrationNumberTaken,
    UsernameTaken,
    VerificationNotPending,
    VerificationPending,
)
from .models import (
    Company,
    MembershipOrder,
    MembershipReminder,
    Notice,
    TrustPassPeriod,
    User,
    VerificationAgency,
    VerificationApplication,
)
from .rules import (
    REMINDER_DAYS,
    add_years,
    member_id_problem,
    next_uncovered_day,
    normalise_registration_number,
    registration_number_problem,
    reminder_due,
)
from .selectors import company_forget_cache

logger = logging.getLogger(__name__)


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


# --- TrustPass membership (R-M2) ------------------------------------------------------------


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
    """R-M2: add a TrustPass period [starts_on, ends_on). Periods come from a paid order or
    from staff (offline payment). Privileges follow from the dates alone, so nothing has to
    run when the period starts or ends."""
    if ends_on <= starts_on:
        raise InvalidPeriod(fields={"ends_on": [InvalidPeriod.default_detail]})
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
    _membership_changed_on_commit(company.pk, cause="membership_granted")
    notice_send(
        company=company,
        kind="trustpass",
        title=f"诚信通会员期已开通：{starts_on:%Y-%m-%d} 至 {ends_on - timedelta(days=1):%Y-%m-%d}",
        body="感谢您选择诚信通。会员期内您可查看买家联系方式、报价、优先排序并开通商铺。",
        url=reverse("members:dashboard"),
    )
    return period


@transaction.atomic
def membership_renew(
    *,
    company: Company,
    years: int = 1,
    source: str = TrustPassPeriod.Source.ORDER,
    note: str = "",
    by: User | None = None,
    today: date | None = None,
) -> TrustPassPeriod:
    """R-M2 续签: `years` years from the current end (today for a company not TrustPass).
    Bought before the end, the new period starts exactly where the old one ends."""
    if years < 1:
        raise InvalidPeriod("续费年数至少为 1 年。", fields={"years": ["续费年数至少为 1 年。"]})
    today = today or timezone.localdate()
    Company.objects.select_for_update().get(pk=company.pk)
    company_forget_cache(company)  # read the periods again under the lock
    spans = list(
        TrustPassPeriod.objects.filter(company=company).values_list("starts_on", "ends_on")
    )
    starts_on = next_uncovered_day(spans, today)
    return membership_grant(
        company=company,
        starts_on=starts_on,
        ends_on=add_years(starts_on, years),
        source=source,
        note=note,
        by=by,
    )


@transaction.atomic
def membership_period_update(
    *, period: TrustPassPeriod, starts_on: date, ends_on: date, note: str, by: User | None = None
) -> TrustPassPeriod:
    """Staff correct a period's dates (admin). Privileges follow the new dates at once."""
    if ends_on <= starts_on:
        raise InvalidPeriod(fields={"ends_on": [InvalidPeriod.default_detail]})
    period = TrustPassPeriod.objects.select_for_update().get(pk=period.pk)
    period.starts_on, period.ends_on, period.note = starts_on, ends_on, note
    period.save(update_fields=["starts_on", "ends_on", "note"])
    _membership_changed_on_commit(period.company_id, cause="membership_changed")
    return period


@transaction.atomic
def membership_period_delete(*, period: TrustPassPeriod, by: User | None = None) -> None:
    """Staff remove a period entered by mistake; the company's data stays (R-M2)."""
    company_id = period.company_id
    TrustPassPeriod.objects.filter(pk=period.pk).delete()
    _membership_changed_on_commit(company_id, cause="membership_removed")


def _membership_changed_on_commit(company_id: int, *, cause: str) -> None:
    from credit.services import credit_recalculate_on_commit

    # R-C7 / R-C3: archive years come from the periods.
    credit_recalculate_on_commit(company_id=company_id, cause=cause)
    transaction.on_commit(lambda: _membership_changed(company_id))


def _membership_changed(company_id: int) -> None:
    """Hooks for other apps once a membership change is committed (ranking R-S2 and
    listeners of `members.signals.membership_changed`)."""
    from listings.search_index import company_reindex

    from . import signals

    company_reindex(company_id=company_id)
    signals.membership_changed.send(sender=Company, company_id=company_id)


# --- R-M2: buying TrustPass years online (payment through trade.gateway) -------------------

PAYMENT_PREFIX = "trustpass"


def trustpass_price(years: int) -> Decimal:
    return Decimal(settings.TRUSTPASS_YEAR_PRICE_YUAN) * years


@transaction.atomic
def trustpass_purchase_start(
    *, company: Company, years: int = 1, by: User | None = None
) -> tuple[MembershipOrder, object]:
    """R-M2: an order for `years` TrustPass years and its payment through the configured
    gateway (trade.gateway); the payer is sent to `payment.pay_url`. The period is made
    when the gateway's signed callback arrives (`trustpass_purchase_paid`), starting at the
    current end (续签)."""
    from trade.services import payment_create

    if not 1 <= years <= 3:
        msg = "每次可购买 1–3 年。"
        raise DomainError(msg, code="invalid", rule="R-M2", fields={"years": [msg]})
    Company.objects.select_for_update().get(pk=company.pk)
    order = MembershipOrder.objects.create(
        company=company, years=years, amount=trustpass_price(years), created_by=by
    )
    payment = payment_create(
        reference=f"{PAYMENT_PREFIX}:{order.pk}",
        amount=order.amount,
        subject=f"诚信通会员 {years} 年（{company.member_id}）",
        payer=company,
        return_url=reverse("members:trustpass_purchase", args=[order.pk]),
    )
    return order, payment


def trustpass_purchase_paid(payment) -> bool:
    """Payment handler for "trustpass:<order id>" (registered in MembersConfig.ready), called
    by trade inside the transaction that marks the payment succeeded. Idempotent: a replayed
    callback finds the order paid and returns True. False (the payment is then refunded)
    when the order does not want it."""
    _, _, ident = payment.reference.partition(":")
    order = (
        MembershipOrder.objects.select_for_update().filter(pk=int(ident)).first()
        if ident.isdigit()
        else None
    )
    if order is None:
        return False
    if order.status == MembershipOrder.Status.PAID:
        return order.payment_ref == payment.number
    if order.status != MembershipOrder.Status.CREATED or payment.amount != order.amount:
        return False
    period = membership_renew(
        company=order.company,
        years=order.years,
        source=TrustPassPeriod.Source.ORDER,
        note=f"在线购买：订购单 {order.pk}，支付单 {payment.number}",
        by=order.created_by,
    )
    order.status = MembershipOrder.Status.PAID
    order.period = period
    order.payment_ref = payment.number
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "period", "payment_ref", "paid_at"])
    return True


@transaction.atomic
def trustpass_purchase_pay_directly(*, order: MembershipOrder) -> MembershipOrder:
    """API: pay an open order at once on a gateway that can (the local test gateway), through
    the same signed-callback path as the payment page."""
    from trade.models import Payment
    from trade.services import payment_settle_directly

    order = MembershipOrder.objects.select_for_update().get(pk=order.pk)
    if order.status == MembershipOrder.Status.PAID:
        return order
    payment = (
        Payment.objects.filter(reference=f"{PAYMENT_PREFIX}:{order.pk}", status="pending")
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        from trade.services import payment_create

        payment = payment_create(
            reference=f"{PAYMENT_PREFIX}:{order.pk}",
            amount=order.amount,
            subject=f"诚信通会员 {order.years} 年（{order.company.member_id}）",
            payer=order.company,
            return_url=reverse("members:trustpass_purchase", args=[order.pk]),
        )
    payment_settle_directly(payment_id=payment.pk)
    order.refresh_from_db()
    if order.status != MembershipOrder.Status.PAID:
        raise PaymentFailed()
    return order


# --- R-M4: renewal reminders ---------------------------------------------------------------


def membership_reminders_send(*, today: date | None = None) -> int:
    """R-M4: the reminders due today (30, 7 and 1 days before the end of each company's
    current TrustPass run). Safe to run any number of times a day, and late: each reminder
    goes out once. Returns how many went out in this run."""
    today = today or timezone.localdate()
    sent = 0
    for company, until in selectors.companies_with_run_ending_within(
        today=today, days=max(REMINDER_DAYS)
    ):
        days_before = reminder_due((until - today).days)
        if days_before is None:
            continue
        try:
            if membership_reminder_send(
                company=company, ends_on=until, days_before=days_before, today=today
            ):
                sent += 1
        except Exception:  # one mailbox failing must not stop the others; retried next run
            logger.exception("renewal reminder for company %s failed", company.pk)
    return sent


def membership_reminder_send(
    *, company: Company, ends_on: date, days_before: int, today: date | None = None
) -> bool:
    """R-M4: one reminder, e-mail and in-site notice, exactly once. The sent-record row is
    locked while sending, so a concurrent or repeated run finds it done; if the e-mail fails
    the transaction rolls back and the next run tries again. True when something was sent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record, _ = MembershipReminder.objects.get_or_create(
            company=company, ends_on=ends_on, days_before=days_before
        )
        record = MembershipReminder.objects.select_for_update().get(pk=record.pk)
        if record.notice_id and record.email_sent_at:
            return False
        last_day = ends_on - timedelta(days=1)
        days_left = (ends_on - today).days
        title = f"您的诚信通会员还有 {days_left} 天到期，请及时续费"
        renew_url = reverse("members:trustpass_buy")
        body = (
            f"{company.name}（{company.member_id}）：您的诚信通会员有效期至 {last_day:%Y-%m-%d}，"
            f"{ends_on:%Y-%m-%d} 起将恢复为普通会员，买家联系方式、报价、优先排序、商铺等特权会立即停止。"
            f"现在续费，新会员期从 {ends_on:%Y-%m-%d} 开始计算，不损失剩余天数。"
        )
        sent = False
        if not record.notice_id:
            key = f"trustpass-reminder:{company.pk}:{ends_on.isoformat()}:{days_before}"
            notice = notice_send(
                company=company,
                kind="trustpass_reminder",
                title=title,
                body=body,
                url=renew_url,
                dedupe_key=key,
            ) or Notice.objects.get(dedupe_key=key)
            record.notice = notice
            sent = True
        if not record.email_sent_at:
            to = _company_email(company)
            if to:
                send_mail(
                    subject=f"【{settings.SITE_NAME}】{title}",
                    message=f"{body}\n\n续费：{renew_url}",
                    from_email=None,
                    recipient_list=[to],
                )
            record.email_to = to or ""
            record.email_sent_at = timezone.now()
            sent = True
        record.save()
        return sent


def _company_email(company: Company) -> str | None:
    if company.email:
        return company.email
    user = company.users.filter(is_active=True).exclude(email="").order_by("pk").first()
    return user.email if user else None


# --- R-C2: identity verification -----------------------------------------------------------


UNLISTED_AGENCY_NOTE = "申请企业填写，不在认证机构列表中：审核时请核实该机构是否获得授权。"


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
            found, _ = VerificationAgency.objects.get_or_create(
                name=text, defaults={"active": False, "description": UNLISTED_AGENCY_NOTE[:200]}
            )
    if found is None:
        names = "、".join(qs.values_list("name", flat=True)[:10])
        detail = f"请从列表中选择一家认证机构（可选：{names}）。" if names else None
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
    and the applicant it authorised. Staff then approve or reject."""
    number = normalise_registration_number(registration_number or "")
    problem = registration_number_problem(number)
    if problem:
        raise InvalidRegistrationNumber(problem, fields={"registration_number": [problem]})
    applicant_name = (applicant_name or "").strip()
    if not applicant_name:
        msg = "请填写经企业授权的申请人姓名。"
        raise DomainError(msg, code="invalid", rule="R-C2", fields={"applicant_name": [msg]})
    agency_obj = _agency_resolve(agency, allow_unlisted=allow_unlisted_agency)
    locked = Company.objects.select_for_update().get(pk=company.pk)
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
    the score is recomputed from its sources, R-C7). Approving twice changes nothing."""
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
    notice_send(
        company=app.company,
        kind="verification",
        title="恭喜！贵公司已通过身份认证",
        body=f"认证机构：{app.agency.name}。认证标志已显示在公司、供求信息和商铺页面上。",
        url=reverse("members:verification"),
    )
    _verification_changed_on_commit(app.company_id, cause="verification_approved")
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
    notice_send(
        company=app.company,
        kind="verification",
        title="身份认证未通过，请修改后重新申请",
        body=f"原因：{app.reason}",
        url=reverse("members:verification"),
    )
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
        raise VerificationNotPending("只有已通过的认证才能撤销。")
    app.status = VerificationApplication.Status.REVOKED
    app.reason = reason[:300]
    app.decided_by = by
    app.decided_at = timezone.now()
    app.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    Company.objects.select_for_update().filter(pk=app.company_id).update(verified=False)
    app.company.verified = False
    notice_send(
        company=app.company,
        kind="verification",
        title="贵公司的身份认证已被撤销",
        body=f"原因：{app.reason}。如需恢复认证，请更正后重新申请。",
        url=reverse("members:verification"),
    )
    _verification_changed_on_commit(app.company_id, cause="verification_revoked")
    return app


def _verification_changed_on_commit(company_id: int, *, cause: str) -> None:
    from credit.services import credit_recalculate_on_commit

    from . import signals

    credit_recalculate_on_commit(company_id=company_id, cause=cause)
    transaction.on_commit(
        lambda: signals.verification_changed.send(sender=Company, company_id=company_id)
    )


# --- In-site notices -----------------------------------------------------------------------


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


def notices_mark_read(*, company: Company, ids: list[int] | None = None) -> int:
    """Mark the company's notices read (all of them, or those in `ids`)."""
    qs = Notice.objects.filter(company=company, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
