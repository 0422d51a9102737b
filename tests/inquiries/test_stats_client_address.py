"""Issue 17, finding 5: listing views (R-L5) tell anonymous visitors apart by the address
`marketplace.clients.client_ip` gives, so X-Forwarded-For counts only from trusted proxies."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings

from inquiries.models import ListingView
from inquiries.stats import listing_view_record
from tests.inquiries.inquiry_factories import seller_and_listing

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
PROXY = "10.0.0.2"


def _view(listing, forwarded: str, remote: str = PROXY) -> bool:
    request = RequestFactory().get(
        f"/listings/{listing.pk}/",
        HTTP_USER_AGENT=CHROME,
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    request.user = AnonymousUser()
    return listing_view_record(listing=listing, request=request)


def test_without_a_trusted_proxy_a_rotating_header_is_one_visitor():
    _, listing = seller_and_listing()
    assert _view(listing, "203.0.113.1", remote="10.5.5.5") is True
    assert _view(listing, "203.0.113.2", remote="10.5.5.5") is False
    assert ListingView.objects.filter(listing=listing).count() == 1


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_two_clients_are_two_visitors():
    _, listing = seller_and_listing()
    assert _view(listing, "198.51.100.1") is True
    assert _view(listing, "198.51.100.2") is True
    # The same client rewriting the part of the header it controls is still one visitor.
    assert _view(listing, "6.6.6.6, 198.51.100.1") is False
    assert ListingView.objects.filter(listing=listing).count() == 2
