"""Who is asking: the one answer to "what is this client's address" (issue 17).

DRF's throttles, django-axes (`AXES_CLIENT_IP_CALLABLE`) and the listing view count all ask
`client_ip(request)`. X-Forwarded-For is believed only as far as our own proxies wrote it:
with `TRUSTED_PROXY_COUNT` = N, each of our N proxies appended the address it received the
request from, so the rightmost N entries are theirs and the N-th from the right is the
client; anything to its left was written by the client and is ignored. With N = 0 (the
default: no proxy in front) the header is not read at all and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address (a valid IPv4/IPv6 string), never one the client made up."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [part for part in forwarded.split(",") if part.strip()]
    if not hops:
        return remote
    # Fewer hops than proxies (a request that bypassed one): the leftmost one we have.
    return _address(hops[-min(trusted, len(hops))]) or remote
