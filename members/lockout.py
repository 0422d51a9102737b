"""The sign-in lockout's answer (django-axes): 429 with Retry-After, like every other 429.

`AXES_LOCKOUT_CALLABLE` points at `lockout_response` (the login page and the admin's
login); the token API raises `LoginLocked` with `lockout_retry_after` (members/api.py).
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_cool_off_iso8601, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout_retry_after(request) -> int | None:
    """The cool-off in whole seconds, or None when a lockout lasts until staff lift it."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    return max(1, int(cool_off.total_seconds()))


def lockout_response(request, original_response=None, credentials=None):
    """axes' lockout page (AXES_LOCKOUT_TEMPLATE), answered 429 with Retry-After."""
    context = {"failure_limit": get_failure_limit(request, credentials)}
    cool_off = get_cool_off(request)
    if cool_off:
        context.update(cooloff_time=get_cool_off_iso8601(cool_off), cooloff_timedelta=cool_off)
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    retry_after = lockout_retry_after(request)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
