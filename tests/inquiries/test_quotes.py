"""R-M3.1: only TrustPass members quote on buy leads; quotes land in the buyer's inbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from inquiries import selectors, services
from inquiries.exceptions import InquiryNotAllowed
from inquiries.models import Inquiry, Quote
from marketplace.exceptions import DomainError, TrustPassRequired
from members.models import Notice
from tests.conftest import auth_client
from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.inquiries.inquiry_factories import buy_lead, page_client, trustpass_user

pytestmark = pytest.mark.django_db

BODY = {"unit_price": "12500.00", "quantity": 30, "message": "304无缝钢管现货，7天交货"}


def _post(user, lead, body=None):
    return auth_client(user).post(
        f"/api/v1/buy-leads/{lead.pk}/quotes/", body or BODY, format="json"
    )


def test_trustpass_member_quotes_and_the_buyer_sees_it_in_the_inbox(
    django_capture_on_commit_callbacks,
):
    owner, lead = buy_lead()
    supplier = trustpass_user()
    with django_capture_on_commit_callbacks(execute=True):
        resp = _post(supplier, lead)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["unit_price"] == "12500.00" and body["quantity"] == 30
    quote = Quote.objects.get(pk=body["id"])
    assert quote.company == supplier.company and quote.listing == lead
    thread = Inquiry.objects.get(pk=body["inquiry"])
    assert thread.kind == "quote" and thread.seller == owner.company
    inbox = auth_client(owner).get("/api/v1/inbox/").json()
    item = inbox["results"][0]
    assert item["kind"] == "quote" and item["quote"]["unit_price"] == "12500.00"
    assert item["counterpart"]["member_id"] == supplier.company.member_id
    assert len(mail.outbox) == 1 and "报价" in mail.outbox[0].subject
    assert mail.outbox[0].to == [owner.email]
    assert "单价：¥12500.00" in mail.outbox[0].body and "数量：30" in mail.outbox[0].body
    notice = Notice.objects.get(company=owner.company)
    assert notice.kind == "quote_received" and notice.url == f"/my/inbox/{thread.pk}/"


def test_ordinary_member_is_refused_with_trustpass_required():
    _, lead = buy_lead()
    ordinary = UserFactory()
    resp = _post(ordinary, lead)
    assert resp.status_code == 403
    body = resp.json()
    assert body["code"] == "trustpass_required" and body["rule"] == "R-M3.1"
    assert "/trustpass/" in body["detail"]
    # Refused before the body is even looked at.
    assert _post(ordinary, lead, {"unit_price": "-1"}).json()["code"] == "trustpass_required"
    assert not Quote.objects.exists()


def test_lapsed_trustpass_member_is_refused():
    _, lead = buy_lead()
    user = UserFactory()
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=user.company, starts_on=today - timedelta(days=366), ends_on=today
    )
    assert _post(user, lead).status_code == 403


def test_trustpass_membership_starting_today_may_quote():
    _, lead = buy_lead()
    user = UserFactory()
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=user.company, starts_on=today, ends_on=today + timedelta(days=365)
    )
    assert _post(user, lead).status_code == 201


def test_service_raises_trustpass_required():
    _, lead = buy_lead()
    with pytest.raises(TrustPassRequired) as exc:
        services.quote_send(
            sender=UserFactory(), listing=lead, unit_price="10", quantity=1, message="报价"
        )
    assert exc.value.code == "trustpass_required" and exc.value.status_code == 403


def test_quote_needs_sign_in(api_client):
    _, lead = buy_lead()
    assert api_client.post(f"/api/v1/buy-leads/{lead.pk}/quotes/", BODY).status_code == 401


@pytest.mark.parametrize("status", ["pending_review", "expired", "withdrawn"])
def test_only_live_buy_leads_take_quotes(status):
    _, lead = buy_lead(status=status)
    assert _post(trustpass_user(), lead).status_code == 404


def test_supply_listings_are_not_buy_leads():
    listing = ListingFactory(kind="supply")
    assert _post(trustpass_user(), listing).status_code == 404


def test_no_quote_on_ones_own_buy_lead():
    owner, lead = buy_lead()
    TrustPassPeriodFactory(company=owner.company)
    with pytest.raises(InquiryNotAllowed):
        services.quote_send(sender=owner, listing=lead, unit_price="1", quantity=1, message="x")
    assert _post(owner, lead).status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "unit_price": "0"}, "unit_price"),
        ({**BODY, "unit_price": "abc"}, "unit_price"),
        ({**BODY, "unit_price": "1.234"}, "unit_price"),
        ({**BODY, "quantity": 0}, "quantity"),
        ({k: v for k, v in BODY.items() if k != "quantity"}, "quantity"),
        ({**BODY, "message": ""}, "message"),
    ],
)
def test_quote_validation(body, field):
    _, lead = buy_lead()
    resp = _post(trustpass_user(), lead, body)
    assert resp.status_code == 400 and field in resp.json()["fields"]


def test_smallest_price_and_quantity_are_accepted():
    _, lead = buy_lead()
    resp = _post(trustpass_user(), lead, {**BODY, "unit_price": "0.01", "quantity": 1})
    assert resp.status_code == 201


def test_service_price_rules_at_the_edges():
    _, lead = buy_lead()
    user = trustpass_user()
    for bad in ("0", "-5", "0.001", "NaN", "1e12"):
        with pytest.raises(DomainError) as exc:
            services.quote_send(sender=user, listing=lead, unit_price=bad, quantity=1, message="x")
        assert "unit_price" in exc.value.fields


def test_quote_page_tells_ordinary_members_where_to_get_trustpass():
    _, lead = buy_lead()
    resp = page_client(UserFactory()).get(f"/buy-leads/{lead.pk}/quote/")
    assert resp.status_code == 403
    html = resp.content.decode()
    assert 'data-code="trustpass_required"' in html and 'href="/trustpass/"' in html
    # A POST is refused the same way.
    resp = page_client(UserFactory()).post(f"/buy-leads/{lead.pk}/quote/", BODY)
    assert resp.status_code == 403 and not Quote.objects.exists()


def test_quote_page_sends_for_trustpass_members():
    owner, lead = buy_lead()
    client = page_client(trustpass_user())
    assert client.get(f"/buy-leads/{lead.pk}/quote/").status_code == 200
    resp = client.post(f"/buy-leads/{lead.pk}/quote/", BODY)
    assert resp.status_code == 302
    quote = Quote.objects.get()
    assert resp["Location"] == f"/my/inbox/{quote.message.inquiry_id}/"
    assert "¥12500.00 × 30" in page_client(owner).get(resp["Location"]).content.decode()
    assert selectors.inbox_unread_count(owner.company) == 0  # the owner just read it


def test_quote_page_shows_errors():
    _, lead = buy_lead()
    resp = page_client(trustpass_user()).post(
        f"/buy-leads/{lead.pk}/quote/", {**BODY, "unit_price": "0"}
    )
    assert resp.status_code == 400 and "单价必须大于 0" in resp.content.decode()


def _render_box(user, lead):
    request = RequestFactory().get(f"/buy-leads/{lead.pk}/")
    request.user = user
    return render_to_string("inquiries/_quote_box.html", {"lead": lead}, request=request)


def test_quote_box_on_the_buy_lead_page():
    from django.contrib.auth.models import AnonymousUser

    owner, lead = buy_lead()
    assert 'data-code="trustpass_required"' in _render_box(UserFactory(), lead)
    html = _render_box(trustpass_user(), lead)
    assert f'action="/buy-leads/{lead.pk}/quote/"' in html and "csrfmiddlewaretoken" in html
    assert "登录" in _render_box(AnonymousUser(), lead)
    assert "这是您发布的求购信息" in _render_box(owner, lead)
    # Also works when the page calls the lead `listing`.
    request = RequestFactory().get("/")
    request.user = trustpass_user()
    html = render_to_string("inquiries/_quote_box.html", {"listing": lead}, request=request)
    assert f"/buy-leads/{lead.pk}/quote/" in html
