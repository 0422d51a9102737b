from django.urls import path

from . import backoffice_views, mailbox_views, views

app_name = "storefront"

urlpatterns = [
    # R-F1: the storefront on the platform's hosts (also at <member-id>.<STOREFRONT_DOMAIN>/).
    path("shop/<str:member_id>/", views.home, name="home"),
    path("shop/<str:member_id>/products/", views.products, name="products"),
    path("shop/<str:member_id>/about/", views.introduction, name="introduction"),
    path("shop/<str:member_id>/credit/", views.credit, name="credit"),
    path("shop/<str:member_id>/contact/", views.contact, name="contact"),
    # 商铺管理 (back office)
    path("my/shop/", backoffice_views.settings_edit, name="manage"),
    path("my/shop/banner/", backoffice_views.banner_upload, name="banner_upload"),
    path("my/shop/banner/remove/", backoffice_views.banner_remove, name="banner_remove"),
    path("my/shop/images/", backoffice_views.image_upload, name="image_upload"),
    path(
        "my/shop/images/<int:image_id>/delete/",
        backoffice_views.image_delete,
        name="image_delete",
    ),
    path("my/shop/featured/", backoffice_views.featured_edit, name="featured"),
    path("my/shop/domain/", backoffice_views.domain_manage, name="domain"),
    path("my/shop/domain/register/", backoffice_views.domain_register, name="domain_register"),
    # R-F3: enterprise mailbox
    path("my/mailbox/", mailbox_views.inbox, name="mailbox"),
    path("my/mailbox/<int:message_id>/", mailbox_views.message_detail, name="mail_detail"),
    path(
        "my/mailbox/<int:message_id>/delete/",
        mailbox_views.message_delete,
        name="mail_delete",
    ),
    path(
        "my/mailbox/<int:message_id>/attachments/<int:attachment_id>/",
        mailbox_views.attachment_download,
        name="mail_attachment",
    ),
    path("my/mailbox/compose/", mailbox_views.compose, name="mail_compose"),
]
