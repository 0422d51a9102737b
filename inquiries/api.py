"""JSON API of inquiries and quotations (API.md: Inquiries; Search and buy leads: quotes).

Thin views over `inquiries.services` / `inquiries.selectors`, with the serializers of
`inquiries.serializers`; errors are rendered by the project's
exception handler (`{code, detail, rule, fields}`; 429 carries `Retry-After`).
"""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.openapi import QueryChoice, QueryFlag, errors
from marketplace.pagination import PageNumberPagination
from members import privileges
from members.selectors import company_get_public

from . import selectors, services
from .exceptions import ListingNotInquirable, TrustPassRequired
from .serializers import (
    FavouriteInput,
    FavouriteSerializer,
    InboxMarkedSerializer,
    InboxReplyCreatedSerializer,
    InboxThreadDetailSerializer,
    InboxThreadSerializer,
    InquiryCreatedSerializer,
    InquiryInput,
    QuoteCreatedSerializer,
    QuoteInput,
    ReplyInput,
    ReportCreatedSerializer,
    ReportInput,
)

# --- views -------------------------------------------------------------------------------


class ListingInquiryCreateApi(APIView):
    """POST /api/v1/listings/{id}/inquiries/ — R-I1, rate-limited per sender (429)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=InquiryInput, responses={201: InquiryCreatedSerializer}, tags=["inquiries"]
    )
    def post(self, request, pk: int):
        data = InquiryInput(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.inquiry_send(
            sender=request.user,
            message=data.validated_data["message"],
            quantity=data.validated_data.get("quantity"),
            listing=pk,
        )
        return Response(InquiryCreatedSerializer(thread).data, status=status.HTTP_201_CREATED)


class InboxListApi(APIView):
    """GET /api/v1/inbox/ — the caller's received inquiries and quotes (`?box=sent` for the
    ones it sent, `?box=all` for both; `?unread=1` for unread only)."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination
    box_filter = QueryChoice("box", ["received", "sent", "all"], default="received")
    unread_filter = QueryFlag("unread", description="只看未读")

    @extend_schema(
        operation_id="inbox_list",
        parameters=[box_filter.parameter, unread_filter.parameter],
        responses=InboxThreadSerializer(many=True),
        tags=["inquiries"],
    )
    def get(self, request):
        company = request.user.company
        box = self.box_filter.read(request)
        unread_only = self.unread_filter.read(request)
        qs = [] if company is None else selectors.inbox_threads_annotated(company, box, unread_only)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        body = InboxThreadSerializer(page, many=True, context={"company": company}).data
        return paginator.get_paginated_response(body)


class InboxDetailApi(APIView):
    """GET /api/v1/inbox/{id}/ — one thread with its messages; marks them read."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: InboxThreadDetailSerializer}, tags=["inquiries"])
    def get(self, request, pk: int):
        company = request.user.company
        thread = selectors.inquiry_get_for_company(company=company, inquiry_id=pk)
        services.inquiry_mark_read(user=request.user, inquiry_id=thread.pk)
        item = selectors.inbox_threads_annotated(company, "all", False).get(pk=thread.pk)
        context = {"company": company, "messages": thread.messages.all()}
        return Response(InboxThreadDetailSerializer(item, context=context).data)


class InboxReplyApi(APIView):
    """POST /api/v1/inbox/{id}/reply/ — either party answers; a third member gets 404."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=ReplyInput, responses={201: InboxReplyCreatedSerializer}, tags=["inquiries"]
    )
    def post(self, request, pk: int):
        company = request.user.company
        selectors.inquiry_get_for_company(company=company, inquiry_id=pk)  # 404 first
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        msg = services.inquiry_reply(
            sender=request.user, inquiry_id=pk, message=data.validated_data["message"]
        )
        return Response(InboxReplyCreatedSerializer(msg).data, status=status.HTTP_201_CREATED)


class InboxReadApi(APIView):
    """POST /api/v1/inbox/{id}/read/ — mark the thread read for the caller's company."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: InboxMarkedSerializer}, tags=["inquiries"])
    def post(self, request, pk: int):
        marked = services.inquiry_mark_read(user=request.user, inquiry_id=pk)
        return Response(InboxMarkedSerializer({"marked": marked}).data)


class BuyLeadQuoteCreateApi(APIView):
    """POST /api/v1/buy-leads/{id}/quotes/ — R-M3.1: TrustPass only (403 trustpass_required)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=QuoteInput, responses={201: QuoteCreatedSerializer}, tags=["buy-leads"])
    def post(self, request, pk: int):
        lead = services.buy_lead_for_quote(listing_id=pk)  # 404 when no such live lead
        if not privileges.can_quote(request.user.company):
            raise TrustPassRequired(services.QUOTE_TRUSTPASS_DETAIL, rule="R-M3.1")
        data = QuoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_send(sender=request.user, listing=lead, **data.validated_data)
        return Response(QuoteCreatedSerializer(quote).data, status=status.HTTP_201_CREATED)


# --- favourites and reports --------------------------------------------------------------


class FavouriteListApi(APIView):
    """GET/POST /api/v1/favourites/ — the caller's favourite listings and suppliers."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination
    kind_filter = QueryChoice("kind", ["listings", "suppliers"], default="listings")

    @extend_schema(
        operation_id="favourites_list",
        parameters=[kind_filter.parameter],
        responses=FavouriteSerializer(many=True),
        tags=["favourites"],
    )
    def get(self, request):
        kind = self.kind_filter.read(request)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.favourites_of(user=request.user, kind=kind), request, view=self
        )
        return paginator.get_paginated_response(FavouriteSerializer(page, many=True).data)

    @extend_schema(
        request=FavouriteInput,
        responses={201: FavouriteSerializer, **errors(404)},
        tags=["favourites"],
    )
    def post(self, request):
        data = FavouriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("listing"):
            fav = services.favourite_add(user=request.user, listing=data.validated_data["listing"])
        else:
            company = company_get_public(member_id=data.validated_data["member_id"])
            fav = services.favourite_add(user=request.user, company=company)
        return Response(FavouriteSerializer(fav).data, status=status.HTTP_201_CREATED)


class FavouriteDeleteApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None}, tags=["favourites"])
    def delete(self, request, pk: int):
        services.favourite_remove(user=request.user, favourite_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListingReportCreateApi(APIView):
    """POST /api/v1/listings/{id}/reports/ — report a live listing to staff."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=ReportInput,
        responses={201: ReportCreatedSerializer, **errors(409)},
        tags=["inquiries"],
    )
    def post(self, request, pk: int):
        if not selectors.listing_is_live(listing_id=pk):
            raise ListingNotInquirable(gettext("该信息不存在或已下架，无需举报。"))
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(reporter=request.user, listing=pk, **data.validated_data)
        return Response(ReportCreatedSerializer(report).data, status=status.HTTP_201_CREATED)
