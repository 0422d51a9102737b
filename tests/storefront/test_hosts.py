"""R-F1/R-F2 host routing: platform hosts, shop subdomains, own domains; 400 for the rest."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from members import services as member_services
from storefront import services
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.storefront.conftest import shop_host
from tests.storefront.factories import DomainFactory

pytestmark = pytest.mark.django_db


def get(path, host, client=None):
    return (client or Client()).get(path, HTTP_HOST=host)


class TestPlatformHosts:
    def test_main_site_on_its_own_host(self):
        response = get("/", "testserver")
        assert response.status_code == 200
        assert "诚信通" in response.content.decode()

    def test_path_form_storefront_on_the_main_host(self, shop_company):
        response = get(f"/shop/{shop_company.member_id}/", "testserver")
        assert response.status_code == 200
        assert shop_company.name in response.content.decode()

    def test_member_id_that_does_not_exist_is_404(self):
        response = get("/shop/nosuchco/", "testserver")
        assert response.status_code == 404
        assert "商铺不存在" in response.content.decode()


class TestShopSubdomain:
    def test_subdomain_serves_the_shop_at_its_root(self, shop_company, settings):
        response = get("/", shop_host(shop_company, settings))
        assert response.status_code == 200
        body = response.content.decode()
        assert shop_company.name in body
        assert 'href="/products/"' in body  # links stay on the shop host

    def test_subdomain_with_port_and_upper_case(self, shop_company, settings):
        host = shop_host(shop_company, settings).upper() + ":8000"
        assert get("/about/", host).status_code == 200

    def test_every_shop_page_on_the_subdomain(self, shop_company, settings):
        host = shop_host(shop_company, settings)
        for path in ("/", "/products/", "/about/", "/credit/", "/contact/"):
            assert get(path, host).status_code == 200, path

    def test_main_site_paths_do_not_exist_on_a_shop_host(self, shop_company, settings):
        host = shop_host(shop_company, settings)
        assert get("/admin/", host).status_code == 404
        assert get("/my/", host).status_code == 404
        assert get("/api/v1/domains/check/?name=a", host).status_code == 404

    def test_a_missing_page_on_a_shop_host_leads_back_to_the_shop(self, shop_company, settings):
        settings.MAIN_SITE_URL = "https://www.example.cn"
        response = get("/no-such-page/", shop_host(shop_company, settings))
        page = response.content.decode()
        assert response.status_code == 404
        assert "返回商铺首页" in page and 'action="https://www.example.cn/search/"' in page

    def test_subdomain_of_a_member_id_that_does_not_exist_is_refused(self, settings):
        assert get("/", f"nosuchco.{settings.STOREFRONT_DOMAIN}").status_code == 400

    def test_nested_subdomain_is_refused(self, shop_company, settings):
        host = f"www.{shop_host(shop_company, settings)}"
        assert get("/", host).status_code == 400


class TestUnknownHosts:
    @pytest.mark.parametrize(
        "host", ["evil.example.com", "hzsteel.cn", "127.0.0.2", "localhost.evil.com", "a b"]
    )
    def test_any_other_host_gets_400(self, host):
        response = get("/", host)
        assert response.status_code == 400
        assert "无法识别" in response.content.decode()

    def test_400_comes_before_any_view_or_redirect(self):
        assert get("/my/", "evil.example.com").status_code == 400
        assert get("/api/v1/me/", "evil.example.com").status_code == 400


class TestOwnDomain:
    def test_registered_domain_serves_the_right_shop(self, shop_company):
        other = CompanyFactory()
        TrustPassPeriodFactory(company=other)
        DomainFactory(company=shop_company, name="hzsteel.cn")
        DomainFactory(company=other, name="other.com.cn")
        response = get("/", "hzsteel.cn")
        assert response.status_code == 200
        assert shop_company.name in response.content.decode()
        assert other.name not in response.content.decode()
        response = get("/products/", "other.com.cn:8000")
        assert response.status_code == 200
        assert other.name in response.content.decode()

    def test_a_registration_takes_effect_without_restart(self, shop_company):
        assert get("/", "hzsteel-new.cn").status_code == 400
        services.domain_register(company=shop_company, name="hzsteel-new", suffix=".cn")
        assert get("/", "hzsteel-new.cn").status_code == 200

    def test_chinese_domain_answers_on_its_idna_host(self, shop_company):
        domain = services.domain_register(company=shop_company, name="华钢管业", suffix=".com.cn")
        assert domain.name == "xn--vhqr0k3x5bs5u.com.cn"
        response = get("/", "xn--vhqr0k3x5bs5u.com.cn")
        assert response.status_code == 200
        assert shop_company.name in response.content.decode()

    def test_csrf_checked_against_the_own_domain(self, shop_user):
        """A POST with Origin on the own domain passes CSRF: get_host() is the shop host."""
        DomainFactory(company=shop_user.company, name="hzsteel.cn")
        client = Client(enforce_csrf_checks=True)
        client.force_login(shop_user)
        page = client.get("/contact/", HTTP_HOST="hzsteel.cn")
        token = page.cookies["csrftoken"].value
        response = client.post(
            "/contact/",
            {"message": "", "csrfmiddlewaretoken": token},
            HTTP_HOST="hzsteel.cn",
            HTTP_ORIGIN="http://hzsteel.cn",
        )
        assert response.status_code == 200  # the form answered (with its errors), not 403
        assert "请填写询盘内容" in response.content.decode()
        forged = client.post(
            "/contact/",
            {"message": "x", "csrfmiddlewaretoken": token},
            HTTP_HOST="hzsteel.cn",
            HTTP_ORIGIN="http://evil.example.com",
        )
        assert forged.status_code == 403


class TestOfflineWhileNotTrustPass:
    def test_never_trustpass_is_404_with_a_friendly_page(self, settings):
        company = UserFactory().company
        for host, path in (
            (shop_host(company, settings), "/"),
            ("testserver", f"/shop/{company.member_id}/"),
            ("testserver", f"/shop/{company.member_id}/products/"),
        ):
            response = get(path, host)
            assert response.status_code == 404
            body = response.content.decode()
            assert "该商铺暂未开放" in body and "不是诚信通会员" in body

    def test_offline_the_day_the_membership_ends_and_back_the_day_a_new_one_starts(self, settings):
        today = timezone.localdate()
        company = CompanyFactory()
        host = shop_host(company, settings)
        # Last day of the period: still online.
        period = TrustPassPeriodFactory(
            company=company, starts_on=today - timedelta(days=364), ends_on=today + timedelta(1)
        )
        assert get("/", host).status_code == 200
        # The period ends today ([starts_on, ends_on)): offline today.
        period.ends_on = today
        period.save()
        assert get("/", host).status_code == 404
        assert get(f"/shop/{company.member_id}/", "testserver").status_code == 404
        # A new period starting today: back online today.
        member_services.membership_grant(
            company=company, starts_on=today, ends_on=today + timedelta(days=365)
        )
        assert get("/", host).status_code == 200
        assert get(f"/shop/{company.member_id}/", "testserver").status_code == 200

    def test_own_domain_of_a_lapsed_company_is_offline_not_refused(self):
        company = CompanyFactory()
        DomainFactory(company=company, name="lapsed.cn")
        assert get("/", "lapsed.cn").status_code == 404


def test_production_settings_pass_django_deploy_security_checks():
    """The host design keeps ALLOWED_HOSTS the real list and adds no insecure setting:
    Django's `check --deploy` security checks stay clean under production settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "(security." not in output, output
    assert "ALLOWED_HOSTS" not in output, output


def test_own_domain_wins_over_a_wildcard_platform_pattern(shop_company, settings):
    settings.ALLOWED_HOSTS = ["*"]
    DomainFactory(company=shop_company, name="hzsteel.cn")
    body = get("/", "hzsteel.cn").content.decode()
    assert shop_company.name in body and "shop-nav" in body
    assert "shop-nav" not in get("/", "anything.example.com").content.decode()
