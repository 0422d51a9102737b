from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("buy-leads/", views.buy_lead_list, name="buy_leads"),
    path("buy-leads/<int:pk>/", views.buy_lead_detail, name="buy_lead_detail"),
]
