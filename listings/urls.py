"""Listing pages: the public detail page and the seller's back office (/my/listings/)."""

from django.urls import path

from . import views

app_name = "listings"

urlpatterns = [
    path("listings/<int:pk>/", views.listing_detail, name="detail"),
    path("my/listings/", views.my_listings, name="mine"),
    path("my/listings/new/", views.listing_new, name="new"),
    path("my/listings/<int:pk>/", views.listing_manage, name="manage"),
    path("my/listings/<int:pk>/edit/", views.listing_edit, name="edit"),
    path("my/listings/<int:pk>/submit/", views.listing_submit, name="submit"),
    path("my/listings/<int:pk>/refresh/", views.listing_refresh, name="refresh"),
    path("my/listings/<int:pk>/withdraw/", views.listing_withdraw, name="withdraw"),
    path("my/listings/<int:pk>/images/", views.listing_image_upload, name="image_upload"),
    path(
        "my/listings/<int:pk>/images/<int:image_id>/delete/",
        views.listing_image_delete,
        name="image_delete",
    ),
    path(
        "my/listings/<int:pk>/images/<int:image_id>/move/",
        views.listing_image_move,
        name="image_move",
    ),
]
