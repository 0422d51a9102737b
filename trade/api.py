"""API of escrow trades (API.md, Trades and reviews) and of TrustPass purchases
(`/memberships/orders/`, R-M2). Thin: services do the work.

Reviews (`/orders/{id}/reviews/`) belong to credit/api_urls.py.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.exceptions import NotFound
from marketplace.openapi import QueryChoice, errors
from marketplace.pagination import PageNumberPagination
from members.selectors import user_company

from . import disputes, order_timers, selectors, services, trustpass_services
from . import state_machine as sm
from .models import MembershipOrder, Order
from .serializers import (
    DisputeInputSerializer,
    MembershipOrderInputSerializer,
    MembershipOrderSerializer,
    OrderCreateInputSerializer,
    OrderPaidSerializer,
    OrderSerializer,
    PaymentSerializer,
    RefundInputSerializer,
    ShipInputSerializer,
)


def _company(request):
    return getattr(request.user, "company", None)


def _out(request, order, code=status.HTTP_200_OK, **extra) -> Response:
    data = OrderSerializer(order, context={"company": _company(request)}).data
    return Response({**data, **extra}, status=code)


class OrderListCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination
    role_filter = QueryChoice("role", [sm.BUYER, sm.SELLER], description="默认买卖两方的都列出")
    status_filter = QueryChoice("status", Order.Status.values)

    @extend_schema(
        parameters=[role_filter.parameter, status_filter.parameter],
        responses=OrderSerializer(many=True),
    )
    def get(self, request):
        # R-T1a / R-T1b: what the clock has ended shows as ended, before the beat ran.
        order_timers.orders_timers_apply_for_company(company=_company(request))
        orders = selectors.order_list_for_company(
            company=_company(request),
            role=self.role_filter.read(request),
            status=self.status_filter.read(request),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        data = OrderSerializer(page, many=True, context={"company": _company(request)}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=OrderCreateInputSerializer, responses={201: OrderSerializer})
    def post(self, request):
        data = OrderCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_create(
            buyer=_company(request),
            listing_id=data.validated_data["listing"],
            quantity=data.validated_data["quantity"],
        )
        return _out(request, order, status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OrderSerializer)
    def get(self, request, pk: int):
        order = selectors.order_get_for_party(order_id=pk, company=_company(request))
        if order_timers.timers_due(order):  # R-T1a / R-T1b before the beat ran
            order_timers.order_timers_apply(order_id=pk)
            order = selectors.order_get_for_party(order_id=pk, company=_company(request))
        return _out(request, order)


class OrderPayApi(APIView):
    """Buyer. With a gateway that settles at once (the test gateway) → 200, status paid;
    otherwise → 202 with `payment.pay_url` for the payer, and the order becomes paid when
    the gateway's signed callback arrives."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: OrderPaidSerializer, 202: OrderPaidSerializer, **errors(409)},
    )
    def post(self, request, pk: int):
        order, payment = services.order_pay(order_id=pk, by=_company(request))
        code = status.HTTP_200_OK if order.status == "paid" else status.HTTP_202_ACCEPTED
        return _out(request, order, code, payment=PaymentSerializer(payment).data)


class OrderShipApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ShipInputSerializer, responses={200: OrderSerializer, **errors(409)})
    def post(self, request, pk: int):
        data = ShipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_ship(
            order_id=pk,
            by=_company(request),
            tracking_no=data.validated_data.get("tracking_no", ""),
        )
        return _out(request, order)


class OrderConfirmApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: OrderSerializer, **errors(409)})
    def post(self, request, pk: int):
        return _out(request, services.order_confirm(order_id=pk, by=_company(request)))


class OrderRefundApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=RefundInputSerializer, responses={200: OrderSerializer, **errors(409, 502)}
    )
    def post(self, request, pk: int):
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_refund(
            order_id=pk, by=_company(request), reason=data.validated_data.get("reason", "")
        )
        return _out(request, order)


class OrderCancelApi(APIView):
    """R-T1a: the buyer cancels an unpaid order → 200 `{status: "cancelled", …}`; from any
    other status 409 `illegal_transition` (an order past its payment deadline has expired)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: OrderSerializer, **errors(409)})
    def post(self, request, pk: int):
        return _out(request, services.order_cancel(order_id=pk, by=_company(request)))


class OrderDisputeApi(APIView):
    """R-T1c: the buyer opens a dispute on a paid or shipped order → 201
    `{status: "disputed", dispute: {…}}`; staff decide it in the admin (refund or release)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=DisputeInputSerializer, responses={201: OrderSerializer, **errors(409)})
    def post(self, request, pk: int):
        data = DisputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = disputes.order_dispute(
            order_id=pk,
            by=_company(request),
            reason=data.validated_data["reason"],
            user=request.user,
        )
        return _out(request, order, status.HTTP_201_CREATED)


# == TrustPass purchases (R-M2) =========================================================


class MembershipOrderListCreateApi(generics.ListAPIView):
    """POST /api/v1/memberships/orders/ `{years}`: buy or renew (R-M2) → 201 with `pay_url`;
    GET: the caller's orders."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MembershipOrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MembershipOrder.objects.none()
        return selectors.company_membership_orders(user_company(self.request.user))

    @extend_schema(
        request=MembershipOrderInputSerializer, responses={201: MembershipOrderSerializer}
    )
    def post(self, request):
        data = MembershipOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order, payment = trustpass_services.trustpass_purchase_start(
            company=user_company(request.user), years=data.validated_data["years"], by=request.user
        )
        body = MembershipOrderSerializer(order, context={"pay_url": payment.pay_url}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MembershipOrderPayApi(APIView):
    """POST /api/v1/memberships/orders/{id}/pay/: pay at once on the test gateway."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: MembershipOrderSerializer, **errors(409)})
    def post(self, request, pk: int):
        company = user_company(request.user)
        order = selectors.company_membership_orders(company).filter(pk=pk).first()
        if order is None:
            raise NotFound()
        order = trustpass_services.trustpass_purchase_pay_directly(order=order)
        return Response(MembershipOrderSerializer(order).data)
