"""R-M3.3 / R-C2: identity verification is a TrustPass privilege. Only a company that is
TrustPass on the day it applies may apply: the API answers others 403 `trustpass_required`,
the page shows them the R-M3 comparison and a call to upgrade instead of the form."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members import verification_services
from members.models import Company, VerificationApplication
from tests.conftest import auth_client
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/verifications/"


@pytest.fixture
def agency():
    return VerificationAgencyFactory(name="中诚信征信有限公司")


def _body(agency, number=VALID_NUMBERS[0]):
    return {"agency": agency.pk, "registration_number": number, "applicant_name": "王建国"}


def _period(company, *, starts_days: int, ends_days: int):
    today = timezone.localdate()
    return TrustPassPeriodFactory(
        company=company,
        starts_on=today + timedelta(days=starts_days),
        ends_on=today + timedelta(days=ends_days),
    )


# --- API -------------------------------------------------------------------------------------


def test_api_non_trustpass_caller_is_403_trustpass_required(member, agency):
    response = auth_client(member).post(URL, _body(agency), format="json")
    assert response.status_code == 403
    data = response.json()
    assert data["code"] == "trustpass_required" and data["rule"] == "R-M3.3"
    assert "诚信通" in data["detail"]
    assert not VerificationApplication.objects.exists()


def test_api_trustpass_caller_is_201_pending(trustpass_member, agency):
    response = auth_client(trustpass_member).post(URL, _body(agency), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"


def test_api_403_comes_before_the_registration_number_check(member, agency):
    """A privilege is asked first: a non-member learns nothing from a bad number."""
    bad = _body(agency, number="123")
    response = auth_client(member).post(URL, bad, format="json")
    assert response.status_code == 403 and response.json()["code"] == "trustpass_required"


def test_api_on_the_last_day_of_membership_may_apply_and_on_the_end_day_not(agency):
    """R-M2: [starts_on, ends_on): the last day is TrustPass, ends_on is not."""
    last_day = UserFactory()
    _period(last_day.company, starts_days=-364, ends_days=1)
    assert auth_client(last_day).post(URL, _body(agency), format="json").status_code == 201
    lapsed = UserFactory()
    _period(lapsed.company, starts_days=-365, ends_days=0)
    response = auth_client(lapsed).post(URL, _body(agency, VALID_NUMBERS[1]), format="json")
    assert response.status_code == 403 and response.json()["code"] == "trustpass_required"


def test_api_a_period_that_starts_tomorrow_is_not_enough(member, agency):
    _period(member.company, starts_days=1, ends_days=366)
    response = auth_client(member).post(URL, _body(agency), format="json")
    assert response.status_code == 403


def test_api_anonymous_is_still_401(api_client, agency):
    assert api_client.post(URL, _body(agency), format="json").status_code == 401


# --- the service (pages, admin, demo and API all go through it) ------------------------------


def test_service_refuses_a_company_that_is_not_trustpass(agency):
    with pytest.raises(Exception) as exc:
        verification_services.verification_apply(
            company=CompanyFactory(),
            agency=agency,
            registration_number=VALID_NUMBERS[0],
            applicant_name="王",
        )
    assert exc.value.code == "trustpass_required" and exc.value.status_code == 403
    assert exc.value.rule == "R-M3.3"


def test_a_pending_application_is_still_decided_after_membership_lapses(agency):
    """The rule is about the day of applying; staff may still decide later."""
    company = CompanyFactory()
    period = TrustPassPeriodFactory(company=company)
    app = verification_services.verification_apply(
        company=company, agency=agency, registration_number=VALID_NUMBERS[0], applicant_name="王"
    )
    period.delete()
    verification_services.verification_approve(application=app)
    assert Company.objects.get(pk=company.pk).verified


# --- the page ----------------------------------------------------------------------------------


def _text(response) -> str:
    return response.content.decode()


def test_page_shows_ordinary_members_the_comparison_and_no_form(client, member, agency):
    client.force_login(member)
    html = _text(client.get(reverse("members:verification")))
    assert '<form method="post" novalidate>' not in html
    assert 'name="registration_number"' not in html
    assert "身份认证是诚信通会员的特权" in html
    assert "诚信通会员和普通会员区别" in html and 'class="data compare"' in html
    assert reverse("trade:trustpass_buy") in html
    # the comparison's rows are R-M3's (the same partial as /trustpass/compare/)
    assert html.count('<tr><th scope="row">') == 7


def test_page_post_by_an_ordinary_member_applies_nothing(client, member, agency):
    client.force_login(member)
    form = {
        "agency": agency.pk,
        "registration_number": VALID_NUMBERS[0],
        "applicant_name": "张伟",
        "authorised": "on",
    }
    response = client.post(reverse("members:verification"), form)
    assert response.status_code == 200
    assert "请先开通诚信通再申请" in _text(response)
    assert not VerificationApplication.objects.exists()


def test_page_shows_trustpass_members_the_form(client, trustpass_member, agency):
    client.force_login(trustpass_member)
    html = _text(client.get(reverse("members:verification")))
    assert 'name="registration_number"' in html and "提交认证申请" in html
    assert "身份认证是诚信通会员的特权" not in html


def test_page_of_a_rejected_member_that_lapsed_shows_the_reason_and_the_upgrade(client, agency):
    user = UserFactory()
    period = TrustPassPeriodFactory(company=user.company)
    app = verification_services.verification_apply(
        company=user.company,
        agency=agency,
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )
    verification_services.verification_reject(application=app, reason="营业执照已过期")
    period.delete()
    client.force_login(user)
    html = _text(client.get(reverse("members:verification")))
    assert "营业执照已过期" in html and "身份认证是诚信通会员的特权" in html
    assert 'name="registration_number"' not in html


def test_the_compare_page_still_has_its_table(client):
    html = _text(client.get("/trustpass/compare/"))
    assert html.count('<tr><th scope="row">') == 7 and "了解并开通诚信通" in html


# --- demo data ---------------------------------------------------------------------------------


def test_demo_companies_that_apply_or_are_verified_are_trustpass():
    from demo import members as demo
    from members.privileges import is_trustpass

    demo.seed(io.StringIO())
    applied = Company.objects.filter(verification_applications__isnull=False).distinct()
    assert applied.count() >= 10
    for company in applied:
        assert is_trustpass(company), company.member_id
    for app in VerificationApplication.objects.filter(status="approved"):
        assert app.certificate_code, app.company.member_id
