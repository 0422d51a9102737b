"""PostgreSQL away: 503 with Retry-After instead of Django's 500 (issue 17, item 6).

`DatabaseUnavailableMiddleware` is first in MIDDLEWARE and answers a request that met
`OperationalError`/`InterfaceError` (marketplace/availability.py) with 503 and
`Retry-After`: API.md's error JSON under /api/ (DRF views already answer it through
`marketplace.exceptions.api_exception_handler`), templates/503.html for pages.

- Raised in a view: `process_exception`.
- Raised in a middleware (the storefront host lookup, the session saved on the way out):
  Django wraps every middleware in `convert_exception_to_response`, so the exception never
  reaches an outer middleware's `try`/`except`: the next one up turns it into a 500 and
  sends `got_request_exception` from inside its `except` block. A receiver marks the
  request, and this middleware, the outermost, replaces that 500 with the 503.

Rendering the 503 never touches the database: no RequestContext (context processors read
the user, the session, the inbox), a standalone template, a fixed page if even that fails.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import get_language, gettext

from .availability import (
    RETRY_AFTER_SECONDS,
    DropTracebacks,
    is_database_unavailable,
    warn_database_unavailable,
)
from .exceptions import ServiceUnavailable

_MARK = "_database_unavailable"


def _fallback_page() -> str:
    title = escape(gettext("服务暂时不可用（503）"))
    return (
        f'<!DOCTYPE html><html lang="{escape(get_language() or "zh-hans")}"><head>'
        f'<meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
        f"<p>{escape(ServiceUnavailable.default_detail)}</p></body></html>"
    )


def unavailable_response(request) -> HttpResponse:
    """The 503 for this request: error JSON under /api/, the 503 page elsewhere."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            ServiceUnavailable().as_dict(), status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        try:
            page = render_to_string(
                "503.html",
                {"detail": ServiceUnavailable.default_detail, "retry_after": RETRY_AFTER_SECONDS},
            )
        except Exception:  # e.g. a missing static manifest: the page must still be served
            logging.getLogger(__name__).exception("503.html could not be rendered")
            page = _fallback_page()
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _mark_request(sender, request=None, **kwargs) -> None:
    """got_request_exception, sent from inside the `except` that caught the exception."""
    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_mark_request, dispatch_uid="marketplace.database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # A middleware's exception is logged by Django with its traceback ("Internal Server
        # Error") before it is replaced here: one traceback per request during an outage.
        # The cause is logged once a minute instead (warn_database_unavailable).
        request_logger = logging.getLogger("django.request")
        if not any(isinstance(f, DropTracebacks) for f in request_logger.filters):
            request_logger.addFilter(DropTracebacks())

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and response.status_code >= 500:
            warn_database_unavailable("middleware", exc)
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        warn_database_unavailable("view", exception)
        return unavailable_response(request)
