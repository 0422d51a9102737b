"""Inquiries (询盘), quotations (报价), favourites and reports: R-I1, R-M3.1.

Views, the API and the admin call these; none repeats a rule. Notices and their e-mails go
through `members.notices`.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from audit.services import Action as AuditAction
from audit.services import audit_record
from listings.models import Listing
from marketplace.exceptions import DomainError
from members import privileges
from members.models import Company
from members.notices import notify
from members.selectors import user_company

from .exceptions import (
    InquiryNotAllowed,
    InquiryNotFound,
    InquiryRateLimited,
    ListingNotInquirable,
    ReportAlreadyOpen,
    TrustPassRequired,
)
from .models import STOREFRONT_SUBJECT, Favourite, Inquiry, InquiryMessage, ListingReport, Quote

MESSAGE_MAX_CHARS = 2000
QUANTITY_MAX = 100_000_000
RATE_WINDOW_SECONDS = 3600


# --- helpers --------------------------------------------------------------------------------


def _sender_company(user) -> Company:
    if user is None or not user.is_authenticated:
        raise DomainError(gettext("请先登录后再发送。"), code="not_authenticated", status_code=401)
    return user_company(
        user, detail=gettext("您的账号尚未关联企业，无法发送询盘或报价，请联系客服。")
    )


def _clean_message(message: str | None) -> str:
    text = (message or "").strip()
    if not text:
        raise DomainError(
            gettext("请填写留言内容，例如您需要的规格、数量和交货时间。"),
            code="invalid",
            fields={"message": [gettext("请填写留言内容，例如您需要的规格、数量和交货时间。")]},
        )
    if len(text) > MESSAGE_MAX_CHARS:
        detail = gettext("留言最多 %(max)s 个字，当前 %(count)s 个字，请精简后再发送。") % {
            "max": MESSAGE_MAX_CHARS,
            "count": len(text),
        }
        raise DomainError(detail, code="invalid", fields={"message": [detail]})
    return text


def _clean_quantity(quantity, *, required: bool = False) -> int | None:
    detail = gettext("数量须为 1 到 %(max)s 之间的整数。") % {"max": QUANTITY_MAX}
    if quantity is None or (isinstance(quantity, str) and not quantity.strip()):
        if required:
            raise DomainError(detail, code="invalid", fields={"quantity": [detail]})
        return None
    if isinstance(quantity, bool):
        raise DomainError(detail, code="invalid", fields={"quantity": [detail]})
    if isinstance(quantity, str):
        quantity = quantity.strip()
        if not quantity.isdigit():
            raise DomainError(detail, code="invalid", fields={"quantity": [detail]})
    try:
        value = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(detail, code="invalid", fields={"quantity": [detail]})
    if (value != quantity and not isinstance(quantity, str)) or not 1 <= value <= QUANTITY_MAX:
        raise DomainError(detail, code="invalid", fields={"quantity": [detail]})
    return value


def _thread_for_update(*, listing, buyer: Company, seller: Company, kind: str, subject: str):
    """The thread of this listing and counterpart, locked; made when there is none."""
    lookup = {"listing": listing, "buyer": buyer, "seller": seller}
    thread = Inquiry.objects.select_for_update().filter(**lookup).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Inquiry.objects.create(
                **lookup, kind=kind, subject=subject[:120], last_message_at=timezone.now()
            )
    except IntegrityError:  # another request made it first
        return Inquiry.objects.select_for_update().get(**lookup)


def thread_url(inquiry_id: int) -> str:
    return reverse("inquiries:inbox_thread", args=[inquiry_id])


# The notice event of each kind of message (members.notices.EVENTS).
NOTICE_EVENTS = {
    InquiryMessage.Kind.INQUIRY: "inquiry_received",
    InquiryMessage.Kind.QUOTE: "quote_received",
    InquiryMessage.Kind.REPLY: "inquiry_replied",
}


def _post(
    *,
    thread: Inquiry,
    kind: str,
    sender,
    sender_company: Company,
    body: str,
    quantity=None,
    unit_price: Decimal | None = None,
) -> InquiryMessage:
    recipient = thread.seller if sender_company.pk == thread.buyer_id else thread.buyer
    msg = InquiryMessage.objects.create(
        inquiry=thread,
        kind=kind,
        sender=sender,
        sender_company=sender_company,
        recipient_company=recipient,
        body=body,
        quantity=quantity,
    )
    thread.last_message_at = msg.created_at
    fields = ["last_message_at"]
    if sender_company.pk == thread.seller_id and thread.first_response_at is None:
        thread.first_response_at = msg.created_at
        fields.append("first_response_at")
    thread.save(update_fields=fields)
    # R-I1: the receiver's in-site notice, in this transaction; the notice service e-mails
    # its sales staff on commit, at most once, and its sweep sends one whose task was lost
    # (a stored message never turns into an error page).
    notify(
        company=recipient,
        event=NOTICE_EVENTS[kind],
        context={
            "sender": sender_company,
            "subject": thread.subject,
            "message": body,
            "quantity": quantity,
            "unit_price": unit_price,
        },
        url=thread_url(thread.pk),
    )
    return msg


# --- R-I1 rate limit ----------------------------------------------------------------------


def _rate_limit_take(user_id: int) -> None:
    """R-I1: at most INQUIRY_RATE_LIMIT_PER_HOUR inquiries per sender in an hour.

    A window opens with the sender's first inquiry and lasts an hour; the counter lives in
    the Django cache (Redis in production and tests), so every web process shares it.
    Raises InquiryRateLimited with the seconds until the window closes.
    """
    limit = int(getattr(settings, "INQUIRY_RATE_LIMIT_PER_HOUR", 20))
    if limit <= 0:
        return
    key = f"inquiry-rate:{user_id}"
    now = time.time()
    cache.add(f"{key}:start", now, timeout=RATE_WINDOW_SECONDS)
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        cache.set(f"{key}:start", now, timeout=RATE_WINDOW_SECONDS)
        count = 1
    if count > limit:
        start = cache.get(f"{key}:start") or now
        raise InquiryRateLimited(
            limit=limit, retry_after=math.ceil(start + RATE_WINDOW_SECONDS - now)
        )


# --- inquiries ----------------------------------------------------------------------------


@transaction.atomic
def inquiry_send(*, sender, message, quantity=None, listing=None, company=None) -> Inquiry:
    """A signed-in member's inquiry about a live `listing`, or to a storefront's `company`.

    Rate-limited per sender (R-I1); the seller gets an in-site notice and an e-mail. A second
    inquiry about the same listing (or to the same storefront) continues the same thread.
    Returns the thread; its new message is `thread.new_message`.
    """
    buyer = _sender_company(sender)
    if (listing is None) == (company is None):
        raise DomainError(gettext("请指定询价的信息或商铺。"), code="invalid")
    body = _clean_message(message)
    qty = _clean_quantity(quantity)
    if listing is not None:
        listing_id = listing.pk if isinstance(listing, Listing) else listing
        listing = (
            Listing.objects.select_related("company")
            .filter(pk=listing_id, status=Listing.Status.LIVE)
            .first()
        )
        if listing is None:
            raise ListingNotInquirable()
        if listing.kind == Listing.Kind.DEMAND:
            # R-M3.1: buyers of demand listings are reached by quotation, a TrustPass privilege.
            raise InquiryNotAllowed(
                gettext("这是求购信息，请通过报价联系买家（报价仅限诚信通会员）：%(url)s")
                % {"url": f"/buy-leads/{listing.pk}/quote/"}
            )
        seller, subject = listing.company, listing.title
    else:
        seller = company if isinstance(company, Company) else Company.objects.get(pk=company)
        # Stored in Chinese, as the thread's data; Inquiry.display_subject shows it translated.
        subject = STOREFRONT_SUBJECT % {"name": seller.name}
    if seller.pk == buyer.pk:
        raise InquiryNotAllowed(gettext("不能向自己的企业发送询盘。"))
    _rate_limit_take(sender.pk)
    thread = _thread_for_update(
        listing=listing, buyer=buyer, seller=seller, kind=Inquiry.Kind.INQUIRY, subject=subject
    )
    thread.new_message = _post(
        thread=thread,
        kind=InquiryMessage.Kind.INQUIRY,
        sender=sender,
        sender_company=buyer,
        body=body,
        quantity=qty,
    )
    return thread


def _thread_of_party(*, company: Company | None, inquiry_id) -> Inquiry:
    """The thread, locked, if `company` is one of its two parties; else 404."""
    try:
        inquiry_id = int(inquiry_id)
    except (TypeError, ValueError):
        raise InquiryNotFound()
    thread = (
        Inquiry.objects.for_company(company)
        .select_for_update(of=("self",))
        .select_related("buyer", "seller")
        .filter(pk=inquiry_id)
        .first()
    )
    if thread is None:
        raise InquiryNotFound()
    return thread


@transaction.atomic
def inquiry_reply(*, sender, inquiry_id, message) -> InquiryMessage:
    """Either party answers in the thread; the other gets a notice and an e-mail."""
    company = _sender_company(sender)
    thread = _thread_of_party(company=company, inquiry_id=inquiry_id)
    body = _clean_message(message)
    # Whoever replies has read what came before.
    thread.messages.filter(recipient_company=company, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return _post(
        thread=thread,
        kind=InquiryMessage.Kind.REPLY,
        sender=sender,
        sender_company=company,
        body=body,
    )


@transaction.atomic
def inquiry_mark_read(*, user, inquiry_id) -> int:
    """Mark the messages this user's company received in the thread as read."""
    company = getattr(user, "company", None)
    thread = _thread_of_party(company=company, inquiry_id=inquiry_id)
    return thread.messages.filter(recipient_company=company, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def inquiry_mark_all_read(*, user) -> int:
    company = getattr(user, "company", None)
    if company is None:
        return 0
    return InquiryMessage.objects.filter(recipient_company=company, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- R-M3.1 quotations -------------------------------------------------------------------


def _clean_price(value) -> Decimal:
    detail = gettext("请填写大于 0 的单价（元），最多两位小数，例如 12800.00。")
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(detail, code="invalid", fields={"unit_price": [detail]})
    if (
        not price.is_finite()
        or price <= 0
        or price.as_tuple().exponent < -2
        or price >= Decimal("10000000000")
    ):
        raise DomainError(detail, code="invalid", fields={"unit_price": [detail]})
    return price


QUOTE_TRUSTPASS_DETAIL = gettext_lazy(
    "报价仅限诚信通会员（R-M3.1）。开通诚信通后即可查看买家联系方式并向买家报价，"
    "请到 /trustpass/ 了解并开通。"
)


def buy_lead_for_quote(*, listing_id) -> Listing:
    """A live demand listing (buy lead) one may quote on; else 404."""
    try:
        listing_id = int(listing_id)
    except (TypeError, ValueError):
        raise ListingNotInquirable(gettext("该求购信息不存在或已结束，无法报价。"))
    lead = (
        Listing.objects.select_related("company")
        .filter(pk=listing_id, status=Listing.Status.LIVE, kind=Listing.Kind.DEMAND)
        .first()
    )
    if lead is None:
        raise ListingNotInquirable(gettext("该求购信息不存在或已结束，无法报价。"))
    return lead


@transaction.atomic
def quote_send(*, sender, listing, unit_price, quantity, message) -> Quote:
    """R-M3.1: a TrustPass member quotes on a live buy lead; it lands in the buyer's inbox."""
    company = _sender_company(sender)
    lead = buy_lead_for_quote(listing_id=listing.pk if isinstance(listing, Listing) else listing)
    if not privileges.can_quote(company):
        raise TrustPassRequired(QUOTE_TRUSTPASS_DETAIL, rule="R-M3.1")
    if lead.company_id == company.pk:
        raise InquiryNotAllowed(gettext("不能对自己发布的求购信息报价。"))
    price = _clean_price(unit_price)
    qty = _clean_quantity(quantity, required=True)
    body = _clean_message(message)
    thread = _thread_for_update(
        listing=lead,
        buyer=company,
        seller=lead.company,
        kind=Inquiry.Kind.QUOTE,
        subject=lead.title,
    )
    msg = _post(
        thread=thread,
        kind=InquiryMessage.Kind.QUOTE,
        sender=sender,
        sender_company=company,
        body=body,
        quantity=qty,
        unit_price=price,
    )
    return Quote.objects.create(
        message=msg, listing=lead, company=company, unit_price=price, quantity=qty
    )


# --- favourites ---------------------------------------------------------------------------


@transaction.atomic
def favourite_add(*, user, listing=None, company=None) -> Favourite:
    """Keep a live listing or a supplier in the user's favourites (once each)."""
    if not user.is_authenticated:
        raise DomainError(gettext("请先登录后再收藏。"), code="not_authenticated", status_code=401)
    if (listing is None) == (company is None):
        raise DomainError(gettext("请指定要收藏的信息或供应商。"), code="invalid")
    if listing is not None:
        listing_id = listing.pk if isinstance(listing, Listing) else listing
        listing = Listing.objects.filter(pk=listing_id, status=Listing.Status.LIVE).first()
        if listing is None:
            raise ListingNotInquirable(gettext("该信息不存在或已下架，无法收藏。"))
        fav, _ = Favourite.objects.get_or_create(user=user, listing=listing)
    else:
        fav, _ = Favourite.objects.get_or_create(user=user, company=company)
    return fav


@transaction.atomic
def favourite_remove(*, user, favourite_id) -> None:
    deleted, _ = Favourite.objects.filter(pk=favourite_id, user_id=user.pk).delete()
    if not deleted:
        raise DomainError(gettext("未找到该收藏，可能已删除。"), code="not_found", status_code=404)


# --- reports ------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, reporter, listing, reason: str, detail: str = "") -> ListingReport:
    """Anyone signed in reports a live listing, once while the report is open."""
    if not reporter.is_authenticated:
        raise DomainError(gettext("请先登录后再举报。"), code="not_authenticated", status_code=401)
    listing_id = listing.pk if isinstance(listing, Listing) else listing
    listing = Listing.objects.filter(pk=listing_id, status=Listing.Status.LIVE).first()
    if listing is None:
        raise ListingNotInquirable(gettext("该信息不存在或已下架，无需举报。"))
    if reason not in ListingReport.Reason.values:
        msg = gettext("请从列表中选择举报原因。")
        raise DomainError(msg, code="invalid", fields={"reason": [msg]})
    detail = (detail or "").strip()
    if reason == ListingReport.Reason.OTHER and not detail:
        msg = gettext("选择“其他”时请在补充说明中写明原因。")
        raise DomainError(msg, code="invalid", fields={"detail": [msg]})
    if len(detail) > MESSAGE_MAX_CHARS:
        msg = gettext("补充说明最多 %(max)s 个字。") % {"max": MESSAGE_MAX_CHARS}
        raise DomainError(msg, code="invalid", fields={"detail": [msg]})
    if ListingReport.objects.filter(
        listing=listing, reporter=reporter, status=ListingReport.Status.OPEN
    ).exists():
        raise ReportAlreadyOpen()
    try:
        with transaction.atomic():
            return ListingReport.objects.create(
                listing=listing, reporter=reporter, reason=reason, detail=detail
            )
    except IntegrityError:
        raise ReportAlreadyOpen()


@transaction.atomic
def report_close(*, report_id: int, by, status: str, resolution: str = "") -> ListingReport:
    """Staff close a report as resolved (it was true) or dismissed, with what they did
    (`resolution`); recorded in the audit log (issue 15)."""
    if status not in (ListingReport.Status.RESOLVED, ListingReport.Status.DISMISSED):
        raise DomainError(gettext("处理结果只能是“已处理”或“已驳回”。"), code="invalid")
    report = (
        ListingReport.objects.select_for_update(of=("self",))
        .select_related("listing__company")
        .get(pk=report_id)
    )
    if report.status != ListingReport.Status.OPEN:
        return report
    report.status = status
    report.handled_by = by
    report.handled_at = timezone.now()
    report.resolution = (resolution or "").strip()[:300]
    report.save(update_fields=["status", "handled_by", "handled_at", "resolution"])
    audit_record(
        action=AuditAction.REPORT_CLOSE,
        target=report,
        by=by,
        reason=report.resolution,
        company=report.listing.company,
        target_label=f"#{report.pk} {report.listing.title}",
        details={
            "status": status,
            "report_reason": report.reason,
            "listing_id": report.listing_id,
        },
    )
    return report
