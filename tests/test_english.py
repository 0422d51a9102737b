"""Issue 15, part 4 ("whole English"): with English chosen, no page and no e-mail shows a
Chinese (CJK) character that does not come from user data.

How the site switches language: `LocaleMiddleware` reads the `django_language` cookie that
`set_language` (the menu in the page header) writes, else the Accept-Language header; there
is no /en/ prefix. The test clients send both.

The pages: every URL name of the root URLconf (`SAMPLES` gives each the arguments of a seeded
object; a URL name without a sample fails the test, so a new page cannot be left out), each
fetched by the people it is for (a visitor, the seller that owns the objects, the buyer of
its orders), every Django admin page a superuser reaches (index, each app, each model's
list, add form and the change form and history of a seeded row, and the custom decision
pages), and a storefront on its own host. API endpoints (JSON) and files (images, XML,
text) are not pages and are skipped.

The e-mails: every event of `members.notices.EVENTS` rendered by `members.notices.render`
and wrapped by `email_message`, and the account e-mails (password reset, e-mail
confirmation and change, colleague invitation), each under `translation.override("en")`.

User data is ASCII wherever the test creates it, so any CJK left is a bug. What the
database holds in Chinese anyway (notices are stored in the site's language; permission
names; notes and reasons services store) is user data: every CJK string found in the
database is removed from the text before it is checked. The failure message lists, per
URL and visitor, the offending snippets.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from PIL import Image

from members import notices
from members.account_services import email_confirmation_token, uid_encode
from members.models import (
    CompanyChangeRequest,
    Notice,
    User,
    VerificationAgency,
    VerificationApplication,
)
from tests.factories import CategoryFactory, CompanyFactory, TrustPassPeriodFactory, UserFactory

pytestmark = pytest.mark.django_db

# CJK ideographs and radicals, kana, bopomofo, CJK symbols and punctuation (、。「」【】…),
# compatibility ideographs and forms, full-width forms (，：（）！？…).
CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
ENGLISH = "en"

# --- what a person sees of a page ------------------------------------------------------------

_SEEN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "data-confirm", "label"}


class _Seen(HTMLParser):
    """The text nodes and the attributes a person reads (tooltips, placeholders, button
    values, confirmation questions, the description a search engine shows)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs.items():
            if value and name in _SEEN_ATTRIBUTES:
                self.chunks.append(value)
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attrs.get("value") or "")
        if tag == "meta" and (
            attrs.get("name") == "description" or (attrs.get("property") or "").startswith("og:")
        ):
            self.chunks.append(attrs.get("content") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data)


def seen_text(content: str) -> list[str]:
    parser = _Seen()
    parser.feed(content)
    parser.close()
    return parser.chunks


def user_data() -> list[str]:
    """Every CJK string the database holds (longest first): the site's data, not its words."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._default_manager.all().values_list(*fields):
            for value in row:
                for text in _strings(value):
                    if CJK.search(text):
                        found.add(text)
                        # Pages show a long text in pieces: its lines, links taken out.
                        for line in text.splitlines():
                            found.update(p for p in _URL.split(line) if CJK.search(p))
    return sorted(found, key=len, reverse=True)


_URL = re.compile(r"https?://\S+")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def cjk_snippets(chunks: list[str], data: list[str]) -> list[str]:
    """The places in `chunks` where CJK is left once the user data is taken out."""
    found = []
    for chunk in chunks:
        text = " ".join(chunk.split())
        for value in data:
            if value in text:
                text = text.replace(value, "·")
            flat = " ".join(value.split())
            if flat != value and flat in text:
                text = text.replace(flat, "·")
        for match in CJK.finditer(text):
            start = max(0, match.start() - 30)
            snippet = text[start : match.end() + 30]
            if snippet not in found:
                found.append(snippet)
    return found


# --- the seeded marketplace -------------------------------------------------------------------


def _png(size=(640, 480), color=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _upload(name="photo.png", size=(640, 480)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _png(size), content_type="image/png")


@dataclass
class World:
    seller: User
    buyer: User
    staff: User
    colleague: User
    objects: dict


def _ascii_company(n: int, **kwargs):
    return CompanyFactory(
        name=f"Acme Steel Works {n}",
        contact_name=f"Alice Smith {n}",
        province="",
        city="Hangzhou",
        industry="Metals",
        address="1 Harbour Road",
        summary="Seamless steel pipes and fittings",
        main_products="steel pipe, fittings",
        **kwargs,
    )


def _user(company, username, **kwargs) -> User:
    return UserFactory(
        company=company,
        username=username,
        email=f"{username}@example.com",
        email_confirmed_at=timezone.now(),
        **kwargs,
    )


def _listing(company, category, **overrides):
    from listings.models import Listing

    now = timezone.now()
    values = {
        "company": company,
        "kind": Listing.Kind.SUPPLY,
        "status": Listing.Status.LIVE,
        "title": "Seamless stainless steel pipe",
        "keyword": "steel pipe",
        "category": category,
        "description": "Seamless stainless steel pipe in every size, delivered on time.",
        "brand": "Acme",
        "model": "TP304",
        "spec": "57x3.5",
        "unit": "t",
        "min_order": 1,
        "price": Decimal("100.00"),
        "fixed_price": True,
        "supports_escrow": True,
        "province": "",
        "city": "Hangzhou",
        "published_at": now,
        "first_published_at": now,
        "went_live_at": now,
        "expires_at": now + timedelta(days=30),
    }
    values.update(overrides)
    return Listing.objects.create(**values)


@pytest.fixture
def world(settings) -> World:
    """A small marketplace in ASCII: a verified TrustPass seller with listings of every
    status and pictures, a storefront, certificates, references, a mailbox, colleagues and
    an invitation; a TrustPass buyer with inquiries, a quotation, favourites and an order in
    each status, reviews, a report and a dispute; notices of every event; a superuser."""
    from credit import services as credit_services
    from credit.models import Certificate
    from inquiries import services as inquiry_services
    from listings import image_services as listing_images
    from listings.models import Listing
    from members import colleague_services, company_services, verification_services
    from storefront import services as shop_services
    from trade import disputes, trustpass_services
    from trade import services as trade_services
    from trade.models import Order

    settings.MAIN_SITE_URL = "http://testserver"
    o: dict = {}
    seller_co = _ascii_company(1, member_id="acme")
    buyer_co = _ascii_company(2, member_id="bolt")
    for company in (seller_co, buyer_co):
        TrustPassPeriodFactory(company=company)
    seller = _user(seller_co, "alice")
    buyer = _user(buyer_co, "bob")
    colleague = _user(seller_co, "carol", role=User.Role.LISTINGS)
    staff = _user(None, "root", is_staff=True, is_superuser=True)

    parent = CategoryFactory(name="Metals", slug="metals")
    category = CategoryFactory(name="Steel pipe", slug="steel-pipe", parent=parent)
    o["category"] = category

    # Identity verification (approved, with its certificate code) and a pending change.
    agency = VerificationAgency.objects.create(name="Acme Verification Agency", active=True)
    app = verification_services.verification_apply(
        company=seller_co,
        agency=str(agency.pk),
        registration_number="91330100716105852F",
        applicant_name="Alice Smith",
        by=seller,
    )
    app = verification_services.verification_approve(application=app, by=staff)
    o["certificate_code"] = VerificationApplication.objects.get(pk=app.pk).certificate_code
    pending_co = _ascii_company(3, member_id="pending-co")
    TrustPassPeriodFactory(company=pending_co)
    o["pending_application"] = VerificationApplication.objects.create(
        company=pending_co,
        agency=agency,
        registration_number="9144030071526726XG",
        applicant_name="Dan Brown",
    )
    company_services.company_profile_update(
        company=seller_co, by=seller, changes={"name": "Acme Steel Works Ltd"}
    )
    o["change_request"] = CompanyChangeRequest.objects.get(company=seller_co)

    # Colleagues: an invitation waiting.
    o["invitation"] = colleague_services.colleague_invite(
        company=seller_co, by=seller, email="dave@example.com", role=User.Role.SALES
    )

    # Listings of every status, the live one with pictures.
    live = _listing(seller_co, category)
    listing_images.listing_image_add(listing=live, upload=_upload("pipe.png"))
    listing_images.listing_image_add(listing=live, upload=_upload("pipe2.png", (500, 700)))
    # New images send a live listing back to review: this one stays live.
    Listing.objects.filter(pk=live.pk).update(status=Listing.Status.LIVE)
    live.refresh_from_db()
    o["listing"] = live
    o["image"] = live.images.first()
    for status in ("draft", "pending_review", "rejected", "expired", "withdrawn"):
        extra = {}
        if status == "rejected":
            extra["rejection_reasons"] = [{"code": "title", "detail": "The title is too short."}]
        if status == "pending_review":
            extra["submitted_at"] = timezone.now()
            extra["review_deadline"] = timezone.now() + timedelta(days=1)
        o[f"listing_{status}"] = _listing(
            seller_co, category, status=status, title=f"Steel pipe ({status})", **extra
        )
    lead = _listing(
        buyer_co,
        category,
        kind=Listing.Kind.DEMAND,
        title="Wanted: steel pipe",
        fixed_price=False,
        supports_escrow=False,
        contact_name="Bob Jones",
        contact_phone="13800000000",
        contact_email="bob@example.com",
    )
    o["buy_lead"] = lead

    # Inquiries, a quotation, favourites, a report.
    o["inquiry"] = inquiry_services.inquiry_send(
        sender=buyer, listing=live, message="Please send your best price.", quantity=5
    )
    inquiry_services.inquiry_reply(
        sender=seller, inquiry_id=o["inquiry"].pk, message="100 per tonne."
    )
    inquiry_services.quote_send(
        sender=seller, listing=lead, unit_price="99.00", quantity=10, message="We can supply."
    )
    o["favourite"] = inquiry_services.favourite_add(user=buyer, listing=live)
    inquiry_services.favourite_add(user=buyer, company=seller_co)
    o["report"] = inquiry_services.report_create(
        reporter=buyer, listing=live, reason="duplicate", detail="Posted twice."
    )

    # Orders: one in each status (services, so every notice and score follows).
    def order(quantity=1):
        return trade_services.order_create(buyer=buyer_co, listing_id=live.pk, quantity=quantity)

    def paid():
        new = order()
        trade_services.order_pay(order_id=new.pk, by=buyer_co)
        return new

    o["order_created"] = order()
    o["order_paid"] = paid()
    shipped = paid()
    trade_services.order_ship(order_id=shipped.pk, by=seller_co, tracking_no="SF123456")
    o["order_shipped"] = shipped
    completed = paid()
    trade_services.order_ship(order_id=completed.pk, by=seller_co, tracking_no="SF654321")
    trade_services.order_confirm(order_id=completed.pk, by=buyer_co)
    o["order_completed"] = completed
    refunded = paid()
    trade_services.order_refund(order_id=refunded.pk, by=buyer_co, reason="Wrong size ordered")
    o["order_refunded"] = refunded
    cancelled = order()
    trade_services.order_cancel(order_id=cancelled.pk, by=buyer_co)
    o["order_cancelled"] = cancelled
    disputed = paid()
    disputes.order_dispute(
        order_id=disputed.pk, by=buyer_co, reason="The goods never arrived.", user=buyer
    )
    o["order_disputed"] = disputed
    decided = paid()
    disputes.order_dispute(order_id=decided.pk, by=buyer_co, reason="Damaged.", user=buyer)
    disputes.dispute_decide(
        order_id=decided.pk, decision="release", reason="Delivery was proven.", staff_user=staff
    )
    o["order_decided"] = decided
    expired = order()
    Order.objects.filter(pk=expired.pk).update(
        status=Order.Status.EXPIRED, expired_at=timezone.now()
    )
    o["order_expired"] = expired
    unpaid = order()
    _, payment = trade_services.order_pay(order_id=unpaid.pk, by=buyer_co, interactive=True)
    o["payment"] = payment

    # Reviews both ways on the completed trade.
    credit_services.review_record(
        order_id=completed.pk, reviewer=buyer_co, rating="positive", comment="Fast delivery."
    )
    credit_services.review_record(
        order_id=completed.pk, reviewer=seller_co, rating="positive", comment="Paid promptly."
    )

    # Certificates (pending, verified, rejected) and a credit reference.
    certificates = [
        credit_services.certificate_upload(
            company=seller_co,
            kind=Certificate.Kind.PRODUCT,
            title=f"ISO 9001 certificate {n}",
            image=_upload(f"cert{n}.png"),
            by=seller,
        )
        for n in range(3)
    ]
    credit_services.certificate_verify(certificate_id=certificates[1].pk, by=staff)
    credit_services.certificate_reject(
        certificate_id=certificates[2].pk, reason="The scan is unreadable.", by=staff
    )
    o["certificate"] = certificates[0]
    o["reference"] = credit_services.reference_add(
        company=seller_co,
        name="Eve Adams",
        firm="Harbour Trading",
        relation="Customer",
        contact="eve@example.com",
    )

    # The storefront: settings, a banner, an introduction image, featured listings, a domain,
    # a mailbox message with an attachment.
    shop_services.shop_settings_update(
        company=seller_co, slogan="Pipes since 1990", introduction="We make steel pipes."
    )
    shop_services.shop_banner_set(company=seller_co, upload=_upload("banner.png", (1200, 200)))
    o["shop_image"] = shop_services.introduction_image_upload(
        company=seller_co, upload=_upload("factory.png", (300, 200))
    )
    shop_services.featured_set(company=seller_co, listing_ids=[live.pk])
    shop_services.domain_register(company=seller_co, name="acmepipes", suffix=".cn")
    raw = (
        b"From: Bob Jones <bob@example.com>\r\nTo: acme@mail.localhost\r\n"
        b"Subject: Price request\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nPlease quote 10 t.\r\n"
        b"--b1\r\nContent-Type: text/plain\r\n"
        b'Content-Disposition: attachment; filename="spec.txt"\r\n\r\nsize 57x3.5\r\n--b1--\r\n'
    )
    (message,) = shop_services.mail_deliver(
        recipients=[f"acme@{settings.MAIL_DOMAIN}"], envelope_from="bob@example.com", raw=raw
    )
    o["mail"] = message
    o["attachment"] = message.attachments.first()

    # A TrustPass purchase waiting for its payment.
    o["membership_order"], _ = trustpass_services.trustpass_purchase_start(
        company=seller_co, years=1, by=seller
    )

    # Notices of every event not made above (stored in the site's language: user data).
    for event in notices.EVENTS:
        if not Notice.objects.filter(company=seller_co, kind=event).exists():
            Notice.objects.create(company=seller_co, kind=event, title=event, body=event)

    o["seller_co"], o["buyer_co"] = seller_co, buyer_co
    mail.outbox.clear()
    return World(seller=seller, buyer=buyer, staff=staff, colleague=colleague, objects=o)


# --- every URL name of the root URLconf -------------------------------------------------------

# (persona, kwargs, follow): personas are "anon", "seller", "buyer", "staff".
PUBLIC = ("anon", "seller")
OWNER = ("seller",)
PARTIES = ("seller", "buyer")


def samples(w: World) -> dict[str, list[tuple[tuple[str, ...], dict, bool]]]:
    o = w.objects
    seller_uid = uid_encode(w.seller)
    from members.colleague_services import invitation_token

    def one(personas, follow=False, **kwargs):
        return [(personas, kwargs, follow)]

    orders = [
        o[k]
        for k in (
            "order_created",
            "order_paid",
            "order_shipped",
            "order_completed",
            "order_refunded",
            "order_cancelled",
            "order_disputed",
            "order_decided",
            "order_expired",
        )
    ]
    listings = [o["listing"]] + [
        o[f"listing_{s}"] for s in ("draft", "pending_review", "rejected", "expired", "withdrawn")
    ]
    return {
        "home": one(PUBLIC),
        "set_language": one(PUBLIC),
        # Members
        "members:register": one(("anon",)),
        "members:login": one(("anon",)),
        "members:logout": one(OWNER),
        "members:dashboard": one(("seller", "buyer", "staff")),
        "members:password_reset": one(("anon",)),
        "members:password_reset_done": one(("anon",)),
        "members:password_reset_confirm": [
            (("anon",), {"uidb64": seller_uid, "token": "bad-token"}, False),
            (
                ("anon",),
                {"uidb64": seller_uid, "token": default_token_generator.make_token(w.seller)},
                True,
            ),
        ],
        "members:password_reset_complete": one(("anon",)),
        "members:email_confirm": [
            (("anon",), {"uidb64": seller_uid, "token": "bad-token"}, False),
            (
                ("anon", "seller"),
                {"uidb64": seller_uid, "token": email_confirmation_token.make_token(w.seller)},
                False,
            ),
        ],
        "members:account": one(OWNER),
        "members:password_change": one(OWNER),
        "members:email_change": one(OWNER),
        "members:email_confirm_resend": one(OWNER),
        "members:sessions_end": one(OWNER),
        "members:token_revoke": one(OWNER),
        "members:verification": one(("seller", "buyer")),
        "members:company_profile": one(OWNER),
        "members:colleagues": one(OWNER),
        "members:colleague_role": one(OWNER, user_id=w.colleague.pk),
        "members:colleague_remove": one(OWNER, user_id=w.colleague.pk),
        "members:invitation_revoke": one(OWNER, pk=o["invitation"].pk),
        "members:invitation_resend": one(OWNER, pk=o["invitation"].pk),
        "members:invitation_accept": [
            (("anon", "buyer"), {"token": invitation_token(o["invitation"])}, False),
            (("anon",), {"token": "not-a-token"}, False),
        ],
        "members:notices": one(OWNER),
        "members:notices_read": one(OWNER),
        "members:notice_settings": one(OWNER),
        "members:trustpass": one(PUBLIC),
        "members:trustpass_compare": one(PUBLIC),
        "members:company": one(PUBLIC, member_id="acme"),
        "members:certificate_check": [
            (PUBLIC, {}, False),
        ],
        "members:certificate": [
            (PUBLIC, {"code": o["certificate_code"]}, False),
            (("anon",), {"code": "ABCDEFGHJKLM"}, False),
        ],
        # Listings
        "listings:detail": [(PUBLIC + ("buyer",), {"pk": o["listing"].pk}, False)],
        "listings:mine": one(OWNER),
        "listings:new": one(OWNER),
        "listings:manage": [(OWNER, {"pk": x.pk}, False) for x in listings],
        "listings:edit": [(OWNER, {"pk": x.pk}, False) for x in listings],
        "listings:submit": one(OWNER, pk=o["listing_draft"].pk),
        "listings:refresh": one(OWNER, pk=o["listing"].pk),
        "listings:withdraw": one(OWNER, pk=o["listing"].pk),
        "listings:image_upload": one(OWNER, pk=o["listing"].pk),
        "listings:image_delete": one(OWNER, pk=o["listing"].pk, image_id=o["image"].pk),
        "listings:image_move": one(OWNER, pk=o["listing"].pk, image_id=o["image"].pk),
        # Search
        "search:search": [
            (PUBLIC, {}, False),
        ],
        "search:category": one(PUBLIC, slug="steel-pipe"),
        "search:buy_leads": one(PUBLIC),
        "search:buy_lead_detail": one(("anon", "seller", "buyer"), pk=o["buy_lead"].pk),
        # Inquiries
        "inquiries:listing_inquire": one(("anon", "buyer"), pk=o["listing"].pk),
        "inquiries:listing_report": one(("anon", "buyer"), pk=o["listing"].pk),
        "inquiries:buy_lead_quote": one(("seller",), pk=o["buy_lead"].pk),
        "inquiries:inbox": one(PARTIES),
        "inquiries:inbox_read_all": one(OWNER),
        "inquiries:inbox_thread": one(PARTIES, pk=o["inquiry"].pk),
        "inquiries:inbox_reply": one(PARTIES, pk=o["inquiry"].pk),
        "inquiries:favourites": one(("buyer",)),
        "inquiries:favourite_add": one(("buyer",)),
        "inquiries:favourite_remove": one(("buyer",), pk=o["favourite"].pk),
        "inquiries:stats": one(OWNER),
        # Credit
        "credit:archive": one(PUBLIC, member_id="acme"),
        "credit:my_credit": one(OWNER),
        "credit:certificate_upload": one(OWNER),
        "credit:certificate_delete": one(OWNER, certificate_id=o["certificate"].pk),
        "credit:reference_add": one(OWNER),
        "credit:reference_delete": one(OWNER, reference_id=o["reference"].pk),
        "credit:review_create": [
            (PARTIES, {"order_id": x.pk}, False)
            for x in (o["order_completed"], o["order_refunded"])
        ],
        # Trade
        "trade:order_list": one(PARTIES),
        "trade:order_new": one(("buyer",), listing_id=o["listing"].pk),
        "trade:order_detail": [(PARTIES, {"pk": x.pk}, False) for x in orders],
        "trade:order_pay": one(("buyer",), pk=o["order_created"].pk),
        "trade:order_ship": one(OWNER, pk=o["order_paid"].pk),
        "trade:order_confirm": one(("buyer",), pk=o["order_shipped"].pk),
        "trade:order_refund": one(PARTIES, pk=o["order_paid"].pk),
        "trade:order_cancel": one(("buyer",), pk=o["order_created"].pk),
        "trade:order_dispute": one(("buyer",), pk=o["order_shipped"].pk),
        "trade:trustpass_buy": one(OWNER),
        "trade:trustpass_purchase": one(OWNER, pk=o["membership_order"].pk),
        "trade:trustpass_resume": one(OWNER, pk=o["membership_order"].pk),
        "trade:test_gateway_pay": one(("buyer",), number=o["payment"].number),
        "trade:payment_notify": one(("anon",), gateway="test"),
        # Storefront
        "storefront:home": one(PUBLIC, member_id="acme"),
        "storefront:products": one(PUBLIC, member_id="acme"),
        "storefront:introduction": one(PUBLIC, member_id="acme"),
        "storefront:credit": one(PUBLIC, member_id="acme"),
        "storefront:contact": one(PUBLIC, member_id="acme"),
        "storefront:manage": one(OWNER),
        "storefront:banner_upload": one(OWNER),
        "storefront:banner_remove": one(OWNER),
        "storefront:image_upload": one(OWNER),
        "storefront:image_delete": one(OWNER, image_id=o["shop_image"].pk),
        "storefront:featured": one(OWNER),
        "storefront:domain": one(OWNER),
        "storefront:domain_register": one(OWNER),
        "storefront:mailbox": one(OWNER),
        "storefront:mail_detail": one(OWNER, message_id=o["mail"].pk),
        "storefront:mail_delete": one(OWNER, message_id=o["mail"].pk),
        "storefront:mail_attachment": one(
            OWNER, message_id=o["mail"].pk, attachment_id=o["attachment"].pk
        ),
        "storefront:mail_compose": one(OWNER),
    }


# Not pages: files, feeds, probes, the JSON API.
NOT_PAGES = {
    "favicon",
    "healthz",
    "readyz",
    "sitemap",
    "sitemap-section",
    "robots",
    "metrics",
}


def url_names() -> list[str]:
    names = []

    def walk(patterns, namespace=None, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                full = prefix + str(p.pattern)
                if full.startswith(("admin/", "api/")):
                    continue
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names) - NOT_PAGES)


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=ENGLISH)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ENGLISH
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# The language menu names each language in its own name (简体中文 is meant to be Chinese).
LANGUAGE_NAMES = [
    translation.get_language_info(code)["name_local"] for code, _ in settings.LANGUAGES
]


class Report:
    """The places that show CJK, each snippet once per URL name (numbers aside: a 30-day
    chart repeats one label thirty times), with how often it was seen."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list] = {}
        self.data = user_data() + LANGUAGE_NAMES
        self.pages = 0

    def add(self, label: str, problem: str) -> None:
        key = (label.split(" [")[-1].split(",")[0], re.sub(r"\d+", "#", problem))
        if key in self.found:
            self.found[key][1] += 1
        else:
            self.found[key] = [f"{label}: {problem}", 1]

    @property
    def problems(self) -> list[str]:
        return [text + (f" (×{n})" if n > 1 else "") for text, n in self.found.values()]

    def check(self, label: str, response) -> None:
        if response.status_code >= 500:
            self.add(label, f"HTTP {response.status_code}")
            return
        content_type = response.get("Content-Type", "")
        if "text/html" not in content_type or getattr(response, "streaming", False):
            return
        self.pages += 1
        snippets = cjk_snippets(seen_text(response.content.decode()), self.data)
        if snippets:
            # Data written while the pages were fetched (views, notices) is data too.
            self.data = user_data() + LANGUAGE_NAMES
            snippets = cjk_snippets(seen_text(response.content.decode()), self.data)
        for snippet in snippets:
            self.add(label, f"…{snippet}…")

    def assert_clean(self, what: str) -> None:
        assert not self.problems, (
            f"{len(self.problems)} places show Chinese with English chosen ({what}):\n"
            + "\n".join(self.problems)
        )


def test_every_page_in_english(world):
    clients = {
        "anon": _client(None),
        "seller": _client(world.seller),
        "buyer": _client(world.buyer),
        "staff": _client(world.staff),
    }
    table = samples(world)
    missing = [name for name in url_names() if name not in table]
    assert not missing, f"URL names without a sample in tests/test_english.py: {missing}"
    report = Report()
    for name, rows in table.items():
        for personas, kwargs, follow in rows:
            url = reverse(name, kwargs=kwargs)
            for persona in personas:
                response = clients[persona].get(url, follow=follow)
                report.check(f"{url} [{name}, {persona}]", response)
    # A storefront on its own host (R-F1).
    host = f"acme.{settings.STOREFRONT_DOMAIN}"
    for path in ("/", "/products/", "/about/", "/credit/", "/contact/", "/no-such-page/"):
        response = clients["anon"].get(path, HTTP_HOST=host)
        report.check(f"http://{host}{path} [storefront host, anon]", response)
    # The error pages.
    for url in ("/no-such-page/", "/listings/999999/", "/companies/no-such-company/"):
        report.check(f"{url} [404, anon]", clients["anon"].get(url))
    assert report.pages > 150
    report.assert_clean("pages")


def _admin_urls(world) -> list[str]:
    urls = [reverse("admin:index")]
    seen_apps = set()
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in seen_apps:
            seen_apps.add(opts.app_label)
            urls.append(reverse("admin:app_list", kwargs={"app_label": opts.app_label}))
        base = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{base}_changelist"))
        urls.append(reverse(f"{base}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{base}_change", args=[obj.pk]))
            urls.append(reverse(f"{base}_history", args=[obj.pk]))
    o = world.objects
    for decision in ("approve", "reject"):
        urls.append(
            reverse(
                "admin:members_verificationapplication_decide",
                args=[o["pending_application"].pk, decision],
            )
        )
        urls.append(
            reverse(
                "admin:members_companychangerequest_decide",
                args=[o["change_request"].pk, decision],
            )
        )
        urls.append(
            reverse(f"admin:listings_listing_{decision}", args=[o["listing_pending_review"].pk])
        )
        urls.append(
            reverse(
                f"admin:listings_reviewqueuelisting_{decision}",
                args=[o["listing_pending_review"].pk],
            )
        )
    verified = VerificationApplication.objects.get(status="approved")
    urls.append(
        reverse("admin:members_verificationapplication_decide", args=[verified.pk, "revoke"])
    )
    return urls


def test_every_admin_page_in_english(world):
    client = _client(world.staff)
    report = Report()
    for url in _admin_urls(world):
        report.check(f"{url} [admin, staff]", client.get(url))
    assert report.pages > 80
    report.assert_clean("admin pages")


# --- every e-mail -------------------------------------------------------------------------------


def _notice_contexts(world) -> dict[str, list[dict]]:
    """A context for each notice event, as its sender passes it (and its variants)."""
    o = world.objects
    order = o["order_shipped"]
    base = {
        "order": order,
        "listing_title": order.listing.title,
        "unit": order.listing.unit,
        "role": "seller",
        "role_label": "seller",
        "other_party": o["buyer_co"].name,
        "status_label": order.get_status_display(),
    }
    seller_co, buyer_co = o["seller_co"], o["buyer_co"]
    now = timezone.now()
    verified = VerificationApplication.objects.get(status="approved")
    return {
        "listing_approved": [{"title": "Steel pipe", "expires_at": now}, {"title": "Steel pipe"}],
        "listing_rejected": [
            {"title": "Steel pipe", "reasons": [{"detail": "The title is too short."}]}
        ],
        "listing_expiring": [{"title": "Steel pipe", "expires_at": now}],
        "listing_expired": [{"title": "Steel pipe", "expired_at": now}],
        "inquiry_received": [
            {"sender": buyer_co, "subject": "Price?", "message": "Hi", "quantity": "5 t"},
            {"sender": buyer_co, "subject": "Price?", "message": "Hi"},
        ],
        "quote_received": [
            {
                "sender": seller_co,
                "subject": "Wanted: pipe",
                "message": "We can supply.",
                "unit_price": "99.00",
                "quantity": 10,
            }
        ],
        "inquiry_replied": [{"sender": seller_co, "subject": "Price?", "message": "100/t"}],
        "order_created": [{**base, "buyer_name": buyer_co.name, "quantity": 1}],
        "order_paid": [base],
        "order_shipped": [
            {**base, "confirm_by": now, "days": 10},
            {**base, "order": o["order_paid"]},
        ],
        "order_completed": [
            {**base, "auto": True, "days": 10},
            {**base, "auto": False, "decided": "Delivery was proven."},
            {**base, "auto": False},
        ],
        "order_refunded": [
            {**base, "who": "the buyer", "reason": "Wrong size"},
            {**base, "who": "the seller"},
        ],
        "order_cancelled": [
            {**base, "expired": True, "hours": 72, "role": "buyer"},
            {**base, "expired": False},
        ],
        "order_disputed": [{**base, "reason": "Never arrived."}],
        "review_received": [
            {
                "order_id": order.pk,
                "reviewer_name": buyer_co.name,
                "rating": "positive",
                "rating_label": "positive",
                "points": "+2",
                "comment": "Fast delivery.",
            },
            {
                "order_id": order.pk,
                "reviewer_name": buyer_co.name,
                "rating": "neutral",
                "rating_label": "neutral",
                "points": "",
                "comment": "",
            },
        ],
        "verification_decided": [
            {
                "decision": "approved",
                "agency": verified.agency.name,
                "reason": "",
                "certificate_code": verified.certificate_code,
            },
            {"decision": "rejected", "agency": verified.agency.name, "reason": "Blurred scan."},
            {"decision": "revoked", "agency": verified.agency.name, "reason": "Licence revoked."},
        ],
        "trustpass_granted": [{"starts_on": now.date(), "last_day": now.date()}],
        "trustpass_renewal": [
            {"days_left": days, "last_day": now.date(), "ends_on": now.date()} for days in (1, 7)
        ],
        "company_change_decided": [
            {
                "approved": approved,
                "change_request": CompanyChangeRequest(name=name, registration_number=number),
                "reason": "The name differs from the licence.",
            }
            for approved in (True, False)
            for name, number in (
                ("Acme Ltd", "91330100716105852F"),
                ("Acme Ltd", ""),
                ("", "91330100716105852F"),
                ("", ""),
            )
        ],
    }


def _email_problems(label: str, message) -> list[str]:
    chunks = [message.subject, message.body]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            chunks += seen_text(content)
    return [f"{label}: …{s}…" for s in cjk_snippets(chunks, [])]


def test_every_notice_email_in_english(world):
    contexts = _notice_contexts(world)
    assert set(contexts) == set(notices.EVENTS), "a notice event without a context here"
    company = world.objects["seller_co"]
    problems = []
    with translation.override(ENGLISH):
        for event, variants in contexts.items():
            for n, context in enumerate(variants):
                title, body = notices.render(event, company=company, context=context, url="/my/")
                notice = Notice(company=company, kind=event, title=title, body=body, url="/my/")
                message = notices.email_message(notice, "alice@example.com")
                problems += _email_problems(f"notice {event} #{n}", message)
            assert str(notices.EVENTS[event].label) and not CJK.search(
                str(notices.EVENTS[event].label)
            ), f"the label of {event} on the notice settings page"
    assert not problems, "Chinese in English notice e-mails:\n" + "\n".join(problems)


def test_account_emails_in_english(world, django_capture_on_commit_callbacks):
    """Password reset, e-mail confirmation and change, colleague invitation: sent in the
    language of the page the person used (each goes to the one who asked, or to the
    colleague the administrator invites)."""
    from members import account_services, colleague_services

    client = _client(None)
    seller = _client(world.seller)
    mail.outbox.clear()
    # The pages' e-mails: the request's language comes from the English client.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:password_reset"), {"email": "alice@example.com"})
        seller.post(
            reverse("members:email_change"),
            {"email": "alice.new@example.com", "password": "Secret-pass-2026"},
        )
    with translation.override(ENGLISH), django_capture_on_commit_callbacks(execute=True):
        account_services.email_confirmation_send(user=world.buyer)
        colleague_services.colleague_invite(
            company=world.objects["seller_co"],
            by=world.seller,
            email="erin@example.com",
            role=User.Role.LISTINGS,
        )
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) >= 4, subjects
    problems = []
    for n, message in enumerate(mail.outbox):
        problems += _email_problems(f"account e-mail #{n} ({message.subject})", message)
    assert not problems, "Chinese in English account e-mails:\n" + "\n".join(problems)


def test_notices_are_written_in_the_sites_language(world):
    """A notice is stored once for the whole company, so an English request does not make it
    English: it is written in LANGUAGE_CODE (and its e-mail too)."""
    company = world.objects["seller_co"]
    with translation.override(ENGLISH):
        notice = notices.notify(
            company=company, event="listing_expired", context={"title": "Pipe"}, url="/my/"
        )
        message = notices.email_message(notice, "alice@example.com")
    assert CJK.search(notice.title) and CJK.search(notice.body)
    assert "Pipe" in notice.title
    with translation.override(settings.LANGUAGE_CODE):
        chinese = notices.email_message(notice, "alice@example.com")
    assert CJK.search(chinese.subject)
    assert message.subject != chinese.subject  # email_message itself follows the language


def test_language_menu_names_each_language_in_its_own_name(world):
    for language in ("zh-hans", ENGLISH):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get("/").content.decode()
        menu = page[page.index('name="language"') : page.index("</select>")]
        assert ">English</option>" in menu
        assert ">简体中文</option>" in menu
        assert "英语" not in menu


def test_english_response_is_english_and_chinese_stays_default(world):
    """The default (no cookie, no Accept-Language) is Chinese; English is one choice away."""
    chinese = Client().get("/trustpass/")
    english = _client(None).get("/trustpass/")
    assert chinese["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == ENGLISH
    assert CJK.search(html.unescape(chinese.content.decode()))
