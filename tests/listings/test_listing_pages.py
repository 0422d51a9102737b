"""Seller pages (我的阿里助手 › 供求信息) and the public listing page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inquiries import stats
from listings.models import Listing, ListingImage
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.listings.listing_factories import (
    DESCRIPTION,
    HTML_AS_JPEG,
    image_bytes,
    leaf_category,
    upload,
)

pytestmark = pytest.mark.django_db
Status = Listing.Status
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def seller(member):
    return member


@pytest.fixture
def client_for():
    def make(user):
        client = Client(HTTP_USER_AGENT=BROWSER)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def seller_client(seller, client_for):
    return client_for(seller)


def form_data(category, **overrides):
    data = {
        "kind": "supply",
        "title": "不锈钢无缝钢管",
        "keyword": "无缝钢管",
        "category": category.pk,
        "brand": "宝钢",
        "model": "TP304",
        "spec": "Φ57×3.5",
        "description": DESCRIPTION,
        "unit": "吨",
        "min_order": 1,
        "price": "12800",
        "validity_days": 30,
        "province": "浙江",
        "city": "杭州",
        "tier1_qty": "1",
        "tier1_price": "12",
        "tier2_qty": "100",
        "tier2_price": "10",
        "action": "draft",
    }
    data.update(overrides)
    return data


# --- the list --------------------------------------------------------------------------------------


def test_back_office_needs_sign_in(client):
    response = client.get("/my/listings/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_list_by_status_with_counts(seller, seller_client):
    ListingFactory(company=seller.company, title="在线钢管")
    ListingFactory(company=seller.company, status=Status.REJECTED, title="被驳回的钢管")
    ListingFactory(title="别人的钢管")
    html = seller_client.get("/my/listings/").content.decode()
    assert "在线钢管" in html and "被驳回的钢管" in html and "别人的钢管" not in html
    assert (
        "已上网 (1)" in html and "未通过 (1)" in html and "草稿 (0)" in html and "全部 (2)" in html
    )
    rejected = seller_client.get("/my/listings/?status=rejected").content.decode()
    assert "被驳回的钢管" in rejected and "在线钢管" not in rejected
    empty = seller_client.get("/my/listings/?status=expired").content.decode()
    assert "该状态下没有信息" in empty


def test_empty_state_invites_to_post(seller_client):
    html = seller_client.get("/my/listings/").content.decode()
    assert "您还没有发布供求信息" in html
    assert 'href="/my/listings/new/"' in html


def test_list_is_paginated(seller, seller_client):
    ListingFactory.create_batch(21, company=seller.company)
    html = seller_client.get("/my/listings/").content.decode()
    assert "第 1 / 2 页" in html


# --- create and edit -------------------------------------------------------------------------------


def test_new_form_gives_guidance(seller_client):
    leaf_category()
    html = seller_client.get("/my/listings/new/").content.decode()
    assert "3 倍" in html
    assert "品牌、型号、规格请填在下面各自的栏中" in html
    assert "至少 30 个汉字" in html
    assert '<optgroup label="冶金矿产">' in html
    assert "csrfmiddlewaretoken" in html


def test_post_a_draft_then_upload_and_submit(
    seller, seller_client, django_capture_on_commit_callbacks
):
    category = leaf_category()
    response = seller_client.post("/my/listings/new/", form_data(category))
    listing = Listing.objects.get(company=seller.company)
    assert response.status_code == 302 and response["Location"] == f"/my/listings/{listing.pk}/"
    assert listing.status == Status.DRAFT
    assert listing.price_tiers == [
        {"min_qty": 1, "price": "12.00"},
        {"min_qty": 100, "price": "10.00"},
    ]
    page = seller_client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert "草稿" in page and "提交审核" in page and "3 倍" in page

    seller_client.post(f"/my/listings/{listing.pk}/images/", {"image": upload(image_bytes())})
    assert listing.images.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(f"/my/listings/{listing.pk}/submit/")
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    page = seller_client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert "审核中" in page and "等待人工审核" in page


def test_submit_directly_from_the_form(seller, seller_client):
    category = leaf_category()
    seller_client.post("/my/listings/new/", form_data(category, action="submit"))
    assert Listing.objects.get(company=seller.company).status == Status.PENDING_REVIEW


def test_invalid_form_shows_how_to_fix(seller, seller_client):
    category = leaf_category()
    response = seller_client.post(
        "/my/listings/new/", form_data(category, price="12", price_max="10", tier2_price="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "最高价不能低于最低价" in html or "阶梯价格请同时填写起订量和单价" in html
    assert not Listing.objects.exists()
    response = seller_client.post(
        "/my/listings/new/", form_data(category, price="12", price_max="10")
    )
    assert "最高价不能低于最低价" in response.content.decode()


def test_rejected_listing_shows_every_reason_and_is_fixed_and_resubmitted(
    seller, seller_client, django_capture_on_commit_callbacks
):
    category = leaf_category()
    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(
            "/my/listings/new/",
            form_data(
                category, title="宝钢TP304不锈钢无缝钢管", description="质量好", action="submit"
            ),
        )
    listing = Listing.objects.get(company=seller.company)
    assert listing.status == Status.REJECTED
    page = seller_client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert "未通过审核，原因如下" in page
    assert "供应标题含有品牌、规格、型号" in page and "“品牌”“型号”“规格”栏" in page
    assert "产品介绍信息过于简单" in page and "请补充" in page
    edit = seller_client.get(f"/my/listings/{listing.pk}/edit/").content.decode()
    assert "上次未通过审核的原因" in edit and "修改完成，重新提交审核" in edit
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            f"/my/listings/{listing.pk}/edit/", form_data(category, action="submit")
        )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert listing.title == "不锈钢无缝钢管"
    assert listing.rejection_reasons == []


def test_editing_a_live_listing_warns_and_resubmits(seller, seller_client):
    category = leaf_category()
    listing = ListingFactory(company=seller.company, category=category)
    assert (
        "修改后需要重新审核"
        in seller_client.get(f"/my/listings/{listing.pk}/edit/").content.decode()
    )
    seller_client.post(
        f"/my/listings/{listing.pk}/edit/", form_data(category, price="13000", action="save")
    )
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.PENDING_REVIEW, Status.REJECTED, Status.LIVE]
)
def test_another_members_listing_is_404_in_the_back_office(client_for, status):
    listing = ListingFactory(status=status)
    client = client_for(UserFactory())
    for path in ("", "edit/", "withdraw/"):
        assert client.get(f"/my/listings/{listing.pk}/{path}").status_code == 404
    for path in ("edit/", "submit/", "refresh/", "withdraw/", "images/"):
        assert client.post(f"/my/listings/{listing.pk}/{path}", {"title": "x"}).status_code == 404
    listing.refresh_from_db()
    assert listing.status == status and listing.title != "x"


# --- actions -------------------------------------------------------------------------------------------


def test_refresh_once_a_day(seller, seller_client):
    listing = ListingFactory(
        company=seller.company, published_at=timezone.now() - timedelta(days=2)
    )
    first = seller_client.post(f"/my/listings/{listing.pk}/refresh/", follow=True).content.decode()
    assert "已重发" in first
    assert "今天已重发过" in first
    second = seller_client.post(f"/my/listings/{listing.pk}/refresh/", follow=True).content.decode()
    assert "每条信息每天只能重发一次" in second


def test_withdraw_asks_for_confirmation(seller, seller_client):
    listing = ListingFactory(company=seller.company)
    confirm = seller_client.get(f"/my/listings/{listing.pk}/withdraw/").content.decode()
    assert "确认下架" in confirm and "csrfmiddlewaretoken" in confirm
    listing.refresh_from_db()
    assert listing.status == Status.LIVE
    seller_client.post(f"/my/listings/{listing.pk}/withdraw/")
    listing.refresh_from_db()
    assert listing.status == Status.WITHDRAWN


def test_upload_refusals_are_explained_and_change_nothing(seller, seller_client):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    seller_client.post(f"/my/listings/{listing.pk}/images/", {"image": upload(image_bytes())})
    before = list(listing.images.values_list("pk", "image"))
    html = seller_client.post(
        f"/my/listings/{listing.pk}/images/", {"image": upload(HTML_AS_JPEG)}, follow=True
    ).content.decode()
    assert "不是有效的图片" in html
    big = image_bytes() + b"\0" * LISTING_UPLOAD_MAX_BYTES
    html = seller_client.post(
        f"/my/listings/{listing.pk}/images/", {"image": upload(big)}, follow=True
    ).content.decode()
    assert "不能超过 5 MB" in html
    assert list(listing.images.values_list("pk", "image")) == before


def test_image_upload_page_has_preview_and_size_check(seller, seller_client):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    html = seller_client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'data-max-bytes="5242880"' in html
    # The preview and size check live in a static script (the CSP allows no inline script).
    assert "js/listing-image-upload.js" in html and "data-too-big=" in html


def test_image_upload_checks_csrf(seller):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller)
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = client.post(f"/my/listings/{listing.pk}/images/", {"image": upload(image_bytes())})
    assert response.status_code == 403
    assert listing.images.count() == 0


def test_image_delete_with_confirmation(seller, seller_client):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    seller_client.post(f"/my/listings/{listing.pk}/images/", {"image": upload(image_bytes())})
    image = ListingImage.objects.get(listing=listing)
    url = f"/my/listings/{listing.pk}/images/{image.pk}/delete/"
    assert "确认删除" in seller_client.get(url).content.decode()
    assert listing.images.count() == 1
    seller_client.post(url)
    assert listing.images.count() == 0


# --- the public page -----------------------------------------------------------------------------------


def test_public_page_shows_badges_prices_and_images(client_for, monkeypatch):
    company = CompanyFactory(verified=True, credit_score=42)
    TrustPassPeriodFactory(company=company)
    listing = ListingFactory(
        company=company,
        supports_escrow=True,
        fixed_price=True,
        price_tiers=[{"min_qty": 1, "price": "12.00"}, {"min_qty": 100, "price": "10.00"}],
    )
    ListingImage.objects.create(listing=listing, image="listings/a.jpg")
    recorded = []
    real = stats.listing_view_record
    monkeypatch.setattr(
        stats,
        "listing_view_record",
        lambda *, listing, request: (
            recorded.append(listing.pk) or real(listing=listing, request=request)
        ),
    )
    response = client_for(None).get(f"/listings/{listing.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta charset="utf-8">' in html
    assert "诚信通</span>" in html and "已认证" in html and "支付宝" in html and "一口价" in html
    assert '<strong data-testid="credit-score">42</strong>' in html
    assert "≥ 100 吨" in html and "¥10.00" in html
    assert '<img class="main-image" src="/media/listings/a.jpg"' in html
    assert 'id="inquiry"' in html  # the inquiry box is included
    assert recorded == [listing.pk]


def test_ordinary_seller_has_no_trustpass_badge(client_for):
    listing = ListingFactory(company=CompanyFactory(verified=False))
    html = client_for(None).get(f"/listings/{listing.pk}/").content.decode()
    assert "badge-tp" not in html and "badge-verified" not in html


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.PENDING_REVIEW, Status.REJECTED, Status.EXPIRED, Status.WITHDRAWN],
)
def test_non_live_page_is_404_but_owner_and_staff_see_it(client_for, staff_user, status):
    listing = ListingFactory(status=status)
    assert client_for(None).get(f"/listings/{listing.pk}/").status_code == 404
    assert client_for(UserFactory()).get(f"/listings/{listing.pk}/").status_code == 404
    owner = UserFactory(company=listing.company)
    owner_page = client_for(owner).get(f"/listings/{listing.pk}/")
    assert owner_page.status_code == 200
    assert "只有您（发布企业）和工作人员能看到此页面" in owner_page.content.decode()
    assert client_for(staff_user).get(f"/listings/{listing.pk}/").status_code == 200


def test_demand_page_masks_contacts_for_ordinary_members(client_for, trustpass_member, member):
    lead = ListingFactory(kind="demand", title="求购无缝钢管", contact_phone="13800000000")
    masked = client_for(member).get(f"/listings/{lead.pk}/").content.decode()
    assert "13800000000" not in masked and 'data-testid="buyer-contact-masked"' in masked
    shown = client_for(trustpass_member).get(f"/listings/{lead.pk}/").content.decode()
    assert "13800000000" in shown


def test_description_markup_is_not_rendered(client_for):
    listing = ListingFactory(description="<script>alert(1)</script>" + DESCRIPTION)
    html = client_for(None).get(f"/listings/{listing.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
