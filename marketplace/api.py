"""The API router: /api/v1/ gathers every app's `api_urls` plus the schema and its docs page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from docs/?script= instead of inline,
    # so the docs page works under the site's CSP (script-src 'self', no 'unsafe-inline').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("members.api_urls")),
    path("", include("listings.api_urls")),
    path("", include("search.api_urls")),
    path("", include("inquiries.api_urls")),
    path("", include("credit.api_urls")),
    path("", include("trade.api_urls")),
    path("", include("storefront.api_urls")),
]
