"""R-F1 storefront pages: home, products, introduction, credit summary, contact form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inquiries import services as inquiry_services
from inquiries.models import Inquiry
from listings.models import Listing
from storefront import services
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, UserFactory
from tests.storefront.conftest import shop_host

pytestmark = pytest.mark.django_db


def page(company, path="", client=None):
    return (client or Client()).get(f"/shop/{company.member_id}/{path}")


class TestHome:
    def test_banner_summary_badges_and_featured(self, shop_company):
        shop_company.verified = True
        shop_company.credit_score = 42
        shop_company.summary = "专业生产不锈钢无缝钢管"
        shop_company.save()
        listings = [
            ListingFactory(company=shop_company, title=f"供应无缝钢管{i}号") for i in range(3)
        ]
        services.featured_set(company=shop_company, listing_ids=[listings[2].pk, listings[0].pk])
        body = page(shop_company).content.decode()
        assert "badge-tp" in body and "badge-verified" in body and "信用积分 42" in body
        assert "专业生产不锈钢无缝钢管" in body
        assert body.index("供应无缝钢管2号") < body.index("供应无缝钢管0号")
        assert "供应无缝钢管1号" not in body  # only the pinned ones

    def test_newest_live_listings_when_nothing_is_pinned(self, shop_company):
        ListingFactory(company=shop_company, title="上网的钢管")
        ListingFactory(
            company=shop_company, title="审核中的钢管", status=Listing.Status.PENDING_REVIEW
        )
        ListingFactory(title="别家的钢管")
        body = page(shop_company).content.decode()
        assert "上网的钢管" in body
        assert "审核中的钢管" not in body and "别家的钢管" not in body

    def test_empty_shop(self, shop_company):
        assert "暂无上网的产品信息" in page(shop_company).content.decode()

    def test_a_pinned_listing_that_went_offline_is_not_shown(self, shop_company):
        listing = ListingFactory(company=shop_company, title="下架的钢管")
        services.featured_set(company=shop_company, listing_ids=[listing.pk])
        Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.WITHDRAWN)
        assert "下架的钢管" not in page(shop_company).content.decode()

    def test_response_rate_from_the_inquiries_area(self, shop_company):
        assert "询盘回复率" not in page(shop_company).content.decode()  # no inquiry yet
        inquiry_services.inquiry_send(
            sender=UserFactory(), company=shop_company, message="请报价无缝钢管，谢谢。"
        )
        body = page(shop_company).content.decode()
        assert "询盘回复率" in body and "0%" in body


class TestProducts:
    def test_paginated_twenty_per_page(self, shop_company):
        now = timezone.now()
        for i in range(25):
            ListingFactory(
                company=shop_company,
                title=f"产品编号{i:02d}",
                published_at=now - timedelta(minutes=i),
            )
        first = page(shop_company, "products/").content.decode()
        assert "产品编号00" in first and "产品编号19" in first and "产品编号20" not in first
        assert "第 1 / 2 页" in first
        second = page(shop_company, "products/?page=2").content.decode()
        assert "产品编号20" in second and "产品编号24" in second and "产品编号00" not in second

    def test_search_within_the_shop(self, shop_company):
        ListingFactory(company=shop_company, title="供应优质不锈钢304无缝钢管")
        ListingFactory(
            company=shop_company,
            title="供应铸铁阀门",
            keyword="阀门",
            description="本厂专业生产各种规格的铸铁闸阀和截止阀，质量可靠，价格合理，欢迎来电。",
        )
        ListingFactory(title="别家的不锈钢无缝钢管")
        body = page(shop_company, "products/?q=钢管").content.decode()
        assert "供应优质不锈钢304无缝钢管" in body
        assert "供应铸铁阀门" not in body and "别家的" not in body
        assert "共 1 条" in body

    def test_search_with_no_result_says_so(self, shop_company):
        ListingFactory(company=shop_company)
        body = page(shop_company, "products/?q=不存在的产品").content.decode()
        assert "没有找到符合条件的产品" in body

    def test_categories_with_counts_and_filter(self, shop_company):
        pipes, valves = CategoryFactory(name="钢管"), CategoryFactory(name="阀门")
        ListingFactory(company=shop_company, category=pipes, title="无缝钢管甲")
        ListingFactory(company=shop_company, category=pipes, title="无缝钢管乙")
        ListingFactory(company=shop_company, category=valves, title="闸阀丙", keyword="阀门")
        body = page(shop_company, "products/").content.decode()
        assert "钢管</a> <small>(2)</small>" in body and "阀门</a> <small>(1)</small>" in body
        filtered = page(shop_company, f"products/?category={valves.pk}").content.decode()
        assert "闸阀丙" in filtered and "无缝钢管甲" not in filtered
        assert page(shop_company, "products/?category=abc").status_code == 200

    def test_demand_listings_are_not_products(self, shop_company):
        ListingFactory(company=shop_company, kind=Listing.Kind.DEMAND, title="求购钢管")
        assert "求购钢管" not in page(shop_company, "products/").content.decode()


class TestIntroduction:
    def test_script_and_onerror_never_reach_the_page(self, shop_company, settings):
        services.shop_settings_update(
            company=shop_company,
            slogan="<b>标语</b>",
            introduction=(
                '<h2>关于我们</h2><p>成立于1998年<script>alert("x")</script></p>'
                '<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">链接</a>'
                "<p onmouseover=alert(1)>悬停</p>"
            ),
        )
        for client_host, path in (
            ("testserver", f"/shop/{shop_company.member_id}/about/"),
            (shop_host(shop_company, settings), "/about/"),
            ("testserver", f"/shop/{shop_company.member_id}/"),
        ):
            body = Client().get(path, HTTP_HOST=client_host).content.decode()
            lowered = body.lower()
            assert "<script" not in lowered, path
            assert "onerror=" not in lowered and "onmouseover" not in lowered, path
            assert "javascript:" not in lowered, path
        body = page(shop_company, "about/").content.decode()
        assert "<h2>关于我们</h2>" in body and "成立于1998年" in body
        assert "&lt;b&gt;标语&lt;/b&gt;" in page(shop_company).content.decode()

    def test_uploaded_images_are_kept(self, shop_company):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.storefront.factories import png_bytes

        image = services.introduction_image_upload(
            company=shop_company,
            upload=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        )
        services.shop_settings_update(
            company=shop_company,
            slogan="",
            introduction=f'<img src="{image.image.url}" alt="厂房">',
        )
        assert (
            f'<img src="{image.image.url}" alt="厂房">'
            in page(shop_company, "about/").content.decode()
        )

    def test_without_introduction_the_summary_is_shown(self, shop_company):
        shop_company.summary = "主营钢管"
        shop_company.save()
        assert "主营钢管" in page(shop_company, "about/").content.decode()


class TestCreditSummary:
    def test_score_verified_and_link_to_the_full_archive(self, shop_company):
        shop_company.credit_score = 37
        shop_company.verified = True
        shop_company.save()
        body = page(shop_company, "credit/").content.decode()
        assert "<strong>37</strong>" in body
        assert "已通过第三方机构认证" in body
        assert f'href="/companies/{shop_company.member_id}/credit/"' in body

    def test_on_the_shop_host_the_archive_link_goes_to_the_main_site(self, shop_company, settings):
        body = (
            Client().get("/credit/", HTTP_HOST=shop_host(shop_company, settings)).content.decode()
        )
        assert f'href="http://testserver/companies/{shop_company.member_id}/credit/"' in body


class TestContact:
    def test_anonymous_visitor_is_asked_to_sign_in(self, shop_company, settings):
        body = page(shop_company, "contact/").content.decode()
        assert "登录后发送询盘" in body
        assert f"/login/?next=/shop/{shop_company.member_id}/contact/" in body
        host_body = (
            Client().get("/contact/", HTTP_HOST=shop_host(shop_company, settings)).content.decode()
        )
        assert f"http://testserver/login/?next=/shop/{shop_company.member_id}/contact/" in host_body

    def test_signed_in_member_sends_an_inquiry(self, shop_company):
        buyer = UserFactory()
        client = Client()
        client.force_login(buyer)
        response = client.post(
            f"/shop/{shop_company.member_id}/contact/",
            {"message": "请报价 304 无缝钢管 Φ57×3.5，10 吨，送货到杭州。", "quantity": "10"},
        )
        assert response.status_code == 302
        inquiry = Inquiry.objects.get(seller=shop_company)
        assert inquiry.buyer == buyer.company
        followed = client.get(response["Location"]).content.decode()
        assert "询盘已发送" in followed

    def test_service_refusal_is_shown_as_a_form_error(self, shop_user):
        client = Client()
        client.force_login(shop_user)  # a member writing to its own company's shop
        response = client.post(
            f"/shop/{shop_user.company.member_id}/contact/", {"message": "请报价，谢谢合作。"}
        )
        assert response.status_code == 200
        assert "不能向自己的企业发送询盘" in response.content.decode()
        assert not Inquiry.objects.exists()

    def test_rate_limit_is_shown_as_a_form_error(self, shop_company, settings):
        settings.INQUIRY_RATE_LIMIT_PER_HOUR = 1
        client = Client()
        client.force_login(UserFactory())
        url = f"/shop/{shop_company.member_id}/contact/"
        assert client.post(url, {"message": "第一条询盘内容"}).status_code == 302
        response = client.post(url, {"message": "第二条询盘内容"})
        assert response.status_code == 200
        assert "已达上限" in response.content.decode()

    def test_form_validation(self, shop_company):
        client = Client()
        client.force_login(UserFactory())
        response = client.post(
            f"/shop/{shop_company.member_id}/contact/", {"message": "短", "quantity": "0"}
        )
        body = response.content.decode()
        assert "询盘内容太短" in body and "采购数量至少为 1" in body


def test_offline_shop_pages_are_all_404():
    company = CompanyFactory()
    for path in ("", "products/", "about/", "credit/", "contact/"):
        assert page(company, path).status_code == 404
