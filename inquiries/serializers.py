"""Input and output of the inquiries API (API.md: Inquiries, quotes, favourites, reports),
and the response shapes of its OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import services
from .models import Inquiry, InquiryMessage, ListingReport, Quote

# --- input -------------------------------------------------------------------------------

_MESSAGE_ERRORS = {
    "required": _("请填写留言内容（message）。"),
    "blank": _("留言内容不能为空，请写明规格、数量和交货时间等。"),
    "max_length": _("留言最多 {max_length} 个字，请精简后再发送。"),
}
_QUANTITY_ERRORS = {
    "required": _("请填写数量（quantity，正整数）。"),
    "invalid": _("数量须为正整数。"),
    "min_value": _("数量至少为 1。"),
    "max_value": _("数量不能超过 {max_value}。"),
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
            "required": _("请填写单价（unit_price，元）。"),
            "invalid": _("单价须为数字，最多两位小数，例如 12800.00。"),
            "min_value": _("单价必须大于 0。"),
            "max_decimal_places": _("单价最多两位小数。"),
            "max_digits": _("单价过大。"),
            "max_whole_digits": _("单价过大。"),
        },
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=services.QUANTITY_MAX, error_messages=_QUANTITY_ERRORS
    )
    message = serializers.CharField(
        max_length=services.MESSAGE_MAX_CHARS, error_messages=_MESSAGE_ERRORS
    )


# --- output: these serializers are also the response shapes of the OpenAPI schema -------


class InquiryCompanySerializer(serializers.Serializer):
    member_id = serializers.CharField()
    name = serializers.CharField()


class InquiryListingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()


class InquiryQuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField()


class InboxThreadSerializer(serializers.Serializer):
    """One thread of the inbox (the `id` is what /inbox/{id}/reply/ takes), from
    `selectors.inbox_threads_annotated`; `context["company"]` is the reader's company."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Inquiry.Kind.choices)
    direction = serializers.SerializerMethodField()
    subject = serializers.CharField()
    listing = InquiryListingSerializer(allow_null=True)
    counterpart = serializers.SerializerMethodField()
    message = serializers.CharField(source="first_body")
    quantity = serializers.IntegerField(source="first_quantity", allow_null=True)
    quote = serializers.SerializerMethodField()
    last_message = serializers.CharField(source="last_body")
    message_count = serializers.IntegerField()
    unread = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=["received", "sent"]))
    def get_direction(self, thread) -> str:
        return "received" if thread.seller_id == self.context["company"].pk else "sent"

    @extend_schema_field(InquiryCompanySerializer)
    def get_counterpart(self, thread) -> dict:
        return InquiryCompanySerializer(thread.counterpart(self.context["company"])).data

    @extend_schema_field(InquiryQuoteSerializer(allow_null=True))
    def get_quote(self, thread) -> dict | None:
        """The thread's latest quote (annotated as quote_id, quote_unit_price, …)."""
        if not getattr(thread, "quote_id", None):
            return None
        quote = Quote(pk=thread.quote_id, unit_price=thread.quote_unit_price)
        quote.quantity = thread.quote_quantity
        return InquiryQuoteSerializer(quote).data


class InboxMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=InquiryMessage.Kind.choices)
    # "from" is a keyword: declared in __init__ below.
    mine = serializers.SerializerMethodField()
    message = serializers.CharField(source="body")
    quantity = serializers.IntegerField(allow_null=True)
    quote = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        ordered = {"id": fields.pop("id"), "kind": fields.pop("kind")}
        ordered["from"] = InquiryCompanySerializer(source="sender_company")
        return {**ordered, **fields}

    def get_mine(self, msg) -> bool:
        return msg.sender_company_id == self.context["company"].pk

    @extend_schema_field(InquiryQuoteSerializer(allow_null=True))
    def get_quote(self, msg) -> dict | None:
        quote = getattr(msg, "quote", None) if msg.kind == InquiryMessage.Kind.QUOTE else None
        return InquiryQuoteSerializer(quote).data if quote is not None else None


class InboxThreadDetailSerializer(InboxThreadSerializer):
    """A thread with its messages (`context["messages"]`, oldest first)."""

    messages = serializers.SerializerMethodField()

    @extend_schema_field(InboxMessageSerializer(many=True))
    def get_messages(self, thread) -> list:
        return InboxMessageSerializer(
            self.context["messages"], many=True, context=self.context
        ).data


class InquiryCreatedSerializer(serializers.Serializer):
    """What POST /listings/{id}/inquiries/ answers, from the thread and its new message."""

    id = serializers.IntegerField(source="pk")
    message_id = serializers.IntegerField(source="new_message.pk")
    listing = serializers.IntegerField(source="listing_id", allow_null=True)
    created_at = serializers.DateTimeField(source="new_message.created_at")


class InboxReplyCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    inquiry = serializers.IntegerField(source="inquiry_id")
    message = serializers.CharField(source="body")
    created_at = serializers.DateTimeField()


class QuoteCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    inquiry = serializers.IntegerField(source="message.inquiry_id")
    listing = serializers.IntegerField(source="listing_id")
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField()
    message = serializers.CharField(source="message.body")
    created_at = serializers.DateTimeField()


class FavouriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    listing = InquiryListingSerializer(allow_null=True)
    company = InquiryCompanySerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class ReportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class InboxMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


# --- input of favourites and reports -----------------------------------------------


class FavouriteInput(serializers.Serializer):
    listing = serializers.IntegerField(required=False)
    member_id = serializers.CharField(required=False)

    def validate(self, attrs):
        if bool(attrs.get("listing")) == bool(attrs.get("member_id")):
            raise serializers.ValidationError(
                gettext("请指定 listing（信息 id）或 member_id（供应商），二选一。")
            )
        return attrs


class ReportInput(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[c for c, _ in ListingReport.Reason.choices],
        error_messages={"invalid_choice": _("举报原因无效，请从给定的原因中选择。")},
    )
    detail = serializers.CharField(required=False, allow_blank=True, max_length=2000)
