"""Issue 14, part 2: the company profile, edited by its administrators (page and API);
a new name (or registration number) after verification waits for staff, before it applies
at once; the logo is re-encoded by Pillow and a refused upload changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.company_services import company_profile_update
from members.models import Company, CompanyChangeRequest
from members.roles import LISTINGS, RoleRequired
from tests.credit.factories import noisy_upload_over
from tests.members.colleague_factories import admin_user, api, colleague, page, png_upload, verify
from tests.members.factories import VALID_NUMBERS

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/company/"


@pytest.fixture
def admin():
    return admin_user()


def test_admin_edits_contacts_at_once(admin):
    body = {
        "contact_name": "李四",
        "phone": "0571-87654321",
        "address": "杭州市西湖区文三路 100 号",
        "province": "浙江",
        "main_products": "不锈钢板 无缝钢管",
    }
    response = api(admin).patch(URL, body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    for key, value in body.items():
        assert data[key] == value
    assert data["member_id"] == admin.company.member_id
    company = Company.objects.get(pk=admin.company.pk)
    assert company.contact_name == "李四" and company.main_products == "不锈钢板 无缝钢管"


def test_get_shows_the_profile_to_every_colleague(admin):
    listings = colleague(admin.company, LISTINGS)
    response = api(listings).get(URL)
    assert response.status_code == 200
    assert response.json()["name"] == admin.company.name
    assert response.json()["pending_change"] is None


def test_required_fields_cannot_be_emptied(admin):
    response = api(admin).patch(URL, {"contact_name": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["contact_name"] == ["请填写联系人姓名。"]
    response = api(admin).patch(URL, {"email": "not-an-address"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["fields"]


def test_name_change_before_verification_applies_at_once(admin, client):
    response = api(admin).patch(URL, {"name": "杭州新名称钢业有限公司"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "杭州新名称钢业有限公司"
    member_id = admin.company.member_id
    assert "杭州新名称钢业有限公司" in client.get(f"/companies/{member_id}/").content.decode()
    assert not CompanyChangeRequest.objects.exists()


def test_name_change_after_verification_waits_for_staff(admin, client):
    verify(admin.company)
    old = admin.company.name
    response = api(admin).patch(
        URL, {"name": "浙江新名称集团有限公司", "phone": "0571-11112222"}, format="json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending_review"
    assert body["change_request"]["name"] == "浙江新名称集团有限公司"
    assert body["company"]["name"] == old
    assert body["company"]["phone"] == "0571-11112222"  # the other fields apply at once
    company = Company.objects.get(pk=admin.company.pk)
    assert company.name == old and company.phone == "0571-11112222"
    # The public name stays: company page, public API, credit archive.
    member_id = company.member_id
    assert client.get(f"/api/v1/companies/{member_id}/").json()["name"] == old
    html = client.get(f"/companies/{member_id}/").content.decode()
    assert old in html and "浙江新名称集团有限公司" not in html
    assert client.get(f"/api/v1/companies/{member_id}/credit/").status_code in (200, 404)
    # One request at a time.
    again = api(admin).patch(URL, {"name": "又一个名称有限公司"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "change_request_pending"
    assert api(admin).get(URL).json()["pending_change"]["name"] == "浙江新名称集团有限公司"


def test_unchanged_name_of_a_verified_company_is_no_request(admin):
    verify(admin.company)
    response = api(admin).patch(URL, {"name": admin.company.name}, format="json")
    assert response.status_code == 200
    assert not CompanyChangeRequest.objects.exists()


def test_registration_number_change(admin):
    response = api(admin).patch(URL, {"registration_number": VALID_NUMBERS[1]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_verified"
    verify(admin.company)
    bad = api(admin).patch(URL, {"registration_number": VALID_NUMBERS[1][:-1] + "0"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_registration_number"
    other = admin_user()
    verify(other.company, VALID_NUMBERS[2])
    taken = api(admin).patch(URL, {"registration_number": VALID_NUMBERS[2]}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "registration_number_taken"
    response = api(admin).patch(
        URL, {"registration_number": VALID_NUMBERS[1].lower()}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["change_request"]["registration_number"] == VALID_NUMBERS[1]
    assert response.json()["company"]["registration_number"] == VALID_NUMBERS[0]


def test_service_refuses_non_administrators_and_other_companies(admin):
    sales = colleague(admin.company, "sales")
    with pytest.raises(RoleRequired):
        company_profile_update(company=admin.company, by=sales, changes={"phone": "1"})
    outsider = admin_user()
    with pytest.raises(Exception) as caught:
        company_profile_update(company=admin.company, by=outsider, changes={"phone": "1"})
    assert getattr(caught.value, "status_code", None) == 404


# --- Logo -------------------------------------------------------------------------------


def test_logo_is_re_encoded_by_pillow(admin):
    response = api(admin).patch(URL, {"logo": png_upload(size=(1200, 900))}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["logo"].startswith("http://testserver/media/logos/")
    company = Company.objects.get(pk=admin.company.pk)
    with company.logo.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        assert image.format == "JPEG" and image.mode == "RGB"
        assert max(image.size) <= 400
    old_name = company.logo.name
    response = api(admin).patch(URL, {"remove_logo": True}, format="multipart")
    assert response.status_code == 200 and response.json()["logo"] is None
    assert not Company.objects.get(pk=company.pk).logo
    assert old_name


def test_a_refused_logo_changes_nothing(admin):
    before = Company.objects.get(pk=admin.company.pk)
    fake = SimpleUploadedFile("logo.png", b"<html>not an image</html>", content_type="image/png")
    response = api(admin).patch(URL, {"logo": fake, "phone": "0571-99999999"}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "not_an_image"
    after = Company.objects.get(pk=admin.company.pk)
    assert after.phone == before.phone and not after.logo


def test_a_logo_over_2_mb_is_413(admin):
    big = noisy_upload_over(2 * 1024 * 1024)
    response = api(admin).patch(URL, {"logo": big}, format="multipart")
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"
    assert not Company.objects.get(pk=admin.company.pk).logo


# --- Page -------------------------------------------------------------------------------


def _form(company, **changes):
    data = {
        f: getattr(company, f)
        for f in (
            "name",
            "contact_name",
            "phone",
            "email",
            "province",
            "city",
            "industry",
            "address",
            "main_products",
            "summary",
        )
    }
    data.update(changes)
    return data


def test_page_saves_the_profile_and_logo(admin):
    client = page(admin)
    assert client.get("/my/company/").status_code == 200
    data = _form(admin.company, main_products="钢管 钢板", logo=png_upload())
    response = client.post("/my/company/", data, follow=True)
    assert response.status_code == 200
    assert "企业资料已保存" in response.content.decode()
    company = Company.objects.get(pk=admin.company.pk)
    assert company.main_products == "钢管 钢板" and company.logo


def test_page_sends_a_verified_name_change_to_review(admin):
    verify(admin.company)
    client = page(admin)
    html = client.get("/my/company/").content.decode()
    assert "统一社会信用代码" in html
    response = client.post(
        "/my/company/",
        _form(admin.company, name="浙江新名称集团有限公司", registration_number=VALID_NUMBERS[0]),
        follow=True,
    )
    html = response.content.decode()
    assert "已提交工作人员审核" in html and "变更审核中" in html
    assert Company.objects.get(pk=admin.company.pk).name == admin.company.name
    request = CompanyChangeRequest.objects.get()
    assert request.name == "浙江新名称集团有限公司" and request.registration_number == ""


def test_page_shows_a_refused_logo_next_to_the_field(admin):
    client = page(admin)
    fake = SimpleUploadedFile("logo.png", b"GIF89a-not-really", content_type="image/png")
    response = client.post("/my/company/", _form(admin.company, logo=fake, phone="1"))
    assert response.status_code == 200
    assert "图片" in response.content.decode()
    assert Company.objects.get(pk=admin.company.pk).phone == admin.company.phone
