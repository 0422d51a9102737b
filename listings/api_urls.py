"""API routes of listings (API.md, section Listings) and the staff review endpoints."""

from django.urls import path

from . import api

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="api-categories"),
    path("listings/", api.ListingListCreateApi.as_view(), name="api-listings"),
    path("listings/<int:pk>/", api.ListingDetailApi.as_view(), name="api-listing"),
    path("listings/<int:pk>/submit/", api.ListingSubmitApi.as_view(), name="api-listing-submit"),
    path("listings/<int:pk>/refresh/", api.ListingRefreshApi.as_view(), name="api-listing-refresh"),
    path(
        "listings/<int:pk>/withdraw/",
        api.ListingWithdrawApi.as_view(),
        name="api-listing-withdraw",
    ),
    path("listings/<int:pk>/images/", api.ListingImagesApi.as_view(), name="api-listing-images"),
    path(
        "listings/<int:pk>/images/order/",
        api.ListingImageOrderApi.as_view(),
        name="api-listing-images-order",
    ),
    path(
        "listings/<int:pk>/images/<int:image_id>/",
        api.ListingImageDetailApi.as_view(),
        name="api-listing-image",
    ),
    path("staff/review-queue/", api.StaffReviewQueueApi.as_view(), name="api-review-queue"),
    path(
        "staff/listings/<int:pk>/approve/",
        api.StaffListingApproveApi.as_view(),
        name="api-staff-listing-approve",
    ),
    path(
        "staff/listings/<int:pk>/reject/",
        api.StaffListingRejectApi.as_view(),
        name="api-staff-listing-reject",
    ),
    path(
        "staff/listings/<int:pk>/withdraw/",
        api.StaffListingWithdrawApi.as_view(),
        name="api-staff-listing-withdraw",
    ),
    path(
        "staff/prohibited-terms/",
        api.StaffProhibitedTermListApi.as_view(),
        name="api-prohibited-terms",
    ),
    path(
        "staff/prohibited-terms/<int:pk>/",
        api.StaffProhibitedTermDetailApi.as_view(),
        name="api-prohibited-term",
    ),
    path("staff/brand-terms/", api.StaffBrandTermListApi.as_view(), name="api-brand-terms"),
    path(
        "staff/brand-terms/<int:pk>/",
        api.StaffBrandTermDetailApi.as_view(),
        name="api-brand-term",
    ),
]
