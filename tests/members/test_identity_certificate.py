"""The online identity certificate (专属网上身份证明, R-M3.3 / R-C2): its code is set on
approval and unique; it is valid while the verification stands and the company is TrustPass
(R-M2 [starts_on, ends_on): the last day valid, the end day invalid); revocation ends it; the
public page, the check form and GET /api/v1/identity-certificates/{code}/; the decision
notices (notice service, `verification_decided`)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members import certificate_selectors, verification_services
from members.models import CompanyChangeRequest, Notice, VerificationApplication
from members.rules import (
    CERTIFICATE_CODE_ALPHABET,
    CERTIFICATE_CODE_LENGTH,
    certificate_code_normalise,
    registration_number_masked,
)
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = pytest.mark.django_db

AGENCY = "华夏邓白氏（中国）商业信息咨询有限公司"
# API.md: GET /api/v1/identity-certificates/{code}/
API_KEYS = {"code", "member_id", "company_name", "valid", "valid_from", "valid_until", "agency"}


def _verified(*, starts_days=-30, ends_days=335, number=VALID_NUMBERS[0], company=None):
    """A TrustPass company whose verification was approved today."""
    today = timezone.localdate()
    company = company or CompanyFactory(name="杭州华钢管业有限公司")
    TrustPassPeriodFactory(
        company=company,
        starts_on=today + timedelta(days=starts_days),
        ends_on=today + timedelta(days=ends_days),
    )
    app = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(name=AGENCY),
        registration_number=number,
        applicant_name="王建国",
    )
    return verification_services.verification_approve(application=app)


# --- masking (a pure rule) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("91330100716105852F", "9133**********852F"),
        ("9144030071526726XG", "9144**********26XG"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_registration_number_masked_keeps_first_and_last_four(value, masked):
    assert registration_number_masked(value) == masked
    assert len(registration_number_masked(value)) == len(value)


def test_code_normalise_accepts_what_people_type():
    assert certificate_code_normalise(" abcd-2345 efgh ") == "ABCD2345EFGH"


# --- the code ----------------------------------------------------------------------------------


def test_approval_sets_a_code_of_the_alphabet():
    app = _verified()
    app.refresh_from_db()
    code = app.certificate_code
    assert len(code) == CERTIFICATE_CODE_LENGTH and set(code) <= set(CERTIFICATE_CODE_ALPHABET)


def test_pending_and_rejected_applications_have_no_code():
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)
    app = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(),
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )
    assert app.certificate_code is None
    verification_services.verification_reject(application=app, reason="代码与执照不一致")
    app.refresh_from_db()
    assert app.certificate_code is None


def test_codes_are_unique_and_a_collision_is_drawn_again(monkeypatch):
    first = _verified()
    taken = first.certificate_code
    draws = iter([taken, taken, "ZZZZ2222ZZZZ"])
    monkeypatch.setattr(verification_services, "certificate_code_new", lambda: next(draws))
    second = _verified(company=CompanyFactory(), number=VALID_NUMBERS[1])
    second.refresh_from_db()
    assert second.certificate_code == "ZZZZ2222ZZZZ" and second.status == "approved"
    codes = list(
        VerificationApplication.objects.exclude(certificate_code=None).values_list(
            "certificate_code", flat=True
        )
    )
    assert len(codes) == len(set(codes)) == 2


def test_approving_twice_keeps_the_code():
    app = _verified()
    code = app.certificate_code
    again = verification_services.verification_approve(application=app.pk)
    assert again.certificate_code == code


# --- validity ----------------------------------------------------------------------------------


def test_valid_certificate_runs_from_approval_to_the_end_of_the_trustpass_run():
    app = _verified(ends_days=100)
    today = timezone.localdate()
    # A renewal that follows on is part of the same run.
    TrustPassPeriodFactory(
        company=app.company,
        starts_on=today + timedelta(days=100),
        ends_on=today + timedelta(days=465),
    )
    cert = certificate_selectors.certificate_find(app.certificate_code)
    assert cert.valid and cert.reason == ""
    assert cert.valid_from == today
    assert cert.valid_until == today + timedelta(days=465)
    assert cert.last_valid_day == today + timedelta(days=464)
    assert cert.company_name == "杭州华钢管业有限公司" and cert.agency == AGENCY
    assert cert.registration_number_masked == "9133**********852F"


def test_last_day_of_membership_valid_end_day_invalid():
    """R-M2: [starts_on, ends_on). With dates fixed, through `today`."""
    app = _verified(starts_days=-30, ends_days=10)
    ends_on = timezone.localdate() + timedelta(days=10)
    last = certificate_selectors.certificate_of(app, today=ends_on - timedelta(days=1))
    assert last.valid and last.valid_until == ends_on
    gone = certificate_selectors.certificate_of(app, today=ends_on)
    assert not gone.valid and gone.valid_until == ends_on
    assert f"{ends_on:%Y-%m-%d} 终止" in gone.reason and "续费" in gone.reason


def test_the_day_membership_ends_the_page_and_api_say_invalid(client):
    """Today is the end day of the only period: invalid now, on the page and in the API."""
    app = _verified(starts_days=-30, ends_days=1)
    code = app.certificate_code
    assert client.get(f"/api/v1/identity-certificates/{code}/").json()["valid"] is True
    period = app.company.trustpass_periods.get()
    period.ends_on = timezone.localdate()  # the membership ends today
    period.save()
    data = client.get(f"/api/v1/identity-certificates/{code}/").json()
    assert data["valid"] is False and data["valid_until"] == timezone.localdate().isoformat()
    assert "诚信通会员资格" in data["invalid_reason"]
    html = client.get(f"/certificates/{code}/").content.decode()
    assert "无效 / 已失效" in html and "诚信通会员资格" in html


def test_renewing_after_a_lapse_makes_it_valid_again():
    app = _verified(starts_days=-30, ends_days=1)
    app.company.trustpass_periods.update(ends_on=timezone.localdate())  # ended today
    assert not certificate_selectors.certificate_find(app.certificate_code).valid
    TrustPassPeriodFactory(company=app.company)
    assert certificate_selectors.certificate_find(app.certificate_code).valid


def test_revocation_ends_it_with_the_reason():
    app = _verified()
    verification_services.verification_revoke(application=app, reason="营业执照已被吊销")
    cert = certificate_selectors.certificate_find(app.certificate_code)
    assert not cert.valid and "被撤销" in cert.reason and "营业执照已被吊销" in cert.reason
    assert cert.valid_until == timezone.localdate()


def test_a_new_verification_after_revocation_has_a_new_code_and_the_old_stays_invalid():
    app = _verified()
    verification_services.verification_revoke(application=app, reason="营业执照已被吊销")
    again = verification_services.verification_approve(
        application=verification_services.verification_apply(
            company=app.company,
            agency=app.agency,
            registration_number=VALID_NUMBERS[0],
            applicant_name="王建国",
        )
    )
    assert again.certificate_code != app.certificate_code
    assert not certificate_selectors.certificate_find(app.certificate_code).valid
    assert certificate_selectors.certificate_find(again.certificate_code).valid
    assert certificate_selectors.company_certificate(app.company).code == again.certificate_code


def test_an_approved_change_of_registration_number_ends_it():
    app = _verified()
    CompanyChangeRequest.objects.create(
        company=app.company,
        registration_number=VALID_NUMBERS[1],
        status=CompanyChangeRequest.Status.APPROVED,
        decided_at=timezone.now() + timedelta(seconds=1),
    )
    cert = certificate_selectors.certificate_find(app.certificate_code)
    assert not cert.valid and "变更统一社会信用代码" in cert.reason


def test_fixed_dates_through_today():
    app = _verified()
    VerificationApplication.objects.filter(pk=app.pk).update(
        decided_at=timezone.make_aware(datetime(2026, 3, 1, 10, 0))
    )
    app.refresh_from_db()
    app.company.trustpass_periods.all().delete()
    TrustPassPeriodFactory(
        company=app.company, starts_on=date(2026, 2, 1), ends_on=date(2027, 2, 1)
    )
    app.company._trustpass_periods = None
    cert = certificate_selectors.certificate_of(app, today=date(2027, 1, 31))
    assert cert.valid and (cert.valid_from, cert.valid_until) == (
        date(2026, 3, 1),
        date(2027, 2, 1),
    )
    assert not certificate_selectors.certificate_of(app, today=date(2027, 2, 1)).valid


# --- API -------------------------------------------------------------------------------------


def test_api_public_certificate(api_client):
    app = _verified(ends_days=200)
    response = api_client.get(f"/api/v1/identity-certificates/{app.certificate_code}/")
    assert response.status_code == 200
    data = response.json()
    today = timezone.localdate()
    assert set(data) >= API_KEYS
    assert data["code"] == app.certificate_code
    assert data["member_id"] == app.company.member_id
    assert data["company_name"] == "杭州华钢管业有限公司"
    assert data["valid"] is True and data["invalid_reason"] is None
    assert data["valid_from"] == today.isoformat()
    assert data["valid_until"] == (today + timedelta(days=200)).isoformat()
    assert data["agency"] == AGENCY
    assert data["registration_number"] == "9133**********852F"
    assert VALID_NUMBERS[0] not in response.content.decode()


def test_api_code_in_lower_case_is_the_same_certificate(api_client):
    app = _verified()
    response = api_client.get(f"/api/v1/identity-certificates/{app.certificate_code.lower()}/")
    assert response.status_code == 200 and response.json()["code"] == app.certificate_code


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "nope", "A" * 40, "O0O0O0O0O0O0", "%00abc"])
def test_api_unknown_code_is_404(api_client, code):
    _verified()
    response = api_client.get(f"/api/v1/identity-certificates/{code}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_api_revoked_certificate(api_client):
    app = _verified()
    verification_services.verification_revoke(application=app, reason="营业执照已被吊销")
    data = api_client.get(f"/api/v1/identity-certificates/{app.certificate_code}/").json()
    assert data["valid"] is False and "营业执照已被吊销" in data["invalid_reason"]


def test_api_is_in_the_schema(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/identity-certificates/{code}/"]["get"]
    assert {"200", "404"} <= set(operation["responses"])
    assert "401" not in operation["responses"]  # public, no token read


# --- pages -------------------------------------------------------------------------------------


def test_certificate_page_shows_the_facts_and_is_printable(client):
    app = _verified()
    response = client.get(f"/certificates/{app.certificate_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("网上身份证明", "杭州华钢管业有限公司", "9133**********852F", AGENCY, "有效"):
        assert text in html
    assert app.certificate_code in html and VALID_NUMBERS[0] not in html
    assert "css/certificate.css" in html and "data-print" in html
    assert "/certificates/check/" in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_certificate_page_lower_case_redirects_to_the_stable_address(client):
    app = _verified()
    response = client.get(f"/certificates/{app.certificate_code.lower()}/")
    assert response.status_code == 301 and response.url == f"/certificates/{app.certificate_code}/"


def test_certificate_page_unknown_code_is_404(client):
    assert client.get("/certificates/ZZZZZZZZZZZZ/").status_code == 404


def test_check_form_finds_valid_invalid_and_unknown(client):
    page = client.get("/certificates/check/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    app = _verified()
    html = client.get("/certificates/check/", {"code": app.certificate_code.lower()}).content
    html = html.decode()
    assert "目前有效" in html and "杭州华钢管业有限公司" in html
    assert reverse("members:certificate", args=[app.certificate_code]) in html
    verification_services.verification_revoke(application=app, reason="营业执照已被吊销")
    html = client.get("/certificates/check/", {"code": app.certificate_code}).content.decode()
    assert "无效 / 已失效" in html and "营业执照已被吊销" in html
    unknown = client.get("/certificates/check/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert unknown.status_code == 404 and "未找到该验证码" in unknown.content.decode()


def test_company_page_and_dashboard_link_the_certificate(client):
    app = _verified()
    url = reverse("members:certificate", args=[app.certificate_code])
    assert url in client.get(f"/companies/{app.company.member_id}/").content.decode()
    archive = client.get(reverse("credit:archive", args=[app.company.member_id]))
    assert url in archive.content.decode()  # R-C1 part one: identity verification
    plain = CompanyFactory()
    assert "/certificates/" not in client.get(f"/companies/{plain.member_id}/").content.decode()
    from tests.factories import UserFactory

    user = UserFactory(company=app.company)
    client.force_login(user)
    assert url in client.get("/my/").content.decode()
    verification_page = client.get("/my/verification/").content.decode()
    assert url in verification_page and app.certificate_code in verification_page


# --- notices (notice service, verification_decided) --------------------------------------------


def test_every_decision_is_a_verification_decided_notice(django_capture_on_commit_callbacks):
    app = _verified()
    approved = Notice.objects.get(company=app.company, kind="verification_decided")
    assert approved.title == "恭喜！贵公司已通过身份认证"
    assert app.certificate_code in approved.body and AGENCY in approved.body
    assert approved.url == reverse("members:certificate", args=[app.certificate_code])
    assert "http" in approved.body  # the certificate's address in full
    verification_services.verification_revoke(application=app, reason="营业执照已被吊销")
    revoked = Notice.objects.filter(company=app.company, kind="verification_decided").first()
    assert revoked.title == "贵公司的身份认证已被撤销" and "营业执照已被吊销" in revoked.body

    company = CompanyFactory()
    TrustPassPeriodFactory(company=company)
    pending = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(),
        registration_number=VALID_NUMBERS[1],
        applicant_name="王",
    )
    verification_services.verification_reject(application=pending, reason="申请人未获授权")
    rejected = Notice.objects.get(company=company, kind="verification_decided")
    assert rejected.title == "身份认证未通过，请修改后重新申请"
    assert "申请人未获授权" in rejected.body and rejected.url == reverse("members:verification")
    for notice in Notice.objects.filter(kind="verification_decided"):
        for word in notice.body.split():
            if "/" in word and ("http" in word or word.startswith("/")):
                assert word.split("：")[-1].startswith("http"), notice.body
