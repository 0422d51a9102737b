"""Reads of inquiries and listing statistics that carry rules (R-I1, R-L5).

Only the two parties of a thread ever see it: every read here starts from the caller's
company, and another company's thread is a 404.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from listings.models import Listing, ListingImage
from members.models import Company

from .exceptions import InquiryNotFound
from .models import Favourite, Inquiry, InquiryMessage, ListingView, Quote

RESPONSE_WINDOW_DAYS = 90
CHART_DAYS = 30

# --- inbox -------------------------------------------------------------------------------


def inbox_threads(*, company: Company | None, box: str = "received", unread_only: bool = False):
    """The company's threads, newest activity first, each with `unread` (messages to it not
    yet read), `message_count` and `last_body` (the newest message)."""
    qs = Inquiry.objects.for_company(company)
    if company is None:
        return qs
    if box == "received":
        qs = qs.received_by(company)
    elif box == "sent":
        qs = qs.sent_by(company)
    last = InquiryMessage.objects.filter(inquiry=OuterRef("pk")).order_by("-created_at", "-id")
    qs = qs.annotate(
        unread=Count(
            "messages",
            filter=Q(messages__recipient_company=company, messages__read_at__isnull=True),
        ),
        message_count=Count("messages"),
        last_body=Subquery(last.values("body")[:1]),
    ).select_related("listing", "buyer", "seller")
    if unread_only:
        qs = qs.filter(unread__gt=0)
    return qs.order_by("-last_message_at", "-id")


def inquiry_get_for_company(*, company: Company | None, inquiry_id) -> Inquiry:
    """The thread if `company` is one of its two parties; otherwise InquiryNotFound (404)."""
    try:
        inquiry_id = int(inquiry_id)
    except (TypeError, ValueError):
        raise InquiryNotFound()
    thread = (
        Inquiry.objects.for_company(company)
        .select_related("listing", "buyer", "seller")
        .filter(pk=inquiry_id)
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=InquiryMessage.objects.select_related(
                    "sender", "sender_company", "quote"
                ).order_by("created_at", "id"),
            )
        )
        .first()
    )
    if thread is None:
        raise InquiryNotFound()
    return thread


def inbox_unread_count(company: Company | int | None) -> int:
    """Messages sent to the company (or company id) that nobody of it has read yet."""
    company_id = getattr(company, "pk", company)
    if company_id is None:
        return 0
    return InquiryMessage.objects.filter(
        recipient_company_id=company_id, read_at__isnull=True
    ).count()


def inbox_unread_boxes(company: Company | int | None) -> dict[str, int]:
    """Unread messages to the company by inbox tab: `received` (in threads where it is the
    seller: inquiries to it, quotations on its buy leads) and `sent` (answers in threads it
    started). One query."""
    company_id = getattr(company, "pk", company)
    if company_id is None:
        return {"received": 0, "sent": 0}
    mine = Q(inquiry__seller_id=company_id)
    return InquiryMessage.objects.filter(
        recipient_company_id=company_id, read_at__isnull=True
    ).aggregate(received=Count("pk", filter=mine), sent=Count("pk", filter=~mine))


def inbox_unread_url(boxes: dict[str, int]) -> str:
    """Where the unread messages are: the unread view of the tab that holds them (both tabs
    when they are in both), else the inbox."""
    base = reverse("inquiries:inbox")
    if boxes["received"] and boxes["sent"]:
        return f"{base}?box=all&unread=1"
    if boxes["sent"]:
        return f"{base}?box=sent&unread=1"
    if boxes["received"]:
        return f"{base}?box=received&unread=1"
    return base


# --- response statistics (R-I1, shown on the storefront and the credit archive) ----------


def _duration_text(d: timedelta | None) -> str:
    """In the active language: "约 35 分钟", "约 5.5 小时", "约 2 天"; "—" when there is none."""
    if d is None:
        return "—"
    minutes = d.total_seconds() / 60
    if minutes < 60:
        return gettext("约 %(n)s 分钟") % {"n": max(1, round(minutes))}
    hours = minutes / 60
    if hours < 48:
        return gettext("约 %(n)s 小时") % {"n": f"{round(hours, 1):g}"}
    return gettext("约 %(n)s 天") % {"n": f"{round(hours / 24, 1):g}"}


def company_response_stats(
    company: Company, *, now: datetime | None = None, days: int = RESPONSE_WINDOW_DAYS
) -> dict:
    """R-I1: of the inquiry threads the company received in the last `days` days, the share
    it answered (response rate) and the median time from the inquiry to its first answer
    (over the answered ones). Quotations it received on its buy leads do not count: they
    are offers to it, not questions it owes an answer to.

    Returns a dict: `received`, `answered`, `response_rate` (0..1, None without inquiries),
    `response_rate_percent`, `median_first_response` (timedelta or None),
    `median_first_response_seconds`, `median_first_response_hours`,
    `median_first_response_text` (in the active language), `days`.
    """
    now = now or timezone.now()
    rows = list(
        Inquiry.objects.filter(
            seller=company,
            kind=Inquiry.Kind.INQUIRY,
            created_at__gt=now - timedelta(days=days),
            created_at__lte=now,
        ).values_list("created_at", "first_response_at")
    )
    received = len(rows)
    delays = [(first - opened) for opened, first in rows if first is not None and first <= now]
    answered = len(delays)
    rate = (answered / received) if received else None
    median = statistics.median(delays) if delays else None
    return {
        "received": received,
        "answered": answered,
        "response_rate": rate,
        "response_rate_percent": None if rate is None else round(rate * 100),
        "median_first_response": median,
        "median_first_response_seconds": None if median is None else int(median.total_seconds()),
        "median_first_response_hours": (
            None if median is None else round(median.total_seconds() / 3600, 1)
        ),
        "median_first_response_text": _duration_text(median),
        "days": days,
    }


# --- listing statistics (R-L5) ------------------------------------------------------------


def listing_counts(listing: Listing) -> dict:
    """Views and inquiries of one listing, as its owner sees them (R-I1, R-L5)."""
    return {
        "views": ListingView.objects.filter(listing=listing).count(),
        "inquiries": InquiryMessage.objects.filter(
            inquiry__listing=listing,
            kind__in=[InquiryMessage.Kind.INQUIRY, InquiryMessage.Kind.QUOTE],
        ).count(),
    }


def _published(company: Company):
    return Listing.objects.filter(company=company).filter(
        Q(first_published_at__isnull=False) | Q(status=Listing.Status.LIVE)
    )


def company_listing_stats(company: Company, *, today: date | None = None):
    """The company's published listings, newest first, each annotated with `views_total`,
    `views_30d`, `inquiries_total`, `inquiries_30d` and `has_images`."""
    today = today or timezone.localdate()
    since_day = today - timedelta(days=CHART_DAYS - 1)
    since = timezone.make_aware(datetime.combine(since_day, datetime.min.time()))
    views = ListingView.objects.filter(listing=OuterRef("pk"))
    asks = InquiryMessage.objects.filter(
        inquiry__listing=OuterRef("pk"),
        kind__in=[InquiryMessage.Kind.INQUIRY, InquiryMessage.Kind.QUOTE],
    )

    def count_of(qs):
        return Subquery(
            qs.order_by()
            .values("inquiry__listing" if qs.model is InquiryMessage else "listing")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    return (
        _published(company)
        .annotate(
            views_total=count_of(views),
            views_30d=count_of(views.filter(day__gte=since_day)),
            inquiries_total=count_of(asks),
            inquiries_30d=count_of(asks.filter(created_at__gte=since)),
            has_images=Exists(ListingImage.objects.filter(listing=OuterRef("pk"))),
        )
        .order_by("-published_at", "-id")
    )


def company_daily_chart(
    company: Company, *, days: int = CHART_DAYS, today: date | None = None
) -> list[dict]:
    """R-L5: views and inquiries of all the company's listings per day, the last `days`
    days up to today (Asia/Shanghai), oldest first; each row has `day`, `views`,
    `inquiries` and `views_pct`/`inquiries_pct` (bar heights relative to the busiest day)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    views = dict(
        ListingView.objects.filter(listing__company=company, day__gte=first, day__lte=today)
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    asks = dict(
        InquiryMessage.objects.filter(
            recipient_company=company,
            kind__in=[InquiryMessage.Kind.INQUIRY, InquiryMessage.Kind.QUOTE],
            inquiry__listing__company=company,
            created_at__gte=since,
        )
        .annotate(d=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("d")
        .annotate(n=Count("pk"))
        .values_list("d", "n")
    )
    rows = [
        {
            "day": first + timedelta(days=i),
            "views": views.get(first + timedelta(days=i), 0),
            "inquiries": asks.get(first + timedelta(days=i), 0),
        }
        for i in range(days)
    ]
    top = max([1] + [max(r["views"], r["inquiries"]) for r in rows])
    for r in rows:
        r["views_pct"] = round(100 * r["views"] / top)
        r["inquiries_pct"] = round(100 * r["inquiries"] / top)
    return rows


def company_image_share(company: Company) -> dict:
    """R-L5: how many of the company's published listings have images, and the average
    views of listings with and without images (the seller form promises about 3×)."""
    rows = list(
        _published(company)
        .annotate(
            has_images=Exists(ListingImage.objects.filter(listing=OuterRef("pk"))),
            n_views=Count("view_records", distinct=True),
        )
        .values_list("has_images", "n_views")
    )
    with_img = [v for has, v in rows if has]
    without = [v for has, v in rows if not has]

    def avg(values):
        return round(sum(values) / len(values), 1) if values else None

    avg_with, avg_without = avg(with_img), avg(without)
    return {
        "listings": len(rows),
        "with_images": len(with_img),
        "without_images": len(without),
        "share_with_images": round(100 * len(with_img) / len(rows)) if rows else None,
        "views_with_images": sum(with_img),
        "views_without_images": sum(without),
        "avg_views_with_images": avg_with,
        "avg_views_without_images": avg_without,
        "ratio": (
            round(avg_with / avg_without, 1) if avg_with is not None and avg_without else None
        ),
    }


def company_stats_summary(company: Company, *, today: date | None = None) -> dict:
    """Totals for the dashboard: views and inquiries in the last 30 days and in all."""
    chart = company_daily_chart(company, today=today)
    return {
        "views_30d": sum(r["views"] for r in chart),
        "inquiries_30d": sum(r["inquiries"] for r in chart),
        "views_total": ListingView.objects.filter(listing__company=company).count(),
        "inquiries_total": InquiryMessage.objects.filter(
            recipient_company=company,
            kind__in=[InquiryMessage.Kind.INQUIRY, InquiryMessage.Kind.QUOTE],
            inquiry__listing__company=company,
        ).count(),
        "chart": chart,
    }


# --- favourites ---------------------------------------------------------------------------


def favourites_of(*, user, kind: str = "listings"):
    qs = Favourite.objects.filter(user_id=user.pk)
    if kind == "suppliers":
        return qs.filter(company__isnull=False).select_related("company")
    return qs.filter(listing__isnull=False).select_related("listing", "listing__company")


def favourite_of(*, user, listing=None, company=None) -> Favourite | None:
    if user is None or not user.is_authenticated:
        return None
    qs = Favourite.objects.filter(user_id=user.pk)
    if listing is not None:
        return qs.filter(listing=listing).first()
    if company is not None:
        return qs.filter(company=company).first()
    return None


def quotes_on(listing: Listing):
    return Quote.objects.filter(listing=listing).select_related("company", "message")


def inbox_threads_annotated(company, box: str, unread_only: bool):
    """`inbox_threads` with what a row of the inbox API shows: the first message, its
    quantity, and the latest quote of the thread."""
    first = InquiryMessage.objects.filter(inquiry=OuterRef("pk")).order_by("created_at", "id")
    last_quote = Quote.objects.filter(message__inquiry=OuterRef("pk")).order_by("-created_at")
    return inbox_threads(company=company, box=box, unread_only=unread_only).annotate(
        first_body=Subquery(first.values("body")[:1]),
        first_quantity=Subquery(first.values("quantity")[:1]),
        quote_id=Subquery(last_quote.values("pk")[:1]),
        quote_unit_price=Subquery(last_quote.values("unit_price")[:1]),
        quote_quantity=Subquery(last_quote.values("quantity")[:1]),
    )


def listing_is_live(*, listing_id: int) -> bool:
    """Whether the listing exists and is live (a report or an inquiry is about a live one)."""
    return Listing.objects.filter(pk=listing_id, status=Listing.Status.LIVE).exists()
