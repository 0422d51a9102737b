"""The staff back office: companies with filters, periods inline, renewal rate; verification
decisions with a reason. Every change goes through members.services (or
members.verification_services)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Company, Notice, TrustPassPeriod, VerificationApplication
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.members.factories import VerificationApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def companies():
    today = timezone.localdate()
    now = CompanyFactory(member_id="tpnow")
    TrustPassPeriodFactory(
        company=now, starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=200)
    )
    soon = CompanyFactory(member_id="tpsoon")
    TrustPassPeriodFactory(
        company=soon, starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=20)
    )
    renewed = CompanyFactory(member_id="tprenewed")
    TrustPassPeriodFactory(
        company=renewed, starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=20)
    )
    TrustPassPeriodFactory(
        company=renewed, starts_on=today + timedelta(days=20), ends_on=today + timedelta(days=385)
    )
    lapsed = CompanyFactory(member_id="tplapsed", verified=True)
    TrustPassPeriodFactory(
        company=lapsed, starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=35)
    )
    CompanyFactory(member_id="plain")
    return {"now": now, "soon": soon, "renewed": renewed, "lapsed": lapsed}


def _member_ids(response) -> set[str]:
    return {c.member_id for c in response.context["cl"].result_list}


def test_company_filters(admin_client, companies):
    url = reverse("admin:members_company_changelist")
    assert _member_ids(admin_client.get(url, {"trustpass": "yes"})) == {
        "tpnow",
        "tpsoon",
        "tprenewed",
    }
    assert {"tplapsed", "plain"} <= _member_ids(admin_client.get(url, {"trustpass": "no"}))
    assert "tpnow" not in _member_ids(admin_client.get(url, {"trustpass": "no"}))
    # Expiring within 30 days and not renewed.
    assert _member_ids(admin_client.get(url, {"expiring": "30"})) == {"tpsoon"}
    assert _member_ids(admin_client.get(url, {"expiring": "7"})) == set()
    assert _member_ids(admin_client.get(url, {"verified__exact": "1"})) == {"tplapsed"}


def test_changelist_shows_the_renewal_rate(admin_client, companies):
    html = admin_client.get(reverse("admin:members_company_changelist")).content.decode()
    # One period ended in the last 12 months (tplapsed's), not renewed.
    assert "近 12 个月续签率：<strong>0.0%</strong>" in html
    assert "到期的会员期 1 个，其中 0 个" in html
    assert "tpsoon" in html


def _company_post(company, periods_initial=0, **extra):
    data = {
        "member_id": company.member_id,
        "name": company.name,
        "contact_name": company.contact_name,
        "phone": company.phone,
        "email": company.email,
        "province": company.province,
        "city": company.city,
        "industry": company.industry,
        "address": "",
        "summary": "",
        "trustpass_periods-TOTAL_FORMS": str(periods_initial),
        "trustpass_periods-INITIAL_FORMS": str(periods_initial),
        "trustpass_periods-MIN_NUM_FORMS": "0",
        "trustpass_periods-MAX_NUM_FORMS": "1000",
        "verification_applications-TOTAL_FORMS": "0",
        "verification_applications-INITIAL_FORMS": "0",
        "verification_applications-MIN_NUM_FORMS": "0",
        "verification_applications-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_adding_a_period_inline_goes_through_the_grant_service(
    admin_client, staff_user, credit_calls
):
    company = CompanyFactory()
    today = timezone.localdate()
    data = _company_post(
        company,
        **{
            "trustpass_periods-TOTAL_FORMS": "1",
            "trustpass_periods-0-starts_on": today.isoformat(),
            "trustpass_periods-0-ends_on": (today + timedelta(days=365)).isoformat(),
            "trustpass_periods-0-source": "staff",
            "trustpass_periods-0-note": "银行转账",
            "trustpass_periods-0-company": str(company.pk),
        },
    )
    response = admin_client.post(reverse("admin:members_company_change", args=[company.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    period = TrustPassPeriod.objects.get(company=company)
    assert period.created_by == staff_user and period.note == "银行转账"
    assert credit_calls == [(company.pk, "membership_granted")]
    assert Notice.objects.filter(company=company, kind="trustpass_granted").exists()


def test_inline_period_with_end_before_start_is_explained(admin_client):
    company = CompanyFactory()
    today = timezone.localdate()
    data = _company_post(
        company,
        **{
            "trustpass_periods-TOTAL_FORMS": "1",
            "trustpass_periods-0-starts_on": today.isoformat(),
            "trustpass_periods-0-ends_on": today.isoformat(),
            "trustpass_periods-0-source": "staff",
            "trustpass_periods-0-company": str(company.pk),
        },
    )
    response = admin_client.post(reverse("admin:members_company_change", args=[company.pk]), data)
    assert response.status_code == 200
    assert "结束日期必须晚于开始日期" in response.content.decode()
    assert not TrustPassPeriod.objects.exists()


def test_verified_flag_is_not_editable_in_the_company_form(admin_client, companies):
    company = companies["now"]
    admin_client.post(
        reverse("admin:members_company_change", args=[company.pk]),
        _company_post(company, verified="on"),
    )
    assert not Company.objects.get(pk=company.pk).verified


def test_grant_one_year_action_renews_from_the_end(admin_client, companies):
    soon = companies["soon"]
    end = TrustPassPeriod.objects.get(company=soon).ends_on
    admin_client.post(
        reverse("admin:members_company_changelist"),
        {"action": "grant_one_year", "_selected_action": [soon.pk]},
    )
    new = TrustPassPeriod.objects.filter(company=soon).order_by("-starts_on").first()
    assert new.starts_on == end and new.source == "staff"


def test_period_admin_add_goes_through_the_service(admin_client, credit_calls):
    company = CompanyFactory()
    response = admin_client.post(
        reverse("admin:members_trustpassperiod_add"),
        {
            "company": company.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
            "source": "staff",
            "note": "现金",
        },
    )
    assert response.status_code == 302
    assert TrustPassPeriod.objects.get(company=company).note == "现金"
    assert credit_calls == [(company.pk, "membership_granted")]


def test_approve_action(admin_client, credit_calls):
    app = VerificationApplicationFactory()
    response = admin_client.post(
        reverse("admin:members_verificationapplication_changelist"),
        {"action": "approve_selected", "_selected_action": [app.pk]},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved" and Company.objects.get(pk=app.company_id).verified
    assert credit_calls == [(app.company_id, "verification_approved")]


def test_reject_action_asks_for_a_reason_first(admin_client):
    app = VerificationApplicationFactory()
    url = reverse("admin:members_verificationapplication_changelist")
    page = admin_client.post(url, {"action": "reject_selected", "_selected_action": [app.pk]})
    assert page.status_code == 200 and "驳回身份认证申请" in page.content.decode()
    empty = admin_client.post(
        url,
        {"action": "reject_selected", "_selected_action": [app.pk], "confirm": "yes", "reason": ""},
    )
    assert empty.status_code == 200 and "请填写原因" in empty.content.decode()
    app.refresh_from_db()
    assert app.status == "pending"
    done = admin_client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [app.pk],
            "confirm": "yes",
            "reason": "照片不清晰",
        },
    )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == "rejected" and app.reason == "照片不清晰"


def test_decide_buttons_on_the_change_page(admin_client):
    app = VerificationApplicationFactory()
    html = admin_client.get(
        reverse("admin:members_verificationapplication_change", args=[app.pk])
    ).content.decode()
    approve = reverse("admin:members_verificationapplication_decide", args=[app.pk, "approve"])
    assert approve in html
    response = admin_client.post(approve, {"confirm": "yes"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved"
    revoke = reverse("admin:members_verificationapplication_decide", args=[app.pk, "revoke"])
    assert (
        revoke
        in admin_client.get(
            reverse("admin:members_verificationapplication_change", args=[app.pk])
        ).content.decode()
    )
    admin_client.post(revoke, {"confirm": "yes", "reason": "营业执照被吊销"})
    app.refresh_from_db()
    assert app.status == "revoked" and not Company.objects.get(pk=app.company_id).verified


def test_staff_without_the_decide_permission_cannot_decide(client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_verificationapplication"),
        Permission.objects.get(codename="change_verificationapplication"),
    )
    client.force_login(clerk)
    app = VerificationApplicationFactory()
    url = reverse("admin:members_verificationapplication_decide", args=[app.pk, "approve"])
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    assert VerificationApplication.objects.get(pk=app.pk).status == "pending"


@pytest.mark.parametrize(
    "name",
    [
        "members_company",
        "members_trustpassperiod",
        "members_verificationapplication",
        "members_verificationagency",
        "members_membershipreminder",
    ],
)
def test_admin_lists_render_with_search(admin_client, companies, name):
    VerificationApplicationFactory()
    response = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "tp"})
    assert response.status_code == 200
