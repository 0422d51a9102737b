from django.urls import path

from . import api as search_api

urlpatterns = [
    path("search/", search_api.SearchApi.as_view(), name="api-search"),
    path("search/health/", search_api.health, name="api-search-health"),
    path("buy-leads/", search_api.BuyLeadListApi.as_view(), name="api-buy-leads"),
    path("buy-leads/<int:pk>/", search_api.BuyLeadDetailApi.as_view(), name="api-buy-lead"),
]
