from django.urls import path

from . import api

urlpatterns = [
    path("search/", api.SearchApi.as_view(), name="api-search"),
    path("search/health/", api.health, name="api-search-health"),
    path("suppliers/", api.SupplierSearchApi.as_view(), name="api-suppliers"),
    path("buy-leads/", api.BuyLeadListApi.as_view(), name="api-buy-leads"),
    path("buy-leads/<int:pk>/", api.BuyLeadDetailApi.as_view(), name="api-buy-lead"),
]
