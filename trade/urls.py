from django.urls import path

from . import views

app_name = "trade"

urlpatterns = [
    path("my/orders/", views.order_list, name="order_list"),
    path("my/orders/new/<int:listing_id>/", views.order_new, name="order_new"),
    path("my/orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("my/orders/<int:pk>/pay/", views.order_pay, name="order_pay"),
    path("my/orders/<int:pk>/ship/", views.order_ship, name="order_ship"),
    path("my/orders/<int:pk>/confirm/", views.order_confirm, name="order_confirm"),
    path("my/orders/<int:pk>/refund/", views.order_refund, name="order_refund"),
    path("my/orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("my/orders/<int:pk>/dispute/", views.order_dispute, name="order_dispute"),
    path("my/trustpass/", views.trustpass_buy, name="trustpass_buy"),
    path("my/trustpass/orders/<int:pk>/", views.trustpass_purchase, name="trustpass_purchase"),
    path("my/trustpass/orders/<int:pk>/pay/", views.trustpass_resume, name="trustpass_resume"),
    path("pay/test/<str:number>/", views.test_gateway_pay, name="test_gateway_pay"),
    path("pay/notify/<str:gateway>/", views.payment_notify, name="payment_notify"),
]
