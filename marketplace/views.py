from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure

from listings import selectors as listing_selectors
from storefront import views as storefront_views


def home(request):
    return render(
        request,
        "home.html",
        {
            "categories": listing_selectors.category_tree(),
            "newest": listing_selectors.newest_live(limit=12),
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico on pages without <link rel="icon"> (the admin, the API
    docs): a permanent redirect to the static file, whose URL carries its hash in
    production (issue 15)."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.ico"))


def csrf_failure(request, reason=""):
    """Django's CSRF failure page, except on shop hosts, whose URLconf lacks the main site's
    pages that the site's error page links to."""
    if getattr(request, "storefront", None) is not None:
        return storefront_views.shop_csrf_failure(request, reason)
    return django_csrf_failure(request, reason)
