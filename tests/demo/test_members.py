"""demo/members.py: agencies and verification applications, idempotent."""

import io

import pytest

from demo import members as demo
from members.models import Company, TrustPassPeriod, VerificationAgency, VerificationApplication
from members.rules import registration_number_problem

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Company.objects.count(),
        TrustPassPeriod.objects.count(),
        VerificationAgency.objects.count(),
        VerificationApplication.objects.count(),
    )


def test_seed_twice_changes_nothing_the_second_time():
    demo.seed(io.StringIO())
    first = _counts()
    out = io.StringIO()
    demo.seed(out)
    assert _counts() == first
    assert first[0] == len(demo.COMPANIES) and first[2] == len(demo.AGENCIES)
    assert "新建申请 0 份" in out.getvalue()


def test_seeded_verifications_are_consistent():
    demo.seed(io.StringIO())
    for company in Company.objects.filter(member_id__in=[c[0] for c in demo.COMPANIES]):
        approved = company.verification_applications.filter(status="approved").exists()
        assert approved == company.verified, company.member_id
    pending = set(
        VerificationApplication.objects.filter(status="pending").values_list(
            "company__member_id", flat=True
        )
    )
    assert pending == set(demo.PENDING_APPLICATIONS)
    rejected = VerificationApplication.objects.get(status="rejected")
    assert rejected.company.member_id == "nnsugar" and rejected.reason
    for number in VerificationApplication.objects.values_list("registration_number", flat=True):
        assert registration_number_problem(number) is None
