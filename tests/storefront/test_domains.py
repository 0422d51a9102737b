"""R-F2 own domains: availability, registration through the local registrar, API contract."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from storefront import selectors, services
from storefront.exceptions import (
    DomainAlreadyRegistered,
    DomainNameInvalid,
    DomainReserved,
    DomainSuffixInvalid,
    DomainTaken,
    DomainTrustPassRequired,
)
from storefront.models import Domain, LocalRegistration
from storefront.registrar import LocalRegistrar
from tests.conftest import auth_client
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.storefront.factories import DomainFactory

pytestmark = pytest.mark.django_db


def by_suffix(results):
    return {r.suffix: r for r in results}


class TestCheck:
    def test_all_three_suffixes_available(self, shop_company):
        results = selectors.domain_check(name="hzsteel", suffix="all", company=shop_company)
        assert [r.domain for r in results] == ["hzsteel.cn", "hzsteel.com.cn", "hzsteel.net.cn"]
        assert all(r.available and r.reason is None for r in results)

    def test_one_suffix(self):
        results = selectors.domain_check(name="hzsteel", suffix=".net.cn")
        assert [r.domain for r in results] == ["hzsteel.net.cn"]

    def test_unknown_suffix_is_refused(self):
        with pytest.raises(DomainSuffixInvalid):
            selectors.domain_check(name="hzsteel", suffix=".com")

    def test_63_available_64_invalid(self):
        assert selectors.domain_check(name="a" * 63, suffix=".cn")[0].available
        result = selectors.domain_check(name="a" * 64, suffix=".cn")[0]
        assert (result.available, result.reason) == (False, "invalid")

    @pytest.mark.parametrize("name", ["-hzsteel", "hzsteel-"])
    def test_leading_and_trailing_hyphen_invalid(self, name):
        results = selectors.domain_check(name=name, suffix="all")
        assert {r.reason for r in results} == {"invalid"}
        assert all("连字符" in r.message for r in results)

    def test_reserved_name(self):
        results = selectors.domain_check(name="alibaba", suffix="all")
        assert {r.reason for r in results} == {"reserved"}

    def test_platform_hosts_are_reserved(self, settings):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "www.chengxintong.com.cn"]
        results = by_suffix(selectors.domain_check(name="chengxintong", suffix="all"))
        assert results[".com.cn"].reason == "reserved"

    def test_taken_by_another_company_per_suffix(self, shop_company):
        DomainFactory(company=CompanyFactory(), name="hzsteel.com.cn")
        results = by_suffix(
            selectors.domain_check(name="hzsteel", suffix="all", company=shop_company)
        )
        assert results[".com.cn"].reason == "taken" and not results[".com.cn"].available
        assert results[".cn"].available and results[".net.cn"].available

    def test_held_at_the_registrar_by_someone_else_is_taken(self):
        LocalRegistration.objects.create(
            domain="outside.cn", registrant="someone", reference="LOCAL-X"
        )
        assert selectors.domain_check(name="outside", suffix=".cn")[0].reason == "taken"

    def test_chinese_name(self):
        result = selectors.domain_check(name="华钢管业", suffix=".cn")[0]
        assert result.available
        assert result.domain == "xn--vhqr0k3x5bs5u.cn"
        assert result.display == "华钢管业.cn"


class TestRegister:
    def test_register_records_at_the_registrar(self, shop_company):
        domain = services.domain_register(company=shop_company, name="HZSteel", suffix=".cn")
        assert domain.name == "hzsteel.cn"
        assert domain.registrar == "local"
        record = LocalRegistration.objects.get(domain="hzsteel.cn")
        assert record.registrant == shop_company.member_id
        assert record.reference == domain.registrar_ref

    def test_second_registration_by_the_same_company_is_refused(self, shop_company):
        services.domain_register(company=shop_company, name="hzsteel", suffix=".cn")
        with pytest.raises(DomainAlreadyRegistered):
            services.domain_register(company=shop_company, name="hzsteel", suffix=".com.cn")
        assert Domain.objects.filter(company=shop_company).count() == 1

    def test_domain_taken_by_another_company(self, shop_company):
        other = CompanyFactory()
        TrustPassPeriodFactory(company=other)
        services.domain_register(company=other, name="hzsteel", suffix=".cn")
        with pytest.raises(DomainTaken):
            services.domain_register(company=shop_company, name="hzsteel", suffix=".cn")
        assert not Domain.objects.filter(company=shop_company).exists()

    def test_chinese_name_is_registered_in_idna_form(self, shop_company):
        domain = services.domain_register(company=shop_company, name="华钢管业", suffix=".net.cn")
        assert domain.name == "xn--vhqr0k3x5bs5u.net.cn"
        assert domain.display_name == "华钢管业.net.cn"

    def test_invalid_and_reserved_are_refused(self, shop_company):
        with pytest.raises(DomainNameInvalid):
            services.domain_register(company=shop_company, name="a" * 64, suffix=".cn")
        with pytest.raises(DomainReserved):
            services.domain_register(company=shop_company, name="www", suffix=".cn")
        with pytest.raises(DomainSuffixInvalid):
            services.domain_register(company=shop_company, name="hzsteel", suffix="all")

    def test_trustpass_only(self):
        company = CompanyFactory()
        with pytest.raises(DomainTrustPassRequired):
            services.domain_register(company=company, name="hzsteel", suffix=".cn")
        today = timezone.localdate()
        TrustPassPeriodFactory(
            company=company, starts_on=today - timedelta(days=365), ends_on=today
        )  # ended today: still refused
        company.refresh_from_db()
        with pytest.raises(DomainTrustPassRequired):
            services.domain_register(company=company, name="hzsteel", suffix=".cn")

    def test_database_allows_one_domain_per_company_and_each_domain_once(self):
        company = CompanyFactory()
        DomainFactory(company=company, name="one.cn")
        with pytest.raises(IntegrityError), transaction.atomic():
            DomainFactory(company=company, name="two.cn")
        with pytest.raises(IntegrityError), transaction.atomic():
            DomainFactory(company=CompanyFactory(), name="one.cn")
        with pytest.raises(IntegrityError), transaction.atomic():
            DomainFactory(company=CompanyFactory(), name="Upper.cn")


class TestLocalRegistrar:
    def test_register_is_idempotent_for_the_same_registrant(self):
        registrar = LocalRegistrar()
        first = registrar.register(domain="a1.cn", registrant="hzsteel")
        again = registrar.register(domain="a1.cn", registrant="hzsteel")
        assert first == again
        assert registrar.is_available("a1.cn", registrant="hzsteel")
        assert not registrar.is_available("a1.cn", registrant="other")
        with pytest.raises(DomainTaken):
            registrar.register(domain="a1.cn", registrant="other")


class TestApi:
    def test_check_contract(self, api_client):
        response = api_client.get("/api/v1/domains/check/", {"name": "hzsteel", "suffix": "all"})
        assert response.status_code == 200
        results = response.json()["results"]
        assert [r["domain"] for r in results] == ["hzsteel.cn", "hzsteel.com.cn", "hzsteel.net.cn"]
        assert all(r["available"] is True and r["reason"] is None for r in results)

    def test_check_reasons(self, api_client):
        DomainFactory(name="taken.cn")
        reasons = {
            name: api_client.get("/api/v1/domains/check/", {"name": name, "suffix": ".cn"}).json()[
                "results"
            ][0]["reason"]
            for name in ("taken", "www", "bad_name", "a" * 64)
        }
        assert reasons == {
            "taken": "taken",
            "www": "reserved",
            "bad_name": "invalid",
            "a" * 64: "invalid",
        }

    def test_check_default_suffix_and_bad_suffix(self, api_client):
        assert len(api_client.get("/api/v1/domains/check/?name=abc").json()["results"]) == 3
        response = api_client.get("/api/v1/domains/check/?name=abc&suffix=.org")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert api_client.get("/api/v1/domains/check/").status_code == 400

    def test_register_201_then_409_for_the_same_company(self, shop_user):
        client = auth_client(shop_user)
        response = client.post(
            "/api/v1/domains/", {"name": "hzsteel", "suffix": ".cn"}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["domain"] == "hzsteel.cn"
        again = client.post("/api/v1/domains/", {"name": "other", "suffix": ".cn"}, format="json")
        assert again.status_code == 409
        assert again.json()["code"] == "domain_already_registered"
        assert again.json()["rule"] == "R-F2"
        mine = client.get("/api/v1/domains/").json()["results"]
        assert [d["domain"] for d in mine] == ["hzsteel.cn"]

    def test_register_taken_409(self, shop_user):
        DomainFactory(name="hzsteel.cn")
        response = auth_client(shop_user).post(
            "/api/v1/domains/", {"name": "hzsteel", "suffix": ".cn"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["code"] == "domain_taken"

    def test_register_invalid_400_with_field(self, shop_user):
        response = auth_client(shop_user).post(
            "/api/v1/domains/", {"name": "-bad", "suffix": ".cn"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_domain"
        assert "name" in response.json()["fields"]

    def test_register_needs_trustpass_and_sign_in(self, api_client):
        assert (
            api_client.post(
                "/api/v1/domains/", {"name": "a", "suffix": ".cn"}, format="json"
            ).status_code
            == 401
        )
        response = auth_client(UserFactory()).post(
            "/api/v1/domains/", {"name": "hzsteel", "suffix": ".cn"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "trustpass_required"
        assert not Domain.objects.exists()
