"""factory_boy factories shared by the suite. Apps may add their own in tests/<app>/factories.py."""

from datetime import timedelta

import factory
from django.utils import timezone

from listings.models import Category, Listing
from members.models import Company, TrustPassPeriod, User


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    member_id = factory.Sequence(lambda n: f"co{n:04d}")
    name = factory.Sequence(lambda n: f"杭州第{n}钢管有限公司")
    contact_name = "王经理"
    phone = "0571-88886666"
    email = factory.LazyAttribute(lambda o: f"{o.member_id}@example.com")
    province = "浙江"
    city = "杭州"
    industry = "冶金矿产"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    company = factory.SubFactory(CompanyFactory)
    password = factory.PostGenerationMethodCall("set_password", "Secret-pass-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TrustPassPeriodFactory(factory.django.DjangoModelFactory):
    """A period that contains today, unless told otherwise."""

    class Meta:
        model = TrustPassPeriod

    company = factory.SubFactory(CompanyFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))
    source = TrustPassPeriod.Source.STAFF


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"类目{n}")
    slug = factory.Sequence(lambda n: f"cat-{n}")
    parent = None


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    company = factory.SubFactory(CompanyFactory)
    kind = Listing.Kind.SUPPLY
    status = Listing.Status.LIVE
    title = "供应优质不锈钢无缝钢管"
    keyword = "无缝钢管"
    category = factory.SubFactory(CategoryFactory)
    description = (
        "本公司长期供应各种规格的不锈钢无缝钢管，质量可靠，价格优惠，欢迎新老客户来电洽谈合作。"
    )
    brand = "宝钢"
    model = "304"
    spec = "Φ57×3.5"
    unit = "吨"
    min_order = 1
    price = "12800.00"
    province = "浙江"
    city = "杭州"
    published_at = factory.LazyFunction(timezone.now)
    first_published_at = factory.LazyAttribute(lambda o: o.published_at)
