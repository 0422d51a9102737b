"""R-C2: identity verification: apply, staff approve / reject / revoke, the badge and credit."""

import pytest
from django.contrib.auth.models import Permission

from members import verification_services
from members.models import Company, Notice, VerificationApplication
from tests.conftest import auth_client
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.members.factories import (
    VALID_NUMBERS,
    VerificationAgencyFactory,
    VerificationApplicationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return VerificationAgencyFactory(name="华夏邓白氏（中国）商业信息咨询有限公司")


@pytest.fixture
def member(db):
    """Here the applying member is TrustPass: verification is a TrustPass privilege (R-M3.3,
    tested on its own in test_verification_trustpass.py)."""
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


def _trustpass(company):
    if not company.trustpass_periods.exists():
        TrustPassPeriodFactory(company=company)
    return company


def _apply(company, agency, number=VALID_NUMBERS[0], **kwargs):
    _trustpass(company)  # R-M3.3: only TrustPass companies apply
    return verification_services.verification_apply(
        company=company,
        agency=agency,
        registration_number=number,
        applicant_name=kwargs.pop("applicant_name", "王建国"),
        **kwargs,
    )


# --- services --------------------------------------------------------------------------------


def test_apply_normalises_and_stores_a_pending_application(agency):
    company = CompanyFactory()
    app = _apply(company, agency, number=" 9144030071526726xg ")
    assert app.status == "pending" and app.registration_number == VALID_NUMBERS[1]
    assert app.agency == agency


def test_apply_refuses_a_bad_number_with_the_api_code(agency):
    with pytest.raises(Exception) as exc:
        _apply(CompanyFactory(), agency, number=VALID_NUMBERS[0][:-1] + "0")
    assert exc.value.code == "invalid_registration_number"
    assert "registration_number" in exc.value.fields
    assert not VerificationApplication.objects.exists()


def test_apply_needs_an_active_agency_and_an_applicant(agency):
    company = CompanyFactory()
    closed = VerificationAgencyFactory(name="已停用机构", active=False)
    with pytest.raises(Exception) as exc:
        _apply(company, closed)
    assert exc.value.code == "invalid_agency" and agency.name in exc.value.detail
    with pytest.raises(Exception) as exc:
        _apply(company, agency, applicant_name="  ")
    assert "applicant_name" in exc.value.fields
    # by name and by id
    assert _apply(company, agency.name).agency == agency


def test_one_pending_application_at_a_time(agency):
    company = CompanyFactory()
    _apply(company, agency)
    with pytest.raises(Exception) as exc:
        _apply(company, agency)
    assert exc.value.code == "verification_pending" and exc.value.status_code == 409


def test_approve_sets_the_badge_notifies_and_recalculates_credit(
    agency, credit_calls, django_capture_on_commit_callbacks
):
    company = CompanyFactory()
    staff = UserFactory(is_staff=True)
    app = _apply(company, agency)
    with django_capture_on_commit_callbacks(execute=True):
        verification_services.verification_approve(application=app, by=staff)
    company.refresh_from_db()
    app.refresh_from_db()
    assert company.verified and app.status == "approved" and app.decided_by == staff
    assert credit_calls == [(company.pk, "verification_approved")]
    assert Notice.objects.filter(company=company, kind="verification_decided").count() == 1
    # Approving twice changes nothing (R-C2: +10 once; the score is recomputed anyway).
    verification_services.verification_approve(application=app, by=staff)
    assert VerificationApplication.objects.filter(company=company, status="approved").count() == 1
    with pytest.raises(Exception) as exc:
        _apply(company, agency)
    assert exc.value.code == "already_verified"


def test_reject_needs_a_reason_and_allows_a_new_application(agency, credit_calls):
    company = CompanyFactory()
    app = _apply(company, agency)
    with pytest.raises(Exception) as exc:
        verification_services.verification_reject(application=app, reason=" ")
    assert exc.value.code == "reason_required"
    verification_services.verification_reject(application=app, reason="代码与营业执照不一致")
    app.refresh_from_db()
    assert app.status == "rejected" and app.reason == "代码与营业执照不一致"
    assert not Company.objects.get(pk=company.pk).verified
    assert credit_calls == []
    notice = Notice.objects.get(company=company, kind="verification_decided")
    assert "代码与营业执照不一致" in notice.body
    with pytest.raises(Exception) as exc:
        verification_services.verification_approve(application=app)
    assert exc.value.code == "verification_not_pending"
    assert _apply(company, agency).status == "pending"


def test_revoke_removes_the_badge_and_recalculates(agency, credit_calls):
    company = CompanyFactory()
    app = _apply(company, agency)
    with pytest.raises(Exception) as exc:
        verification_services.verification_revoke(application=app, reason="伪造")
    assert exc.value.code == "verification_not_pending"
    verification_services.verification_approve(application=app)
    verification_services.verification_revoke(application=app, reason="营业执照已吊销")
    company.refresh_from_db()
    assert not company.verified
    assert [c for _, c in credit_calls] == ["verification_approved", "verification_revoked"]


def test_a_number_verified_for_another_company_is_refused(agency):
    first = _apply(CompanyFactory(), agency)
    verification_services.verification_approve(application=first)
    with pytest.raises(Exception) as exc:
        _apply(CompanyFactory(), agency)
    assert exc.value.code == "registration_number_taken"


def test_database_allows_one_pending_per_company(agency):
    from django.db import IntegrityError, transaction

    company = CompanyFactory()
    VerificationApplicationFactory(company=company, agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationApplicationFactory(company=company, agency=agency)


# --- API -------------------------------------------------------------------------------------


def test_api_apply_returns_201_pending(agency, member):
    body = {
        "agency": agency.pk,
        "registration_number": VALID_NUMBERS[2],
        "applicant_name": "李秀英",
    }
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending" and isinstance(data["id"], int)
    assert data["agency"] == agency.name
    listed = auth_client(member).get("/api/v1/verifications/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == data["id"]


def test_api_apply_by_agency_name(agency, member):
    body = {"agency": agency.name, "registration_number": VALID_NUMBERS[0], "applicant_name": "李"}
    assert (
        auth_client(member).post("/api/v1/verifications/", body, format="json").status_code == 201
    )


@pytest.mark.parametrize(
    "number",
    [
        VALID_NUMBERS[0][:-1] + "A",
        VALID_NUMBERS[0][:17],
        VALID_NUMBERS[0] + "0",
        "",
        "91330100716105852O",
    ],
)
def test_api_bad_registration_number_is_400_invalid_registration_number(agency, member, number):
    body = {"agency": agency.pk, "registration_number": number, "applicant_name": "李秀英"}
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid_registration_number" and data["rule"] == "R-C2"
    assert "registration_number" in data["fields"]


def test_api_lowercase_number_is_accepted_as_uppercase(agency, member):
    body = {
        "agency": agency.pk,
        "registration_number": VALID_NUMBERS[1].lower(),
        "applicant_name": "李",
    }
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 201
    assert response.json()["registration_number"] == VALID_NUMBERS[1]


def test_api_apply_needs_sign_in(api_client, agency):
    body = {"agency": agency.pk, "registration_number": VALID_NUMBERS[0], "applicant_name": "李"}
    assert api_client.post("/api/v1/verifications/", body, format="json").status_code == 401


def test_api_second_pending_is_409(agency, member):
    body = {"agency": agency.pk, "registration_number": VALID_NUMBERS[0], "applicant_name": "李"}
    client = auth_client(member)
    assert client.post("/api/v1/verifications/", body, format="json").status_code == 201
    response = client.post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "verification_pending"


def test_agency_list_is_public(api_client, agency):
    VerificationAgencyFactory(name="停用", active=False)
    names = [a["name"] for a in api_client.get("/api/v1/verification-agencies/").json()["results"]]
    assert names == [agency.name]


def test_full_journey_apply_approve_badge(agency, member, staff_user, credit_calls):
    body = {"agency": agency.pk, "registration_number": VALID_NUMBERS[0], "applicant_name": "王"}
    app_id = auth_client(member).post("/api/v1/verifications/", body, format="json").json()["id"]
    staff = auth_client(staff_user)
    queue = staff.get("/api/v1/staff/verifications/?status=pending").json()
    assert [a["id"] for a in queue["results"]] == [app_id]
    response = staff.post(f"/api/v1/staff/verifications/{app_id}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    profile = auth_client(member).get(f"/api/v1/companies/{member.company.member_id}/").json()
    assert profile["verified"] is True
    fresh = type(member).objects.get(pk=member.pk)  # as a new request loads it
    assert auth_client(fresh).get("/api/v1/me/").json()["company"]["verified"] is True


def test_staff_reject_with_reason(agency, member, staff_user):
    app = _apply(member.company, agency)
    staff = auth_client(staff_user)
    missing = staff.post(f"/api/v1/staff/verifications/{app.pk}/reject/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    response = staff.post(
        f"/api/v1/staff/verifications/{app.pk}/reject/", {"reason": "申请人未获授权"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = staff.post(f"/api/v1/staff/verifications/{app.pk}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "verification_not_pending"


def test_staff_revoke(agency, member, staff_user):
    app = _apply(member.company, agency)
    staff = auth_client(staff_user)
    staff.post(f"/api/v1/staff/verifications/{app.pk}/approve/")
    response = staff.post(
        f"/api/v1/staff/verifications/{app.pk}/revoke/", {"reason": "执照吊销"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    member.company.refresh_from_db()
    assert not member.company.verified


def test_staff_decision_on_unknown_application_is_404(staff_user):
    response = auth_client(staff_user).post("/api/v1/staff/verifications/999999/approve/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/staff/verifications/{id}/approve/", {}),
        ("/api/v1/staff/verifications/{id}/reject/", {"reason": "x"}),
        ("/api/v1/staff/verifications/{id}/revoke/", {"reason": "x"}),
    ],
)
def test_staff_verification_endpoints_refuse_members_403_and_anonymous_401(
    agency, member, api_client, path, body
):
    app = _apply(CompanyFactory(), agency)
    url = path.format(id=app.pk)
    anonymous = api_client.post(url, body, format="json")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    refused = auth_client(member).post(url, body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api_client.get("/api/v1/staff/verifications/").status_code == 401
    assert auth_client(member).get("/api/v1/staff/verifications/").status_code == 403
    app.refresh_from_db()
    assert app.status == "pending"


def test_staff_without_the_permission_is_403_and_with_it_200(agency):
    app = _apply(CompanyFactory(), agency)
    clerk = UserFactory(is_staff=True)
    url = f"/api/v1/staff/verifications/{app.pk}/approve/"
    assert auth_client(clerk).post(url).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="decide_verificationapplication"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # drop the permission cache
    assert auth_client(clerk).post(url).status_code == 200


def test_api_agency_named_as_free_text_is_recorded_for_staff_to_check(member):
    listed = VerificationAgencyFactory(name="中诚信征信有限公司")
    body = {
        "agency": "某某认证中心",
        "registration_number": VALID_NUMBERS[0],
        "applicant_name": "李",
    }
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 201 and response.json()["agency"] == "某某认证中心"
    app = VerificationApplication.objects.get(pk=response.json()["id"])
    assert not app.agency.active and app.agency != listed
    # The browser form offers only the staff list.
    from members.forms import VerificationForm

    assert list(VerificationForm().fields["agency"].queryset) == [listed]


def test_api_unknown_agency_id_is_400(member, agency):
    body = {"agency": 987654, "registration_number": VALID_NUMBERS[0], "applicant_name": "李"}
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_agency"
    assert agency.name in response.json()["detail"]


def test_api_bad_number_wins_over_other_missing_fields(member):
    response = auth_client(member).post(
        "/api/v1/verifications/", {"registration_number": "123"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_registration_number"
    missing = auth_client(member).post("/api/v1/verifications/", {}, format="json")
    assert missing.json()["code"] == "invalid_registration_number"
    assert "请填写" in missing.json()["detail"]


def test_api_missing_applicant_is_400_with_the_field(member, agency):
    body = {"agency": agency.pk, "registration_number": VALID_NUMBERS[0]}
    response = auth_client(member).post("/api/v1/verifications/", body, format="json")
    assert response.status_code == 400 and "applicant_name" in response.json()["fields"]
