"""Page routes of inquiries, quotations, the inbox, favourites, reports and statistics."""

from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("listings/<int:pk>/inquire/", views.listing_inquire, name="listing_inquire"),
    path("listings/<int:pk>/report/", views.listing_report, name="listing_report"),
    path("buy-leads/<int:pk>/quote/", views.buy_lead_quote, name="buy_lead_quote"),
    path("my/inbox/", views.inbox, name="inbox"),
    path("my/inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("my/inbox/<int:pk>/", views.inbox_thread, name="inbox_thread"),
    path("my/inbox/<int:pk>/reply/", views.inbox_reply, name="inbox_reply"),
    path("my/favourites/", views.favourites, name="favourites"),
    path("my/favourites/add/", views.favourite_add, name="favourite_add"),
    path("my/favourites/<int:pk>/remove/", views.favourite_remove, name="favourite_remove"),
    path("my/stats/", views.my_stats, name="stats"),
]
