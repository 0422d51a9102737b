"""Registration as one browser form and as POST /api/v1/auth/register/ (R-M1)."""

import pytest
from django.urls import reverse

from members.models import Company, User
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "username": "wangjg",
    "email": "wang@hzsteel.example.cn",
    "password1": "Gangguan-2026!",
    "password2": "Gangguan-2026!",
    "member_id": "hzsteel",
    "company_name": "杭州华钢管业有限公司",
    "contact_name": "王建国",
    "phone": "0571-88886666",
    "province": "浙江",
    "city": "杭州",
}

API_BODY = {
    "username": "lixy",
    "password": "Fangmen-2026!",
    "email": "li@wzvalve.example.cn",
    "company": {
        "member_id": "wzvalve",
        "name": "温州阀门厂",
        "contact_name": "李秀英",
        "phone": "13800000000",
    },
}


def test_browser_registration_creates_account_and_company_and_signs_in(client):
    response = client.post(reverse("members:register"), FORM)
    assert response.status_code == 302
    assert response.url == reverse("members:dashboard")
    user = User.objects.get(username="wangjg")
    assert user.company.member_id == "hzsteel"
    assert user.company.name == "杭州华钢管业有限公司"
    assert user.check_password("Gangguan-2026!")
    dashboard = client.get(response.url)
    assert dashboard.status_code == 200
    assert "杭州华钢管业有限公司" in dashboard.content.decode()


def test_registration_page_is_chinese_and_has_csrf(client):
    page = client.get(reverse("members:register")).content.decode()
    assert "免费注册会员" in page
    assert "csrfmiddlewaretoken" in page
    assert '<meta charset="utf-8">' in page


def test_browser_duplicate_member_id_is_refused_with_a_chinese_message(client):
    CompanyFactory(member_id="hzsteel")
    response = client.post(reverse("members:register"), FORM)
    assert response.status_code == 200
    assert "该会员ID已被使用，请换一个。" in response.content.decode()
    assert not User.objects.filter(username="wangjg").exists()


def test_browser_reserved_member_id_is_refused(client):
    response = client.post(reverse("members:register"), {**FORM, "member_id": "admin"})
    assert response.status_code == 200
    assert "系统保留名称" in response.content.decode()
    assert not Company.objects.filter(member_id="admin").exists()


def test_browser_password_mismatch_and_weak_password_are_explained(client):
    response = client.post(reverse("members:register"), {**FORM, "password2": "other-2026!"})
    assert "两次输入的密码不一致" in response.content.decode()
    response = client.post(
        reverse("members:register"), {**FORM, "password1": "12345678", "password2": "12345678"}
    )
    body = response.content.decode()
    assert "密码不符合要求" in body or "密码" in body and "常见" in body
    assert not User.objects.filter(username="wangjg").exists()


def test_api_registration_returns_201_with_company(api_client):
    response = api_client.post("/api/v1/auth/register/", API_BODY, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["username"] == "lixy"
    assert data["company"]["member_id"] == "wzvalve"
    assert data["company"]["is_trustpass"] is False
    assert isinstance(data["id"], int)


def test_api_duplicate_member_id_is_400_with_code_and_field(api_client):
    CompanyFactory(member_id="wzvalve")
    response = api_client.post("/api/v1/auth/register/", API_BODY, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "member_id_unavailable"
    assert body["rule"] == "R-M1"
    assert "member_id" in body["fields"]
    assert "已被使用" in body["detail"]


def test_api_reserved_member_id_is_400(api_client):
    body = {**API_BODY, "company": {**API_BODY["company"], "member_id": "mail"}}
    response = api_client.post("/api/v1/auth/register/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_member_id"
    assert "保留" in response.json()["detail"]


def test_api_duplicate_username_is_refused(api_client):
    UserFactory(username="lixy")
    response = api_client.post("/api/v1/auth/register/", API_BODY, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "username_taken"
    assert not Company.objects.filter(member_id="wzvalve").exists()


def test_api_weak_password_is_refused_in_chinese(api_client):
    response = api_client.post(
        "/api/v1/auth/register/", {**API_BODY, "password": "1234"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_password"
    assert "password" in body["fields"]
    assert "密码" in body["detail"]
    assert not Company.objects.filter(member_id="wzvalve").exists()


def test_api_missing_fields_name_each_field(api_client):
    response = api_client.post("/api/v1/auth/register/", {"username": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"password", "email", "company"} <= set(body["fields"])
