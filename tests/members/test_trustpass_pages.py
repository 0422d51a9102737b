"""Pages: the TrustPass landing page, the comparison page (R-M3 table), the back-office
dashboard (我的阿里助手), the verification form and notices."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members import privileges, services, verification_services
from members.models import Notice, VerificationApplication
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = pytest.mark.django_db

R_M3_TITLES = ["独享买家信息", "诚信档案", "身份认证", "信息优先排序", "独立域名网站"]


def _text(response) -> str:
    return response.content.decode()


def test_comparison_page_is_chinese_with_the_r_m3_table(client):
    response = client.get("/trustpass/compare/")
    assert response.status_code == 200
    html = _text(response)
    assert '<meta charset="utf-8">' in html and 'lang="zh-hans"' in html
    assert "<h1>诚信通会员和普通会员区别</h1>" in html
    table = re.search(r'<table class="data compare">(.*?)</table>', html, re.S).group(1)
    assert '<th scope="col">诚信通会员</th>' in table and '<th scope="col">普通会员</th>' in table
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>", table)
    for n, title in enumerate(R_M3_TITLES, start=1):
        assert f"{n}. {title}" in rows[n - 1]
    for p in privileges.PRIVILEGE_TABLE:
        assert str(p.trustpass) in table and str(p.ordinary) in table
    assert "2800 元 / 年" in table and "免费" in table


def test_landing_page_is_chinese_with_privileges_price_and_buy(client):
    html = _text(client.get("/trustpass/"))
    assert "诚信通：让诚信的商人富起来" in html
    for title in R_M3_TITLES:
        assert title in html
    assert "2800 元 / 年" in html
    assert "登录后开通" in html and "/trustpass/compare/" in html


def test_landing_page_for_a_member_offers_renewal_from_the_end(client, trustpass_member):
    client.force_login(trustpass_member)
    html = _text(client.get("/trustpass/"))
    end = timezone.localdate() + timedelta(days=335)
    assert "立即续费" in html and f"续费的新会员期从 {end:%Y-%m-%d} 开始" in html
    assert "还剩 335 天" in html


def test_landing_page_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/trustpass/compare/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_dashboard_for_a_trustpass_member(client, trustpass_member):
    client.force_login(trustpass_member)
    html = _text(client.get("/my/"))
    last = timezone.localdate() + timedelta(days=334)
    assert "我的阿里助手" in html
    assert f"有效期至 {last:%Y-%m-%d}" in html and "还剩 335 天" in html
    assert "未认证" in html and reverse("members:verification") in html
    assert "信用积分" in html
    assert reverse("trade:trustpass_buy") in html


def test_dashboard_shows_the_listing_counts(client, trustpass_member):
    """The 我的供求信息 card: its numbers come from the listings app's dashboard provider
    (registered in ListingsConfig.ready, members.dashboard)."""
    company = trustpass_member.company
    ListingFactory(company=company, status="live")
    ListingFactory(company=company, status="live")
    ListingFactory(company=company, status="pending_review")
    client.force_login(trustpass_member)
    html = _text(client.get("/my/"))
    counts = re.search(r'<table class="data listing-counts">(.*?)</table>', html, re.S).group(1)
    headers = re.findall(r"<th scope=\"col\">(.*?)</th>", counts)
    cells = re.findall(r"<td>(\d+)</td>", counts)
    assert dict(zip(headers, cells, strict=True))["已上网"] == "2"
    assert dict(zip(headers, cells, strict=True))["审核中"] == "1"


def test_dashboard_shows_the_listing_statistics(client, trustpass_member):
    """The inquiries app's statistics card (a dashboard panel registered by that app)."""
    client.force_login(trustpass_member)
    assert 'id="listing-stats"' in _text(client.get("/my/"))


def test_dashboard_for_an_ordinary_member_and_after_lapse(client, member):
    client.force_login(member)
    html = _text(client.get("/my/"))
    assert "您目前是普通会员" in html and "开通诚信通" in html
    assert "您还没有发布供求信息" in html
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=member.company, starts_on=today - timedelta(days=365), ends_on=today
    )
    html = _text(client.get("/my/"))
    assert "诚信通会员已到期" in html


def test_dashboard_shows_verification_states(client, member):
    agency = VerificationAgencyFactory()
    TrustPassPeriodFactory(company=member.company)  # R-M3.3: TrustPass members apply
    client.force_login(member)
    app = verification_services.verification_apply(
        company=member.company,
        agency=agency,
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )
    assert "审核中" in _text(client.get("/my/"))
    verification_services.verification_reject(application=app, reason="营业执照已过期")
    assert "营业执照已过期" in _text(client.get("/my/"))
    app2 = verification_services.verification_apply(
        company=member.company,
        agency=agency,
        registration_number=VALID_NUMBERS[0],
        applicant_name="王",
    )
    verification_services.verification_approve(application=app2)
    html = _text(client.get("/my/"))
    assert 'class="badge badge-verified"' in html


def test_dashboard_needs_sign_in(client):
    response = client.get("/my/")
    assert response.status_code == 302 and "/login/" in response.url


def test_verification_form_applies(client, member):
    agency = VerificationAgencyFactory(name="中诚信征信有限公司")
    TrustPassPeriodFactory(company=member.company)  # R-M3.3: TrustPass members apply
    client.force_login(member)
    page = _text(client.get(reverse("members:verification")))
    assert "企业身份认证" in page and "中诚信征信有限公司" in page and "csrfmiddlewaretoken" in page
    form = {
        "agency": agency.pk,
        "registration_number": VALID_NUMBERS[2].lower(),
        "applicant_name": "张伟",
        "applicant_title": "总经理",
        "authorised": "on",
    }
    response = client.post(reverse("members:verification"), form)
    assert response.status_code == 302
    app = VerificationApplication.objects.get(company=member.company)
    assert app.registration_number == VALID_NUMBERS[2] and app.status == "pending"
    html = _text(client.get(reverse("members:verification")))
    assert (
        "正在审核中" in html and "<form" not in html.split("企业身份认证")[1].split("申请记录")[0]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_number": VALID_NUMBERS[0][:-1] + "0"}, "校验位不正确"),
        ({"registration_number": "9133010071610585"}, "应为 18 位"),
        ({"authorised": None}, "请确认申请人已获得企业授权"),
        ({"agency": ""}, "请选择一家认证机构"),
        ({"applicant_name": ""}, "请填写经企业授权的申请人姓名"),
    ],
)
def test_verification_form_explains_errors_in_chinese(client, member, change, message):
    agency = VerificationAgencyFactory()
    TrustPassPeriodFactory(company=member.company)  # R-M3.3: TrustPass members apply
    client.force_login(member)
    form = {
        "agency": agency.pk,
        "registration_number": VALID_NUMBERS[0],
        "applicant_name": "张伟",
        "authorised": "on",
    }
    for key, value in change.items():
        if value is None:
            form.pop(key)
        else:
            form[key] = value
    response = client.post(reverse("members:verification"), form)
    assert response.status_code == 200 and message in _text(response)
    assert not VerificationApplication.objects.exists()


def test_verified_badge_on_the_company_page(client):
    company = CompanyFactory(verified=True)
    TrustPassPeriodFactory(company=company)
    html = _text(client.get(f"/companies/{company.member_id}/"))
    assert 'class="badge badge-verified"' in html and 'class="badge badge-tp"' in html
    plain = CompanyFactory()
    html = _text(client.get(f"/companies/{plain.member_id}/"))
    assert "badge-verified" not in html and "badge-tp" not in html


def test_notices_page_lists_and_marks_read(client, member):
    for n in range(25):
        services.notice_send(company=member.company, kind="test", title=f"通知{n}")
    services.notice_send(company=UserFactory().company, kind="test", title="别人的通知")
    client.force_login(member)
    html = _text(client.get(reverse("members:notices")))
    assert "通知24" in html and "别人的通知" not in html and "第 1 / 2 页" in html
    assert "全部标为已读（25 条未读）" in html
    assert client.get(reverse("members:notices_read")).status_code == 405
    response = client.post(reverse("members:notices_read"))
    assert response.status_code == 302
    assert not Notice.objects.filter(company=member.company, read_at__isnull=True).exists()


def test_user_without_company_gets_clear_pages(client):
    user = UserFactory(company=None)
    client.force_login(user)
    assert "尚未关联企业" in _text(client.get("/my/"))
    # A page that needs a company sends the member to the dashboard with the reason
    # (members.selectors.user_company, members.middleware.NoCompanyMiddleware).
    for name in ("members:verification", "listings:mine", "listings:new", "inquiries:stats"):
        response = client.get(reverse(name), follow=True)
        assert response.redirect_chain == [("/my/", 302)], name
        assert "您的账号尚未关联企业" in _text(response), name
