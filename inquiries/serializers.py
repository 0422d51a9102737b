"""Input and output of the inquiries API (API.md: Inquiries, quotes, favourites, reports),
and the response shapes of its OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from . import services
from .models import Favourite, InquiryMessage, ListingReport

# --- input -------------------------------------------------------------------------------

_MESSAGE_ERRORS = {
    "required": "请填写留言内容（message）。",
    "blank": "留言内容不能为空，请写明规格、数量和交货时间等。",
    "max_length": f"留言最多 {services.MESSAGE_MAX_CHARS} 个字，请精简后再发送。",
}
_QUANTITY_ERRORS = {
    "required": "请填写数量（quantity，正整数）。",
    "invalid": "数量须为正整数。",
    "min_value": "数量至少为 1。",
    "max_value": f"数量不能超过 {services.QUANTITY_MAX}。",
}


class InquiryInput(serializers.Serializer):
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX_CHARS, error_messages=_MESSAGE_ERRORS
    )
    quantity = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=services.QUANTITY_MAX,
        error_messages=_QUANTITY_ERRORS,
    )


class ReplyInput(serializers.Serializer):
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX_CHARS, error_messages=_MESSAGE_ERRORS
    )


class QuoteInput(serializers.Serializer):
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "required": "请填写单价（unit_price，元）。",
            "invalid": "单价须为数字，最多两位小数，例如 12800.00。",
            "min_value": "单价必须大于 0。",
            "max_decimal_places": "单价最多两位小数。",
            "max_digits": "单价过大。",
            "max_whole_digits": "单价过大。",
        },
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=services.QUANTITY_MAX, error_messages=_QUANTITY_ERRORS
    )
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX_CHARS, error_messages=_MESSAGE_ERRORS
    )


# --- output ------------------------------------------------------------------------------


def company_out(c) -> dict:
    return {"member_id": c.member_id, "name": c.name}


def listing_out(listing) -> dict | None:
    if listing is None:
        return None
    return {"id": listing.pk, "title": listing.title, "kind": listing.kind}


def quote_out(q) -> dict | None:
    if q is None:
        return None
    return {"id": q.pk, "unit_price": str(q.unit_price), "quantity": q.quantity}


class ThreadOut(serializers.Serializer):
    """One thread of the inbox (the `id` is what /inbox/{id}/reply/ takes)."""

    def to_representation(self, thread):
        company = self.context["company"]
        quote = None
        if getattr(thread, "quote_id", None):
            quote = {
                "id": thread.quote_id,
                "unit_price": str(thread.quote_unit_price),
                "quantity": thread.quote_quantity,
            }
        return {
            "id": thread.pk,
            "kind": thread.kind,
            "direction": "received" if thread.seller_id == company.pk else "sent",
            "subject": thread.subject,
            "listing": listing_out(thread.listing),
            "counterpart": company_out(thread.counterpart(company)),
            "message": thread.first_body,
            "quantity": thread.first_quantity,
            "quote": quote,
            "last_message": thread.last_body,
            "message_count": thread.message_count,
            "unread": thread.unread,
            "created_at": serializers.DateTimeField().to_representation(thread.created_at),
            "last_message_at": serializers.DateTimeField().to_representation(
                thread.last_message_at
            ),
        }


def message_out(msg: InquiryMessage, company) -> dict:
    quote = getattr(msg, "quote", None) if msg.kind == InquiryMessage.Kind.QUOTE else None
    return {
        "id": msg.pk,
        "kind": msg.kind,
        "from": company_out(msg.sender_company),
        "mine": msg.sender_company_id == company.pk,
        "message": msg.body,
        "quantity": msg.quantity,
        "quote": quote_out(quote),
        "created_at": serializers.DateTimeField().to_representation(msg.created_at),
        "read_at": (
            serializers.DateTimeField().to_representation(msg.read_at) if msg.read_at else None
        ),
    }


# --- response shapes, for the OpenAPI schema ------------------------------------------

_COMPANY = inline_serializer(
    "InquiryCompany", {"member_id": serializers.CharField(), "name": serializers.CharField()}
)
_LISTING = inline_serializer(
    "InquiryListing",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "kind": serializers.CharField(),
    },
    allow_null=True,
)
_QUOTE = inline_serializer(
    "InquiryQuote",
    {
        "id": serializers.IntegerField(),
        "unit_price": serializers.DecimalField(max_digits=12, decimal_places=2),
        "quantity": serializers.IntegerField(),
    },
    allow_null=True,
)
_THREAD_FIELDS = {
    "id": serializers.IntegerField(),
    "kind": serializers.ChoiceField(choices=["inquiry", "quote"]),
    "direction": serializers.ChoiceField(choices=["received", "sent"]),
    "subject": serializers.CharField(),
    "listing": _LISTING,
    "counterpart": _COMPANY,
    "message": serializers.CharField(),
    "quantity": serializers.IntegerField(allow_null=True),
    "quote": _QUOTE,
    "last_message": serializers.CharField(),
    "message_count": serializers.IntegerField(),
    "unread": serializers.IntegerField(),
    "created_at": serializers.DateTimeField(),
    "last_message_at": serializers.DateTimeField(),
}


def _paginated(name: str, item):
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


INBOX_PAGE_SCHEMA = _paginated(
    "PaginatedInboxThreads", inline_serializer("InboxThread", _THREAD_FIELDS, many=True)
)
MESSAGES_SCHEMA = inline_serializer(
    "InboxMessage",
    many=True,
    fields={
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=["inquiry", "quote", "reply"]),
        "from": _COMPANY,
        "mine": serializers.BooleanField(),
        "message": serializers.CharField(),
        "quantity": serializers.IntegerField(allow_null=True),
        "quote": _QUOTE,
        "created_at": serializers.DateTimeField(),
        "read_at": serializers.DateTimeField(allow_null=True),
    },
)
THREAD_DETAIL_SCHEMA = inline_serializer(
    "InboxThreadDetail", {**_THREAD_FIELDS, "messages": MESSAGES_SCHEMA}
)
REPLY_SCHEMA = inline_serializer(
    "InboxReplyCreated",
    {
        "id": serializers.IntegerField(),
        "inquiry": serializers.IntegerField(),
        "message": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
    },
)
QUOTE_CREATED_SCHEMA = inline_serializer(
    "QuoteCreated",
    {
        "id": serializers.IntegerField(),
        "inquiry": serializers.IntegerField(),
        "listing": serializers.IntegerField(),
        "unit_price": serializers.DecimalField(max_digits=12, decimal_places=2),
        "quantity": serializers.IntegerField(),
        "message": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
    },
)
_FAVOURITE_FIELDS = {
    "id": serializers.IntegerField(),
    "listing": _LISTING,
    "company": inline_serializer(
        "FavouriteCompany",
        {"member_id": serializers.CharField(), "name": serializers.CharField()},
        allow_null=True,
    ),
    "created_at": serializers.DateTimeField(),
}
FAVOURITE_SCHEMA = inline_serializer("Favourite", _FAVOURITE_FIELDS)
FAVOURITES_PAGE_SCHEMA = _paginated(
    "PaginatedFavourites", inline_serializer("FavouriteItem", _FAVOURITE_FIELDS, many=True)
)
REPORT_SCHEMA = inline_serializer(
    "ReportCreated", {"id": serializers.IntegerField(), "status": serializers.CharField()}
)
MARKED_SCHEMA = inline_serializer("InboxMarked", {"marked": serializers.IntegerField()})


INQUIRY_CREATED_SCHEMA = inline_serializer(
    "InquiryCreated",
    {
        "id": serializers.IntegerField(),
        "message_id": serializers.IntegerField(),
        "listing": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
    },
)


class FavouriteInput(serializers.Serializer):
    listing = serializers.IntegerField(required=False)
    member_id = serializers.CharField(required=False)

    def validate(self, attrs):
        if bool(attrs.get("listing")) == bool(attrs.get("member_id")):
            raise serializers.ValidationError(
                "请指定 listing（信息 id）或 member_id（供应商），二选一。"
            )
        return attrs


def favourite_out(f: Favourite) -> dict:
    return {
        "id": f.pk,
        "listing": listing_out(f.listing),
        "company": company_out(f.company) if f.company_id else None,
        "created_at": serializers.DateTimeField().to_representation(f.created_at),
    }


class ReportInput(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[c for c, _ in ListingReport.Reason.choices],
        error_messages={"invalid_choice": "举报原因无效，请从给定的原因中选择。"},
    )
    detail = serializers.CharField(required=False, allow_blank=True, max_length=2000)
