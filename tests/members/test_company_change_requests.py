"""Issue 14, part 2: staff decide a verified company's change of name or registration
number in the Django admin; approval applies it everywhere, rejection keeps the old data,
and the company hears of the decision (notice `company_change_decided`)."""

import pytest
from django.core import mail
from django.test import Client

from members.company_services import (
    change_request_approve,
    change_request_reject,
    company_profile_update,
)
from members.exceptions import ReasonRequired
from members.models import Company, CompanyChangeRequest, Notice, VerificationApplication
from members.notices import render
from tests.factories import UserFactory
from tests.members.colleague_factories import admin_user, verify
from tests.members.factories import VALID_NUMBERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    admin = admin_user()
    verify(admin.company)
    result = company_profile_update(
        company=admin.company,
        by=admin,
        changes={"name": "浙江新名称集团有限公司", "registration_number": VALID_NUMBERS[1]},
    )
    return result.change_request


@pytest.fixture
def staff_client():
    staff = UserFactory(is_staff=True, is_superuser=True, company=None)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_approval_applies_name_and_registration_number(
    pending, client, django_capture_on_commit_callbacks
):
    company = pending.company
    with django_capture_on_commit_callbacks(execute=True):
        change_request_approve(change_request=pending)
    company.refresh_from_db()
    assert company.name == "浙江新名称集团有限公司"
    approved = VerificationApplication.objects.get(company=company, status="approved")
    assert approved.registration_number == VALID_NUMBERS[1]
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.decided_at is not None
    assert client.get(f"/api/v1/companies/{company.member_id}/").json()["name"] == company.name
    notice = Notice.objects.get(company=company, kind="company_change_decided")
    assert "通过审核" in notice.title
    assert [m for m in mail.outbox if "企业资料变更已通过审核" in m.subject]
    # Twice is a no-op.
    assert change_request_approve(change_request=pending).status == "approved"


def test_rejection_needs_a_reason_and_keeps_the_old_data(pending):
    company = pending.company
    old = company.name
    with pytest.raises(ReasonRequired):
        change_request_reject(change_request=pending, reason="  ")
    change_request_reject(change_request=pending, reason="新名称与营业执照不一致")
    company.refresh_from_db()
    assert company.name == old
    assert (
        VerificationApplication.objects.get(company=company).registration_number
        == (VALID_NUMBERS[0])
    )
    notice = Notice.objects.get(company=company, kind="company_change_decided")
    assert "未通过审核" in notice.title and "新名称与营业执照不一致" in notice.body
    with pytest.raises(Exception) as caught:
        change_request_approve(change_request=pending)
    assert caught.value.code == "change_request_not_pending"


def test_a_new_request_may_follow_a_decided_one(pending):
    change_request_reject(change_request=pending, reason="请上传新的营业执照")
    admin = pending.requested_by
    result = company_profile_update(
        company=Company.objects.get(pk=pending.company_id), by=admin, changes={"name": "再改名"}
    )
    assert result.change_request is not None


def test_notice_templates_render_for_both_decisions(pending):
    for approved, reason in ((True, ""), (False, "名称不符")):
        subject, body = render(
            "company_change_decided",
            company=pending.company,
            context={"approved": approved, "change_request": pending, "reason": reason},
            url="/my/company/",
        )
        assert subject and "http" in body and "/my/company/" in body
        assert ("名称不符" in body) is (not approved)


def test_admin_lists_filters_and_searches(pending, staff_client):
    url = "/admin/members/companychangerequest/"
    html = staff_client.get(url).content.decode()
    assert "浙江新名称集团有限公司" in html and pending.company.name in html
    assert staff_client.get(url + "?status__exact=pending").status_code == 200
    html = staff_client.get(url + "?q=" + pending.company.member_id).content.decode()
    assert "浙江新名称集团有限公司" in html
    html = staff_client.get(f"{url}{pending.pk}/change/").content.decode()
    assert "批准" in html and "驳回" in html


def test_admin_approves_through_the_service(pending, staff_client):
    decide = f"/admin/members/companychangerequest/{pending.pk}/decide/approve/"
    assert staff_client.get(decide).status_code == 200
    response = staff_client.post(decide, {"confirm": "yes"})
    assert response.status_code == 302
    assert Company.objects.get(pk=pending.company_id).name == "浙江新名称集团有限公司"


def test_admin_rejects_with_a_reason(pending, staff_client):
    url = "/admin/members/companychangerequest/"
    response = staff_client.post(
        url, {"action": "reject_selected", "_selected_action": [pending.pk]}
    )
    assert response.status_code == 200 and "驳回原因" in response.content.decode()
    response = staff_client.post(
        url,
        {"action": "reject_selected", "_selected_action": [pending.pk], "confirm": "yes"},
    )
    assert "请填写驳回原因" in response.content.decode()
    response = staff_client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [pending.pk],
            "confirm": "yes",
            "reason": "新名称与营业执照不一致",
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "rejected" and pending.reason == "新名称与营业执照不一致"


def test_staff_without_the_permission_cannot_decide(pending):
    staff = UserFactory(is_staff=True, company=None)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/admin/members/companychangerequest/{pending.pk}/decide/approve/", {"confirm": "yes"}
    )
    assert response.status_code in (302, 403)
    assert CompanyChangeRequest.objects.get(pk=pending.pk).status == "pending"
