"""商铺管理 in the back office: settings, banner, introduction images, featured, domains."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from listings.models import Listing
from storefront.models import Domain, FeaturedListing, IntroductionImage, ShopSettings
from tests.factories import ListingFactory, UserFactory
from tests.storefront.factories import DomainFactory, png_bytes, png_of_exact_size

pytestmark = pytest.mark.django_db

LIMIT = 300 * 1024


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, name="a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_back_office_needs_sign_in():
    for path in ("/my/shop/", "/my/shop/featured/", "/my/shop/domain/", "/my/mailbox/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path


class TestSettings:
    def test_page_shows_the_shop_addresses(self, shop_user, settings):
        body = signed_in(shop_user).get("/my/shop/").content.decode()
        member_id = shop_user.company.member_id
        assert "商铺管理" in body
        assert f"http://{member_id}.{settings.STOREFRONT_DOMAIN}/" in body
        assert f"/shop/{member_id}/" in body

    def test_save_sanitises_the_introduction(self, shop_user):
        client = signed_in(shop_user)
        response = client.post(
            "/my/shop/",
            {
                "slogan": "专业钢管二十年",
                "introduction": '<p>简介</p><script>alert(1)</script><img src=x onerror="alert(1)">',
            },
        )
        assert response.status_code == 302
        row = ShopSettings.objects.get(company=shop_user.company)
        assert row.slogan == "专业钢管二十年"
        assert "<script" not in row.introduction and "onerror" not in row.introduction
        assert row.introduction.startswith("<p>简介</p>")
        editor = client.get("/my/shop/").content.decode()
        assert "onerror=" not in editor and "<script>alert" not in editor

    def test_non_trustpass_member_is_told_the_shop_is_offline(self):
        body = signed_in(UserFactory()).get("/my/shop/").content.decode()
        assert "网上商铺处于关闭状态" in body


class TestImages:
    def test_banner_upload_and_remove(self, shop_user):
        client = signed_in(shop_user)
        response = client.post("/my/shop/banner/", {"image": upload(png_bytes((1200, 160)))})
        assert response.status_code == 302
        row = ShopSettings.objects.get(company=shop_user.company)
        assert row.banner.name.endswith(".jpg")
        shop = client.get(f"/shop/{shop_user.company.member_id}/").content.decode()
        assert row.banner.url in shop
        client.post("/my/shop/banner/remove/")
        row.refresh_from_db()
        assert not row.banner

    def test_introduction_image_of_exactly_300_kb_is_accepted(self, shop_user):
        client = signed_in(shop_user)
        response = client.post(
            "/my/shop/images/", {"image": upload(png_of_exact_size(LIMIT))}, follow=True
        )
        assert "图片已上传" in response.content.decode()
        image = IntroductionImage.objects.get(company=shop_user.company)
        assert image.image.name.endswith(".jpg") and image.bytes > 0

    def test_introduction_image_one_byte_over_300_kb_is_refused(self, shop_user):
        client = signed_in(shop_user)
        response = client.post(
            "/my/shop/images/", {"image": upload(png_of_exact_size(LIMIT + 1))}, follow=True
        )
        body = response.content.decode()
        assert "不能超过 300 KB" in body and "请压缩后重新上传" in body
        assert not IntroductionImage.objects.exists()

    def test_banner_over_300_kb_and_not_an_image_are_refused(self, shop_user):
        client = signed_in(shop_user)
        body = client.post(
            "/my/shop/banner/", {"image": upload(png_of_exact_size(LIMIT + 1))}, follow=True
        ).content.decode()
        assert "不能超过 300 KB" in body
        body = client.post(
            "/my/shop/banner/", {"image": upload(b"%PDF-1.4 not an image", "a.pdf")}, follow=True
        ).content.decode()
        assert "不是有效的图片" in body
        assert (
            not ShopSettings.objects.filter(company=shop_user.company).exclude(banner="").exists()
        )

    def test_delete_own_image_only(self, shop_user):
        client = signed_in(shop_user)
        client.post("/my/shop/images/", {"image": upload(png_bytes())})
        image = IntroductionImage.objects.get()
        other = signed_in(UserFactory())
        assert other.post(f"/my/shop/images/{image.pk}/delete/").status_code == 404
        assert client.post(f"/my/shop/images/{image.pk}/delete/").status_code == 302
        assert not IntroductionImage.objects.exists()


class TestFeatured:
    def test_choose_own_live_listings(self, shop_user):
        mine = [ListingFactory(company=shop_user.company, title=f"钢管{i}") for i in range(3)]
        client = signed_in(shop_user)
        assert "钢管2" in client.get("/my/shop/featured/").content.decode()
        response = client.post("/my/shop/featured/", {"listings": [mine[1].pk, mine[0].pk]})
        assert response.status_code == 302
        assert list(
            FeaturedListing.objects.filter(company=shop_user.company).values_list(
                "listing_id", flat=True
            )
        ) == [mine[1].pk, mine[0].pk]

    def test_another_companys_listing_cannot_be_pinned(self, shop_user):
        ListingFactory(company=shop_user.company)
        foreign = ListingFactory()
        response = signed_in(shop_user).post("/my/shop/featured/", {"listings": [foreign.pk]})
        assert response.status_code == 200  # the form shows the choice as invalid
        assert not FeaturedListing.objects.exists()

    def test_at_most_eight(self, shop_user):
        from storefront import services
        from storefront.exceptions import FeaturedTooMany

        ids = [ListingFactory(company=shop_user.company).pk for _ in range(9)]
        services.featured_set(company=shop_user.company, listing_ids=ids[:8])
        with pytest.raises(FeaturedTooMany):
            services.featured_set(company=shop_user.company, listing_ids=ids)
        body = signed_in(shop_user).post("/my/shop/featured/", {"listings": ids}).content.decode()
        assert "最多选择 8 个" in body
        assert FeaturedListing.objects.count() == 8

    def test_no_live_listing_explains_what_to_do(self, shop_user):
        ListingFactory(company=shop_user.company, status=Listing.Status.DRAFT)
        assert (
            "还没有已上网的供应信息"
            in signed_in(shop_user).get("/my/shop/featured/").content.decode()
        )


class TestDomainPage:
    def test_check_all_three_and_register_one(self, shop_user):
        DomainFactory(name="hzsteel.com.cn")
        client = signed_in(shop_user)
        body = client.get("/my/shop/domain/", {"name": "hzsteel", "suffix": "all"}).content.decode()
        assert "免费域名注册" in body
        assert body.count("可以注册") == 2 and "已被注册" in body
        assert body.count("立即注册") == 2
        response = client.post(
            "/my/shop/domain/register/", {"name": "hzsteel", "suffix": ".net.cn"}
        )
        assert response.status_code == 302
        assert Domain.objects.get(company=shop_user.company).name == "hzsteel.net.cn"
        after = client.get("/my/shop/domain/").content.decode()
        assert "贵公司的独立域名" in after and "hzsteel.net.cn" in after

    def test_reasons_are_explained(self, shop_user):
        client = signed_in(shop_user)
        body = client.get("/my/shop/domain/", {"name": "-abc", "suffix": ".cn"}).content.decode()
        assert "名称无效" in body and "不能以连字符（-）开头或结尾" in body
        body = client.get("/my/shop/domain/", {"name": "www", "suffix": ".cn"}).content.decode()
        assert "保留名称" in body

    def test_chinese_name_shows_both_forms(self, shop_user):
        body = (
            signed_in(shop_user)
            .get("/my/shop/domain/", {"name": "华钢管业", "suffix": ".cn"})
            .content.decode()
        )
        assert "华钢管业.cn" in body and "xn--vhqr0k3x5bs5u.cn" in body

    def test_second_registration_is_refused_with_a_message(self, shop_user):
        client = signed_in(shop_user)
        client.post("/my/shop/domain/register/", {"name": "first", "suffix": ".cn"})
        response = client.post(
            "/my/shop/domain/register/", {"name": "second", "suffix": ".cn"}, follow=True
        )
        assert "每家企业只能注册一个独立域名" in response.content.decode()
        assert list(Domain.objects.values_list("name", flat=True)) == ["first.cn"]

    def test_ordinary_member_can_check_but_not_register(self):
        user = UserFactory()
        client = signed_in(user)
        body = client.get("/my/shop/domain/", {"name": "hzsteel", "suffix": "all"}).content.decode()
        assert "诚信通会员的专享服务" in body and "立即注册" not in body
        response = client.post(
            "/my/shop/domain/register/", {"name": "hzsteel", "suffix": ".cn"}, follow=True
        )
        assert "独立域名是诚信通会员的专享服务" in response.content.decode()
        assert not Domain.objects.exists()
