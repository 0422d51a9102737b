"""The API's throttles (issue 17): keyed by `client_ip`, rates from the settings, and open
when the cache is away.

Every throttle of the project derives from these classes (REST_FRAMEWORK's
DEFAULT_THROTTLE_CLASSES and every view's `throttle_classes`):

- the client is `marketplace.clients.client_ip` (X-Forwarded-For only from trusted proxies);
- a scope's rate is read from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` when the request
  comes (DRF copies it once at import), so every rate is a setting and tests may change it;
- a cache error lets the request through with a warning: losing rate limiting for the time
  Redis is away is better than answering 500 to the whole API.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from .cache import CACHE_ERRORS
from .clients import client_ip

logger = logging.getLogger(__name__)


class ThrottleMixin:
    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_rate(self):
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            msg = f"No throttle rate set for the {self.scope!r} scope (DEFAULT_THROTTLE_RATES)."
            raise ImproperlyConfigured(msg)
        return rates[self.scope]

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning(
                "Throttle %s let a request through: cache unavailable (%s)", self.scope, exc
            )
            return True


class AnonRateThrottle(ThrottleMixin, throttling.AnonRateThrottle):
    """Requests per client address, for callers not signed in (scope "anon")."""


class UserRateThrottle(ThrottleMixin, throttling.UserRateThrottle):
    """Requests per member, or per address when not signed in (scope "user")."""
