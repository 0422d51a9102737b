"""Factories for the members app's verification models (R-C2)."""

import factory

from members.models import VerificationAgency, VerificationApplication
from tests.factories import CompanyFactory

# Real, published unified social credit codes (GB 32100-2015), check character included.
VALID_NUMBERS = [
    "91330100716105852F",  # 阿里巴巴（中国）网络技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


class VerificationAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationAgency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"第{n}认证机构有限公司")
    active = True


class VerificationApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationApplication

    company = factory.SubFactory(CompanyFactory)
    agency = factory.SubFactory(VerificationAgencyFactory)
    registration_number = VALID_NUMBERS[0]
    applicant_name = "王建国"
    status = VerificationApplication.Status.PENDING
