"""Helpers for the inquiry tests: members with companies, live listings, threads."""

from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.members.notice_factories import ConfirmedUserFactory


def seller_and_listing(**listing_kwargs):
    """A seller whose address is confirmed (so notice e-mails reach it) and its listing."""
    seller = ConfirmedUserFactory()
    listing = ListingFactory(company=seller.company, **listing_kwargs)
    return seller, listing


def trustpass_user():
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


def buy_lead(**kwargs):
    owner = ConfirmedUserFactory()
    lead = ListingFactory(
        company=owner.company,
        kind="demand",
        title="求购304不锈钢无缝钢管",
        contact_name="李采购",
        contact_phone="13800000000",
        contact_email="buyer@example.com",
        **kwargs,
    )
    return owner, lead


def page_client(user):
    """A Django test client signed in as `user` (session, like a browser)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
