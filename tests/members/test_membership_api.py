"""POST /api/v1/staff/memberships/ (R-M2, offline payment) and the member's own state."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from members.models import TrustPassPeriod
from tests.conftest import auth_client
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/staff/memberships/"


def test_staff_grant_returns_201_and_switches_trustpass_on(staff_user, member, credit_calls):
    today = timezone.localdate()
    body = {
        "member_id": member.company.member_id,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=365)).isoformat(),
    }
    response = auth_client(staff_user).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["member_id"] == member.company.member_id and data["source"] == "staff"
    assert data["starts_on"] == body["starts_on"] and data["ends_on"] == body["ends_on"]
    period = TrustPassPeriod.objects.get(pk=data["id"])
    assert period.created_by == staff_user
    me = auth_client(type(member).objects.get(pk=member.pk)).get("/api/v1/me/").json()
    assert me["company"]["is_trustpass"] is True
    assert me["company"]["trustpass_until"] == body["ends_on"]
    assert credit_calls == [(member.company.pk, "membership_granted")]


def test_grant_of_a_future_period_does_not_switch_on_yet(staff_user, member):
    today = timezone.localdate()
    body = {
        "member_id": member.company.member_id,
        "starts_on": (today + timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
    }
    assert auth_client(staff_user).post(URL, body, format="json").status_code == 201
    profile = auth_client(member).get(f"/api/v1/companies/{member.company.member_id}/").json()
    assert profile["is_trustpass"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"member_id": "nosuch", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}, "member_id"),
        ({"member_id": "{m}", "starts_on": "2026-01-01", "ends_on": "2026-01-01"}, "ends_on"),
        ({"member_id": "{m}", "starts_on": "2026-01-02", "ends_on": "2026-01-01"}, "ends_on"),
        ({"member_id": "{m}", "starts_on": "2026-13-01", "ends_on": "2027-01-01"}, "starts_on"),
        ({"member_id": "{m}", "ends_on": "2027-01-01"}, "starts_on"),
    ],
)
def test_grant_validation_is_400_with_the_field(staff_user, member, body, field):
    body = {k: v.format(m=member.company.member_id) for k, v in body.items()}
    response = auth_client(staff_user).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not TrustPassPeriod.objects.exists()


def test_one_day_period_is_the_shortest(staff_user, member):
    body = {
        "member_id": member.company.member_id,
        "starts_on": "2026-01-01",
        "ends_on": "2026-01-02",
    }
    assert auth_client(staff_user).post(URL, body, format="json").status_code == 201


def test_staff_grant_refuses_members_403_and_anonymous_401(api_client, member, trustpass_member):
    body = {
        "member_id": member.company.member_id,
        "starts_on": "2026-01-01",
        "ends_on": "2027-01-01",
    }
    anonymous = api_client.post(URL, body, format="json")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    for user in (member, trustpass_member):
        refused = auth_client(user).post(URL, body, format="json")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    # A bad token is 401 too.
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.post(URL, body, format="json").status_code == 401
    assert TrustPassPeriod.objects.filter(company=member.company).count() == 0


def test_staff_needs_the_add_period_permission(member):
    clerk = UserFactory(is_staff=True, company=CompanyFactory())
    body = {
        "member_id": member.company.member_id,
        "starts_on": "2026-01-01",
        "ends_on": "2027-01-01",
    }
    assert auth_client(clerk).post(URL, body, format="json").status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="add_trustpassperiod"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert auth_client(clerk).post(URL, body, format="json").status_code == 201


def test_my_membership_state(api_client, trustpass_member, member):
    data = auth_client(trustpass_member).get("/api/v1/memberships/").json()
    assert data["is_trustpass"] is True and data["days_left"] == 335
    assert data["price_per_year"] == 2800 and len(data["periods"]) == 1
    assert data["renewal_starts_on"] == data["trustpass_until"]
    ordinary = auth_client(member).get("/api/v1/memberships/").json()
    assert ordinary["is_trustpass"] is False and ordinary["trustpass_until"] is None
    assert ordinary["renewal_starts_on"] == timezone.localdate().isoformat()
    assert api_client.get("/api/v1/memberships/").status_code == 401


def test_staff_grant_is_in_the_schema(api_client):
    schema = api_client.get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/staff/memberships/",
        "/api/v1/verifications/",
        "/api/v1/staff/verifications/{id}/approve/",
        "/api/v1/staff/verifications/{id}/reject/",
    ):
        assert path in schema


def test_grant_dates_are_plain_dates(staff_user, member):
    body = {
        "member_id": member.company.member_id,
        "starts_on": "2026-05-01",
        "ends_on": "2027-05-01",
    }
    auth_client(staff_user).post(URL, body, format="json")
    period = TrustPassPeriod.objects.get(company=member.company)
    assert (period.starts_on, period.ends_on) == (date(2026, 5, 1), date(2027, 5, 1))
