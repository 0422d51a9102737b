"""JSON API of inquiries and quotations (API.md: Inquiries; Search and buy leads: quotes).

Thin views over inquiry_services / inquiry_selectors; errors are rendered by the project's
exception handler (`{code, detail, rule, fields}`; 429 carries `Retry-After`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.pagination import PageNumberPagination
from members import privileges

from . import inquiry_selectors as selectors
from . import inquiry_services as services
from .inquiry_exceptions import ListingNotInquirable, TrustPassRequired
from .inquiry_models import Favourite, InquiryMessage, ListingReport, Quote
from .models import Listing

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


def _company(c) -> dict:
    return {"member_id": c.member_id, "name": c.name}


def _listing(listing) -> dict | None:
    if listing is None:
        return None
    return {"id": listing.pk, "title": listing.title, "kind": listing.kind}


def _quote(q) -> dict | None:
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
            "listing": _listing(thread.listing),
            "counterpart": _company(thread.counterpart(company)),
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


def _message(msg: InquiryMessage, company) -> dict:
    quote = getattr(msg, "quote", None) if msg.kind == InquiryMessage.Kind.QUOTE else None
    return {
        "id": msg.pk,
        "kind": msg.kind,
        "from": _company(msg.sender_company),
        "mine": msg.sender_company_id == company.pk,
        "message": msg.body,
        "quantity": msg.quantity,
        "quote": _quote(quote),
        "created_at": serializers.DateTimeField().to_representation(msg.created_at),
        "read_at": (
            serializers.DateTimeField().to_representation(msg.read_at) if msg.read_at else None
        ),
    }


def _thread_queryset(company, box: str, unread_only: bool):
    first = InquiryMessage.objects.filter(inquiry=OuterRef("pk")).order_by("created_at", "id")
    last_quote = Quote.objects.filter(message__inquiry=OuterRef("pk")).order_by("-created_at")
    return selectors.inbox_threads(company=company, box=box, unread_only=unread_only).annotate(
        first_body=Subquery(first.values("body")[:1]),
        first_quantity=Subquery(first.values("quantity")[:1]),
        quote_id=Subquery(last_quote.values("pk")[:1]),
        quote_unit_price=Subquery(last_quote.values("unit_price")[:1]),
        quote_quantity=Subquery(last_quote.values("quantity")[:1]),
    )


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


# --- views -------------------------------------------------------------------------------

_CREATED = inline_serializer(
    "InquiryCreated",
    {
        "id": serializers.IntegerField(),
        "message_id": serializers.IntegerField(),
        "listing": serializers.IntegerField(),
        "created_at": serializers.DateTimeField(),
    },
)


class ListingInquiryCreateApi(APIView):
    """POST /api/v1/listings/{id}/inquiries/ — R-I1, rate-limited per sender (429)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=InquiryInput, responses={201: _CREATED}, tags=["inquiries"])
    def post(self, request, pk: int):
        data = InquiryInput(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.inquiry_send(
            sender=request.user,
            message=data.validated_data["message"],
            quantity=data.validated_data.get("quantity"),
            listing=pk,
        )
        msg = thread.new_message
        return Response(
            {
                "id": thread.pk,
                "message_id": msg.pk,
                "listing": thread.listing_id,
                "created_at": serializers.DateTimeField().to_representation(msg.created_at),
            },
            status=status.HTTP_201_CREATED,
        )


class InboxListApi(APIView):
    """GET /api/v1/inbox/ — the caller's received inquiries and quotes (`?box=sent` for the
    ones it sent, `?box=all` for both; `?unread=1` for unread only)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="inbox_list",
        parameters=[
            OpenApiParameter(
                "box", str, enum=["received", "sent", "all"], description="默认 received"
            ),
            OpenApiParameter("unread", str, enum=["1"], description="只看未读"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: INBOX_PAGE_SCHEMA},
        tags=["inquiries"],
    )
    def get(self, request):
        company = request.user.company
        box = request.query_params.get("box", "received")
        if box not in ("received", "sent", "all"):
            box = "received"
        unread_only = request.query_params.get("unread") in ("1", "true")
        qs = [] if company is None else _thread_queryset(company, box, unread_only)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        body = ThreadOut(page, many=True, context={"company": company}).data
        return paginator.get_paginated_response(body)


class InboxDetailApi(APIView):
    """GET /api/v1/inbox/{id}/ — one thread with its messages; marks them read."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: THREAD_DETAIL_SCHEMA}, tags=["inquiries"])
    def get(self, request, pk: int):
        company = request.user.company
        thread = selectors.inquiry_get_for_company(company=company, inquiry_id=pk)
        services.inquiry_mark_read(user=request.user, inquiry_id=thread.pk)
        item = _thread_queryset(company, "all", False).get(pk=thread.pk)
        out = ThreadOut(item, context={"company": company}).data
        out["messages"] = [_message(m, company) for m in thread.messages.all()]
        return Response(out)


class InboxReplyApi(APIView):
    """POST /api/v1/inbox/{id}/reply/ — either party answers; a third member gets 404."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReplyInput, responses={201: REPLY_SCHEMA}, tags=["inquiries"])
    def post(self, request, pk: int):
        company = request.user.company
        selectors.inquiry_get_for_company(company=company, inquiry_id=pk)  # 404 first
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        msg = services.inquiry_reply(
            sender=request.user, inquiry_id=pk, message=data.validated_data["message"]
        )
        return Response(
            {
                "id": msg.pk,
                "inquiry": msg.inquiry_id,
                "message": msg.body,
                "created_at": serializers.DateTimeField().to_representation(msg.created_at),
            },
            status=status.HTTP_201_CREATED,
        )


class InboxReadApi(APIView):
    """POST /api/v1/inbox/{id}/read/ — mark the thread read for the caller's company."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: MARKED_SCHEMA}, tags=["inquiries"])
    def post(self, request, pk: int):
        marked = services.inquiry_mark_read(user=request.user, inquiry_id=pk)
        return Response({"marked": marked})


class BuyLeadQuoteCreateApi(APIView):
    """POST /api/v1/buy-leads/{id}/quotes/ — R-M3.1: TrustPass only (403 trustpass_required)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=QuoteInput, responses={201: QUOTE_CREATED_SCHEMA}, tags=["buy-leads"])
    def post(self, request, pk: int):
        lead = services.buy_lead_for_quote(listing_id=pk)  # 404 when no such live lead
        if not privileges.can_quote(request.user.company):
            raise TrustPassRequired(services.QUOTE_TRUSTPASS_DETAIL, rule="R-M3.1")
        data = QuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_send(sender=request.user, listing=lead, **data.validated_data)
        return Response(
            {
                "id": quote.pk,
                "inquiry": quote.message.inquiry_id,
                "listing": lead.pk,
                "unit_price": str(quote.unit_price),
                "quantity": quote.quantity,
                "message": quote.message.body,
                "created_at": serializers.DateTimeField().to_representation(quote.created_at),
            },
            status=status.HTTP_201_CREATED,
        )


# --- favourites and reports --------------------------------------------------------------


class FavouriteInput(serializers.Serializer):
    listing = serializers.IntegerField(required=False)
    member_id = serializers.CharField(required=False)

    def validate(self, attrs):
        if bool(attrs.get("listing")) == bool(attrs.get("member_id")):
            raise serializers.ValidationError(
                "请指定 listing（信息 id）或 member_id（供应商），二选一。"
            )
        return attrs


def _favourite(f: Favourite) -> dict:
    return {
        "id": f.pk,
        "listing": _listing(f.listing),
        "company": _company(f.company) if f.company_id else None,
        "created_at": serializers.DateTimeField().to_representation(f.created_at),
    }


class FavouriteListApi(APIView):
    """GET/POST /api/v1/favourites/ — the caller's favourite listings and suppliers."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="favourites_list", responses={200: FAVOURITES_PAGE_SCHEMA}, tags=["favourites"]
    )
    def get(self, request):
        kind = "suppliers" if request.query_params.get("kind") == "suppliers" else "listings"
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.favourites_of(user=request.user, kind=kind), request, view=self
        )
        return paginator.get_paginated_response([_favourite(f) for f in page])

    @extend_schema(request=FavouriteInput, responses={201: FAVOURITE_SCHEMA}, tags=["favourites"])
    def post(self, request):
        data = FavouriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("listing"):
            fav = services.favourite_add(user=request.user, listing=data.validated_data["listing"])
        else:
            from members.selectors import company_get_public

            company = company_get_public(member_id=data.validated_data["member_id"])
            fav = services.favourite_add(user=request.user, company=company)
        return Response(_favourite(fav), status=status.HTTP_201_CREATED)


class FavouriteDeleteApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None}, tags=["favourites"])
    def delete(self, request, pk: int):
        services.favourite_remove(user=request.user, favourite_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportInput(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[c for c, _ in ListingReport.Reason.choices],
        error_messages={"invalid_choice": "举报原因无效，请从给定的原因中选择。"},
    )
    detail = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ListingReportCreateApi(APIView):
    """POST /api/v1/listings/{id}/reports/ — report a live listing to staff."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReportInput, responses={201: REPORT_SCHEMA}, tags=["inquiries"])
    def post(self, request, pk: int):
        if not Listing.objects.filter(pk=pk, status=Listing.Status.LIVE).exists():
            raise ListingNotInquirable("该信息不存在或已下架，无需举报。")
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(reporter=request.user, listing=pk, **data.validated_data)
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)
