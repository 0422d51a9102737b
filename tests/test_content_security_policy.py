"""The content-security policy allows no inline script (issue 17, finding 6): every kind of
page sends a `script-src` without 'unsafe-inline'/'unsafe-eval', and its HTML carries no
inline event handler (`on…=`), no `javascript:` link and no `<script>` without `src` other
than a JSON data island or one with the header's nonce."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from inquiries import services as inquiry_services
from listings.models import Listing
from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.storefront.conftest import shop_host
from trade import services as trade_services
from trade.models import MembershipOrder

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class ScriptAudit(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block (or what only it allows)."""

    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        for name, value in attrs:
            if re.fullmatch(r"on\w+", name):
                self.problems.append(f"<{tag} {name}=…> inline event handler")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script" and "src" not in attrs_d:
            # JSON data islands (JSON-LD too): a browser never runs them, so CSP has no say.
            if (attrs_d.get("type") or "").lower() in ("application/json", "application/ld+json"):
                return
            if self.nonce and attrs_d.get("nonce") == self.nonce:
                return
            self.problems.append(f"<script {attrs_d}> inline script")

    handle_startendtag = handle_starttag


def assert_no_inline_script(response, label: str) -> None:
    assert response.status_code == 200, (label, response.status_code)
    csp = policy(response)
    script_src = csp.get("script-src") or csp.get("default-src")
    assert script_src, (label, response.headers.get("Content-Security-Policy"))
    assert "'unsafe-inline'" not in script_src, label
    assert "'unsafe-eval'" not in script_src, label
    nonces = [w[len("'nonce-") : -1] for w in script_src if w.startswith("'nonce-")]
    audit = ScriptAudit(nonces[0] if nonces else None)
    audit.feed(response.content.decode())
    audit.close()
    assert audit.problems == [], (label, audit.problems)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def world(settings):
    """A TrustPass seller with a live listing, a buyer who favourited it, inquired and
    ordered, a buy lead, a listing waiting for review, and a staff user."""
    seller = UserFactory()
    TrustPassPeriodFactory(company=seller.company)
    listing = ListingFactory(
        company=seller.company,
        title="供应304不锈钢无缝钢管",
        fixed_price=True,
        supports_escrow=True,
        price="100.00",
        unit="件",
    )
    draft = ListingFactory(company=seller.company, status=Listing.Status.DRAFT)
    buyer = UserFactory()
    TrustPassPeriodFactory(company=buyer.company)
    inquiry_services.favourite_add(user=buyer, listing=listing)
    inquiry_services.favourite_add(user=buyer, company=seller.company)
    inquiry = inquiry_services.inquiry_send(
        sender=buyer, listing=listing, message="请问有现货吗？需要20件。", quantity=20
    )
    order = trade_services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=2)
    lead_owner = UserFactory()
    lead = ListingFactory(
        company=lead_owner.company,
        kind="demand",
        title="求购304不锈钢无缝钢管",
        contact_name="李采购",
        contact_phone="13800000000",
        contact_email="buyer@example.com",
    )
    now = timezone.now()
    pending = ListingFactory(
        status=Listing.Status.PENDING_REVIEW,
        submitted_at=now - timedelta(minutes=30),
        review_deadline=now + timedelta(minutes=15),
        published_at=None,
        first_published_at=None,
    )
    staff = UserFactory(is_staff=True, is_superuser=True)
    return {
        "seller": seller,
        "buyer": buyer,
        "staff": staff,
        "listing": listing,
        "draft": draft,
        "inquiry": inquiry,
        "order": order,
        "lead": lead,
        "pending": pending,
        "shop_host": shop_host(seller.company, settings),
    }


def test_public_pages(world, client):
    listing, company = world["listing"], world["seller"].company
    for path in (
        "/",
        "/search/?kind=supply&q=钢管",
        f"/categories/{listing.category.slug}/",
        f"/listings/{listing.pk}/",
        "/buy-leads/",
        f"/buy-leads/{world['lead'].pk}/",
        f"/companies/{company.member_id}/",
        f"/companies/{company.member_id}/credit/",
        "/trustpass/",
        "/trustpass/compare/",
        "/login/",
        "/register/",
        f"/shop/{company.member_id}/",
    ):
        assert_no_inline_script(client.get(path), path)


def test_storefront_on_its_host(world):
    client = Client()
    for path in ("/", "/products/", "/about/", "/credit/", "/contact/"):
        response = client.get(path, HTTP_HOST=world["shop_host"])
        assert_no_inline_script(response, f"{world['shop_host']}{path}")


def test_member_pages(world):
    buyer, seller = signed_in(world["buyer"]), signed_in(world["seller"])
    listing, draft, order = world["listing"], world["draft"], world["order"]
    confirming = {  # pages with a form that asks before it submits
        f"/listings/{listing.pk}/",
        "/my/favourites/",
        "/my/favourites/?tab=suppliers",
        "/my/shop/domain/?name=hzsteel&suffix=all",
    }
    for client, path in (
        (buyer, "/my/"),
        (buyer, f"/listings/{listing.pk}/"),
        (buyer, "/my/favourites/"),
        (buyer, "/my/favourites/?tab=suppliers"),
        (buyer, "/my/inbox/"),
        (buyer, f"/my/inbox/{world['inquiry'].pk}/"),
        (buyer, "/my/orders/"),
        (buyer, f"/my/orders/{order.pk}/"),
        (buyer, f"/my/orders/new/{listing.pk}/?quantity=2"),
        (buyer, "/my/trustpass/"),
        (buyer, f"/buy-leads/{world['lead'].pk}/quote/"),
        (buyer, f"/listings/{listing.pk}/inquire/"),
        (buyer, f"/listings/{listing.pk}/report/"),
        (seller, "/my/listings/"),
        (seller, "/my/listings/new/"),
        (seller, f"/my/listings/{draft.pk}/"),
        (seller, f"/my/listings/{draft.pk}/edit/"),
        (seller, "/my/stats/"),
        (seller, "/my/credit/"),
        (seller, "/my/notices/"),
        (seller, "/my/verification/"),
        (seller, "/my/shop/"),
        (seller, "/my/shop/featured/"),
        (seller, "/my/shop/domain/?name=hzsteel&suffix=all"),
        (seller, "/my/mailbox/"),
        (seller, "/my/mailbox/compose/"),
    ):
        response = client.get(path)
        assert_no_inline_script(response, path)
        if path in confirming:  # the moved onsubmit handlers: data-confirm + confirm.js
            assert "data-confirm=" in response.content.decode(), path


def test_trustpass_purchase_and_gateway_pages(world):
    buyer = signed_in(world["buyer"])
    response = buyer.post("/my/trustpass/", {"years": 1, "confirm": "on"}, follow=True)
    assert response.redirect_chain, "the purchase should go on to the payment page"
    assert_no_inline_script(response, response.redirect_chain[-1][0])
    order = MembershipOrder.objects.get(company=world["buyer"].company)
    path = f"/my/trustpass/orders/{order.pk}/"
    assert_no_inline_script(buyer.get(path), path)


def test_admin_pages(world):
    staff = signed_in(world["staff"])
    queue = "/admin/listings/reviewqueuelisting/"
    pending, listing = world["pending"], world["listing"]
    for path in (
        "/admin/login/",
        "/admin/",
        queue,
        f"{queue}{pending.pk}/change/",
        f"{queue}{pending.pk}/reject/",
        "/admin/listings/listing/",
        f"/admin/listings/listing/{listing.pk}/change/",
        "/admin/members/company/",
        f"/admin/members/company/{listing.company_id}/change/",
        f"/admin/trade/order/{world['order'].pk}/change/",
        "/admin/inquiries/inquiry/",
    ):
        client = Client() if path == "/admin/login/" else staff
        assert_no_inline_script(client.get(path), path)


def test_api_docs_page_and_its_script(client):
    response = client.get("/api/v1/docs/")
    assert_no_inline_script(response, "/api/v1/docs/")
    html = response.content.decode()
    script_src = re.findall(r'<script src="([^"]+)"', html)
    assert any("script=" in src for src in script_src), script_src  # the split view's init
    init = client.get([src for src in script_src if "script=" in src][0].replace("&amp;", "&"))
    assert init.status_code == 200
    assert init.headers["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in init.content and b"/api/v1/schema/" in init.content
