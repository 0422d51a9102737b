"""Public pages of the online identity certificate (专属网上身份证明, R-M3.3 / R-C2): the
certificate at its stable address `/certificates/<code>/` (printable: A4, no navigation)
and the check form `/certificates/check/?code=` where anyone enters a code."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .certificate_selectors import certificate_find
from .notices import absolute_url
from .rules import certificate_code_normalise

CODE_MAX_LENGTH = 40  # what the check form accepts as typed (spaces and hyphens included)


@require_safe
@never_cache  # valid today, maybe not tomorrow
def certificate_detail(request, code: str):
    certificate = certificate_find(code)
    if certificate is None:
        raise Http404(_("未找到该身份证明"))
    if code != certificate.code:  # typed in lower case or with hyphens: the one address
        return redirect("members:certificate", code=certificate.code, permanent=True)
    return render(
        request,
        "members/certificate/detail.html",
        {
            "certificate": certificate,
            # On paper the addresses must work: the site's own (MAIN_SITE_URL), in full.
            "certificate_url": absolute_url(
                reverse("members:certificate", args=[certificate.code])
            ),
            "check_url": absolute_url(reverse("members:certificate_check")),
        },
    )


@require_safe
@never_cache
def certificate_check(request):
    raw = (request.GET.get("code") or "").strip()[:CODE_MAX_LENGTH]
    asked = bool(raw)
    certificate = certificate_find(raw) if asked else None
    return render(
        request,
        "members/certificate/check.html",
        {
            "code": certificate_code_normalise(raw) if asked else "",
            "asked": asked,
            "certificate": certificate,
        },
        status=200 if certificate or not asked else 404,
    )
