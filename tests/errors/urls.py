"""The site's URLs plus one view raising each error the error pages answer (issue 15)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from marketplace.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("a malformed request")


def forbidden(request):
    raise PermissionDenied("not yours")


def not_found(request):
    raise Http404("未找到该信息，它可能已下架或过期。")


def server_error(request):
    raise RuntimeError("something broke")


urlpatterns = [
    path("boom/400/", bad_request),
    path("boom/403/", forbidden),
    path("boom/404/", not_found),
    path("boom/500/", server_error),
    *site_urlpatterns,
]
