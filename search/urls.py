from django.urls import path

from . import views as search_views

app_name = "search"

urlpatterns = [
    path("search/", search_views.search, name="search"),
    path("categories/<slug:slug>/", search_views.category, name="category"),
    path("buy-leads/", search_views.buy_lead_list, name="buy_leads"),
    path("buy-leads/<int:pk>/", search_views.buy_lead_detail, name="buy_lead_detail"),
]
