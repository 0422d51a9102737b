"""The API router: /api/v1/ gathers every app's `api_urls` plus the schema and its docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions
from rest_framework.views import APIView


class ApiNotFound(APIView):
    """Any other path under /api/v1/ (`/listings/abc/`): API.md's JSON 404, not the site's
    HTML page."""

    schema = None  # not an operation of the schema
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()


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
    # Last. Only paths ending in a slash: `/api/v1/me` still redirects to `/api/v1/me/`.
    re_path(r"^(?:.*/)?$", ApiNotFound.as_view()),
]
