from django.urls import path

from . import api

urlpatterns = [
    path("orders/", api.OrderListCreateApi.as_view(), name="api-orders"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="api-order"),
    path("orders/<int:pk>/pay/", api.OrderPayApi.as_view(), name="api-order-pay"),
    path("orders/<int:pk>/ship/", api.OrderShipApi.as_view(), name="api-order-ship"),
    path("orders/<int:pk>/confirm/", api.OrderConfirmApi.as_view(), name="api-order-confirm"),
    path("orders/<int:pk>/refund/", api.OrderRefundApi.as_view(), name="api-order-refund"),
    path("orders/<int:pk>/cancel/", api.OrderCancelApi.as_view(), name="api-order-cancel"),
    path("orders/<int:pk>/dispute/", api.OrderDisputeApi.as_view(), name="api-order-dispute"),
    # R-M2: TrustPass purchases
    path(
        "memberships/orders/",
        api.MembershipOrderListCreateApi.as_view(),
        name="api-membership-orders",
    ),
    path(
        "memberships/orders/<int:pk>/pay/",
        api.MembershipOrderPayApi.as_view(),
        name="api-membership-order-pay",
    ),
]
