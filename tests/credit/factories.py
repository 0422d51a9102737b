"""Factories of the credit tests. Orders are made directly (the trade services are another
area); everything else in credit goes through credit.services in the tests themselves."""

import io
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from credit.models import Certificate, Review
from members.models import TrustPassPeriod
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from trade.models import Order


class OrderFactory(factory.django.DjangoModelFactory):
    """An escrow trade between two companies; `status` sets the matching timestamps."""

    class Meta:
        model = Order

    seller = factory.SubFactory(CompanyFactory)
    buyer = factory.SubFactory(CompanyFactory)
    listing = factory.SubFactory(
        ListingFactory,
        company=factory.SelfAttribute("..seller"),
        fixed_price=True,
        supports_escrow=True,
    )
    quantity = 2
    unit_price = Decimal("12800.00")
    total = Decimal("25600.00")
    status = Order.Status.COMPLETED

    @factory.lazy_attribute
    def paid_at(self):
        return None if self.status == Order.Status.CREATED else timezone.now()

    @factory.lazy_attribute
    def completed_at(self):
        return timezone.now() if self.status == Order.Status.COMPLETED else None

    @factory.lazy_attribute
    def refunded_at(self):
        return timezone.now() if self.status == Order.Status.REFUNDED else None


def trustpass_company(**kwargs):
    company = CompanyFactory(**kwargs)
    TrustPassPeriodFactory(company=company)
    return company


def trustpass_user(**kwargs):
    user = UserFactory(**kwargs)
    TrustPassPeriodFactory(company=user.company)
    return user


def trade_between_members(status=Order.Status.COMPLETED):
    """A trade between two TrustPass companies, each with a user: (order, buyer, seller)."""
    buyer = trustpass_user()
    seller = trustpass_user()
    order = OrderFactory(buyer=buyer.company, seller=seller.company, status=status)
    return order, buyer, seller


def period(company, starts_on: date, days: int) -> TrustPassPeriod:
    return TrustPassPeriod.objects.create(
        company=company, starts_on=starts_on, ends_on=starts_on + timedelta(days=days)
    )


def image_bytes(size=(400, 300), fmt="PNG", color=(200, 80, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def image_upload(name="cert.png", **kwargs) -> SimpleUploadedFile:
    content_type = "image/jpeg" if name.endswith(".jpg") else "image/png"
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=content_type)


def noisy_upload_over(limit: int, name="big.bmp") -> SimpleUploadedFile:
    """An uncompressed BMP just over `limit` bytes: a real image that is too large."""
    side = 600
    while True:
        buf = io.BytesIO()
        Image.effect_noise((side, side), 64).convert("RGB").save(buf, "BMP")
        if buf.tell() > limit:
            return SimpleUploadedFile(name, buf.getvalue(), content_type="image/bmp")
        side += 100


class CertificateFactory(factory.django.DjangoModelFactory):
    """A stored certificate row (status given directly; tests of decisions use services)."""

    class Meta:
        model = Certificate

    company = factory.SubFactory(CompanyFactory)
    kind = Certificate.Kind.OTHER
    title = factory.Sequence(lambda n: f"荣誉证书{n}")
    status = Certificate.Status.PENDING
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(fmt="JPEG"), name="cert.jpg"))


class ReviewFactory(factory.django.DjangoModelFactory):
    """A stored review row for read tests (the rules are tested through review_record)."""

    class Meta:
        model = Review

    order = factory.SubFactory(OrderFactory)
    reviewer = factory.SelfAttribute("order.buyer")
    reviewee = factory.SelfAttribute("order.seller")
    rating = "positive"
    comment = "发货及时，质量很好。"
