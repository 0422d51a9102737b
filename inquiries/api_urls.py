"""API routes of inquiries, the inbox, quotations, favourites and reports (API.md)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "listings/<int:pk>/inquiries/",
        api.ListingInquiryCreateApi.as_view(),
        name="api-listing-inquiries",
    ),
    path(
        "listings/<int:pk>/reports/",
        api.ListingReportCreateApi.as_view(),
        name="api-listing-reports",
    ),
    path("inbox/", api.InboxListApi.as_view(), name="api-inbox"),
    path("inbox/<int:pk>/", api.InboxDetailApi.as_view(), name="api-inbox-detail"),
    path("inbox/<int:pk>/reply/", api.InboxReplyApi.as_view(), name="api-inbox-reply"),
    path("inbox/<int:pk>/read/", api.InboxReadApi.as_view(), name="api-inbox-read"),
    path("buy-leads/<int:pk>/quotes/", api.BuyLeadQuoteCreateApi.as_view(), name="api-quotes"),
    path("favourites/", api.FavouriteListApi.as_view(), name="api-favourites"),
    path("favourites/<int:pk>/", api.FavouriteDeleteApi.as_view(), name="api-favourite"),
]
