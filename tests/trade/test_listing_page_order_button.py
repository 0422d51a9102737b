"""The listing page offers the escrow order (R-T1) only where it can be placed, and links the
seller's score to the credit archive (R-C6)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ListingFactory, UserFactory
from tests.trade.factories import EscrowListingFactory

pytestmark = pytest.mark.django_db


def page_for(user, listing) -> str:
    client = Client()
    if user:
        client.force_login(user)
    return client.get(reverse("listings:detail", args=[listing.pk])).content.decode()


def test_buyer_sees_the_order_button_on_a_fixed_price_escrow_listing():
    listing = EscrowListingFactory()
    body = page_for(UserFactory(), listing)
    assert reverse("trade:order_new", args=[listing.pk]) in body
    assert "立即订购" in body


def test_no_order_button_without_escrow_or_for_the_seller():
    plain = ListingFactory(fixed_price=False, supports_escrow=False)
    assert "立即订购" not in page_for(UserFactory(), plain)
    escrow = EscrowListingFactory()
    owner = UserFactory(company=escrow.company)
    assert "立即订购" not in page_for(owner, escrow)


def test_listing_page_links_the_score_to_the_archive():
    listing = ListingFactory()
    body = page_for(None, listing)
    assert reverse("credit:archive", args=[listing.company.member_id]) in body
