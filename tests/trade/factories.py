"""Factories for escrow trades."""

from decimal import Decimal

import factory

from listings.models import Listing
from tests.factories import CompanyFactory, ListingFactory
from trade.models import Order


class EscrowListingFactory(ListingFactory):
    """A live supply listing a buyer can order: fixed price, escrow supported."""

    fixed_price = True
    supports_escrow = True
    price = Decimal("100.00")
    unit = "件"
    min_order = 1
    status = Listing.Status.LIVE


class OrderFactory(factory.django.DjangoModelFactory):
    """A `created` order row (use the services to move it on)."""

    class Meta:
        model = Order

    listing = factory.SubFactory(EscrowListingFactory)
    seller = factory.LazyAttribute(lambda o: o.listing.company)
    buyer = factory.SubFactory(CompanyFactory)
    quantity = 2
    unit_price = factory.LazyAttribute(lambda o: o.listing.price)
    total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)
