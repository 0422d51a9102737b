"""Issue 14: every permission check honours the colleague's role, on pages and in the API.

Administrator: everything. Listings: listings and images. Sales: inbox, inquiries, replies,
quotes, orders. Only administrators edit the company, manage colleagues, buy TrustPass, apply
for verification and manage the storefront. A refusal is 403 `role_required` (API) or the
403 page with a Chinese explanation; another company's object stays a 404.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inquiries.services import inquiry_send
from members.roles import ADMIN, LISTINGS, SALES
from tests.factories import CategoryFactory, ListingFactory, TrustPassPeriodFactory
from tests.listings.listing_factories import api_payload
from tests.members.colleague_factories import admin_user, api, colleague, page
from tests.trade.factories import EscrowListingFactory

pytestmark = pytest.mark.django_db

ROLES = (ADMIN, LISTINGS, SALES)


@pytest.fixture
def world():
    """Company A (TrustPass) with one account per role, a buyer company B that sent A an
    inquiry, and B's escrow listing A may order."""
    founder = admin_user()
    company = founder.company
    TrustPassPeriodFactory(company=company)
    users = {
        ADMIN: founder,
        LISTINGS: colleague(company, LISTINGS),
        SALES: colleague(company, SALES),
    }
    own_listing = ListingFactory(company=company)
    buyer = admin_user()
    TrustPassPeriodFactory(company=buyer.company)
    thread = inquiry_send(
        sender=buyer, message="请问304无缝钢管最低起订量和交货期是多少？", listing=own_listing
    )
    other_listing = EscrowListingFactory(company=buyer.company)
    return {
        "users": users,
        "company": company,
        "own_listing": own_listing,
        "thread": thread,
        "other_listing": other_listing,
        "buyer": buyer,
        "category": CategoryFactory(),
    }


def _api_calls(w):
    thread, own, other = w["thread"], w["own_listing"], w["other_listing"]
    return {
        "edit company": ("patch", "/api/v1/me/company/", {"phone": "0571-12345678"}),
        "list colleagues": ("get", "/api/v1/me/colleagues/", None),
        "invite colleague": (
            "post",
            "/api/v1/me/colleagues/",
            {"email": "new.colleague@example.com", "role": "sales"},
        ),
        "buy TrustPass": ("post", "/api/v1/memberships/orders/", {"years": 1}),
        "apply for verification": (
            "post",
            "/api/v1/verifications/",
            {"agency": "x", "registration_number": "1", "applicant_name": "王"},
        ),
        "post listing": ("post", "/api/v1/listings/", api_payload(w["category"])),
        "refresh listing": ("post", f"/api/v1/listings/{own.pk}/refresh/", None),
        "read inbox": ("get", "/api/v1/inbox/", None),
        "reply to inquiry": (
            "post",
            f"/api/v1/inbox/{thread.pk}/reply/",
            {"message": "您好，起订量 1 吨，现货 3 天内发货。"},
        ),
        "order": ("post", "/api/v1/orders/", {"listing": other.pk, "quantity": 1}),
    }


# What each role may do (True) in the API; the others must be 403 `role_required`.
API_ALLOWED = {
    "edit company": {ADMIN},
    "list colleagues": {ADMIN},
    "invite colleague": {ADMIN},
    "buy TrustPass": {ADMIN},
    "apply for verification": {ADMIN},
    "post listing": {ADMIN, LISTINGS},
    "refresh listing": {ADMIN, LISTINGS},
    "read inbox": {ADMIN, SALES},
    "reply to inquiry": {ADMIN, SALES},
    "order": {ADMIN, SALES},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(API_ALLOWED))
def test_api_honours_roles(world, role, action):
    method, url, body = _api_calls(world)[action]
    response = getattr(api(world["users"][role]), method)(url, body, format="json")
    if role in API_ALLOWED[action]:
        assert response.status_code != 403, response.content.decode()
        assert response.status_code < 500
    else:
        assert response.status_code == 403, response.content.decode()
        body = response.json()
        assert body["code"] == "role_required"
        assert "管理员" in body["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_reads_stay_open_to_every_role(world, role):
    client = api(world["users"][role])
    assert client.get("/api/v1/me/company/").status_code == 200
    assert client.get("/api/v1/listings/").status_code == 200
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["role"] == role


def test_sales_colleague_cannot_edit_the_company_or_buy_trustpass(world):
    sales = api(world["users"][SALES])
    response = sales.patch("/api/v1/me/company/", {"name": "别的名字"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "role_required"
    response = sales.post("/api/v1/memberships/orders/", {"years": 1}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "role_required"
    world["company"].refresh_from_db()
    assert world["company"].name != "别的名字"
    assert not world["company"].membership_orders.exists()


def test_listings_colleague_cannot_reply_to_inquiries(world):
    thread = world["thread"]
    response = api(world["users"][LISTINGS]).post(
        f"/api/v1/inbox/{thread.pk}/reply/", {"message": "我来回复一下"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "role_required",
        "detail": response.json()["detail"],
        "rule": None,
    }
    assert "“销售/询盘”或“管理员”" in response.json()["detail"]
    assert thread.messages.count() == 1


def test_token_callers_are_held_to_their_role_too(world):
    """The API's token is read before the view (DRF authenticates inside it)."""
    for role, expected in ((LISTINGS, 403), (SALES, 200)):
        token, _ = Token.objects.get_or_create(user=world["users"][role])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.get("/api/v1/inbox/")
        assert response.status_code == expected, (role, response.content)
    anonymous = APIClient().get("/api/v1/inbox/")
    assert anonymous.status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get("/api/v1/inbox/").status_code == 401


PAGES_ALLOWED = {
    "/my/company/": {ADMIN},
    "/my/colleagues/": {ADMIN},
    "/my/trustpass/": {ADMIN},
    "/my/verification/": {ADMIN},
    "/my/shop/": {ADMIN},
    "/my/credit/": {ADMIN},
    "/my/listings/new/": {ADMIN, LISTINGS},
    "/my/inbox/": {ADMIN, SALES},
    "/my/orders/": {ADMIN, SALES},
    "/my/mailbox/": {ADMIN, SALES},
    "/my/": {ADMIN, LISTINGS, SALES},
    "/my/listings/": {ADMIN, LISTINGS, SALES},
    "/my/notices/": {ADMIN, LISTINGS, SALES},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", sorted(PAGES_ALLOWED))
def test_pages_honour_roles(world, role, url):
    response = page(world["users"][role]).get(url)
    if role in PAGES_ALLOWED[url]:
        assert response.status_code == 200, (url, role, response.status_code)
    else:
        assert response.status_code == 403, (url, role, response.status_code)
        html = response.content.decode()
        assert "没有权限执行此操作" in html
        assert "此操作需要" in html and "请联系贵公司的管理员" in html


def test_page_posts_are_refused_before_anything_changes(world):
    thread = world["thread"]
    response = page(world["users"][LISTINGS]).post(
        f"/my/inbox/{thread.pk}/reply/", {"message": "我来回复一下"}
    )
    assert response.status_code == 403
    assert thread.messages.count() == 1
    response = page(world["users"][SALES]).post(f"/my/listings/{world['own_listing'].pk}/withdraw/")
    assert response.status_code == 403
    world["own_listing"].refresh_from_db()
    assert world["own_listing"].status == "live"


def test_dashboard_shows_the_role_and_hides_admin_links(world):
    html = page(world["users"][SALES]).get("/my/").content.decode()
    assert "您在本企业的角色：<strong>销售/询盘</strong>" in html
    assert "/my/colleagues/" not in html
    html = page(world["users"][ADMIN]).get("/my/").content.decode()
    assert "/my/colleagues/" in html and "/my/company/" in html


def test_another_companys_colleague_gets_404(world):
    """Roles never widen ownership: another company's sales colleague may reply to inquiries,
    but not to A's (404), and B's administrator cannot touch A's colleagues."""
    outsider_sales = colleague(admin_user().company, SALES)
    response = api(outsider_sales).post(
        f"/api/v1/inbox/{world['thread'].pk}/reply/", {"message": "不是我的询盘"}, format="json"
    )
    assert response.status_code == 404
    assert page(outsider_sales).get(f"/my/inbox/{world['thread'].pk}/").status_code == 404
    a_sales = world["users"][SALES]
    b_admin = api(world["buyer"])
    assert b_admin.delete(f"/api/v1/me/colleagues/user-{a_sales.pk}/").status_code == 404
    response = b_admin.patch(
        f"/api/v1/me/colleagues/user-{a_sales.pk}/", {"role": "admin"}, format="json"
    )
    assert response.status_code == 404
    assert page(world["buyer"]).get(f"/my/colleagues/{a_sales.pk}/remove/").status_code == 404
    a_sales.refresh_from_db()
    assert a_sales.company_id == world["company"].pk and a_sales.role == SALES
