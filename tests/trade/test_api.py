"""API.md "Trades and reviews": paths, bodies, status and error codes of the order API."""

import pytest

from tests.conftest import auth_client
from tests.trade.factories import EscrowListingFactory
from trade.models import Order

pytestmark = pytest.mark.django_db


def _post(user, path, data=None):
    return auth_client(user).post(f"/api/v1{path}", data or {}, format="json")


def test_create_order(buyer_user, listing):
    response = _post(buyer_user, "/orders/", {"listing": listing.pk, "quantity": 3})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created" and body["total"] == "300.00" and body["id"]
    assert body["buyer"] == buyer_user.company.member_id
    assert body["seller"] == listing.company.member_id
    assert body["actions"] == ["pay", "cancel"]
    assert Order.objects.get(pk=body["id"]).quantity == 3


@pytest.mark.parametrize("change", [{"fixed_price": False}, {"supports_escrow": False}])
def test_listing_without_fixed_price_or_escrow_is_400(buyer_user, seller_user, change):
    listing = EscrowListingFactory(company=seller_user.company, **change)
    response = _post(buyer_user, "/orders/", {"listing": listing.pk, "quantity": 1})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "listing_not_orderable" and body["rule"] == "R-T1"
    assert "listing" in body["fields"] and body["detail"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": 1}, "listing"),
        ({"listing": 1}, "quantity"),
        ({"listing": 1, "quantity": 0}, "quantity"),
        ({"listing": 1, "quantity": "many"}, "quantity"),
        ({"listing": "x", "quantity": 1}, "listing"),
    ],
)
def test_invalid_bodies_are_400_with_fields(buyer_user, data, field):
    response = _post(buyer_user, "/orders/", data)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_own_listing_and_below_minimum_are_400(seller_user, buyer_user):
    listing = EscrowListingFactory(company=seller_user.company, min_order=5)
    own = _post(seller_user, "/orders/", {"listing": listing.pk, "quantity": 5})
    assert own.status_code == 400 and own.json()["code"] == "own_listing"
    low = _post(buyer_user, "/orders/", {"listing": listing.pk, "quantity": 4})
    assert low.status_code == 400 and low.json()["code"] == "invalid_quantity"
    assert "quantity" in low.json()["fields"]


def test_anonymous_is_401(api_client, listing):
    response = api_client.post("/api/v1/orders/", {"listing": listing.pk, "quantity": 1})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert api_client.post("/api/v1/orders/1/pay/").status_code == 401


def test_the_whole_trade_through_the_api(buyer_user, seller_user, listing):
    order_id = _post(buyer_user, "/orders/", {"listing": listing.pk, "quantity": 2}).json()["id"]

    paid = _post(buyer_user, f"/orders/{order_id}/pay/")
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid" and paid.json()["payment"]["status"] == "succeeded"
    assert paid.json()["paid_at"]

    shipped = _post(seller_user, f"/orders/{order_id}/ship/", {"tracking_no": "SF1"})
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert shipped.json()["tracking_no"] == "SF1" and shipped.json()["actions"] == ["refund"]

    done = _post(buyer_user, f"/orders/{order_id}/confirm/")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["actions"] == []


@pytest.mark.parametrize("status", ["paid", "shipped"])
@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_refund_by_either_party(make_order, buyer_user, seller_user, status, who):
    order = make_order(status)
    user = buyer_user if who == "buyer" else seller_user
    response = _post(user, f"/orders/{order.pk}/refund/", {"reason": "缺货"})
    assert response.status_code == 200
    assert response.json()["status"] == "refunded" and response.json()["refund_reason"] == "缺货"


@pytest.mark.parametrize(
    ("status", "action", "who"),
    [
        ("paid", "pay", "buyer"),
        ("created", "ship", "seller"),
        ("created", "confirm", "buyer"),
        ("paid", "confirm", "buyer"),
        ("created", "refund", "buyer"),
        ("completed", "refund", "seller"),
        ("refunded", "ship", "seller"),
    ],
)
def test_illegal_moves_are_409(make_order, buyer_user, seller_user, status, action, who):
    order = make_order(status)
    user = buyer_user if who == "buyer" else seller_user
    response = _post(user, f"/orders/{order.pk}/{action}/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition" and body["rule"] == "R-T1"
    assert "订单当前状态" in body["detail"]


@pytest.mark.parametrize(
    ("status", "action", "who"),
    [("created", "pay", "seller"), ("paid", "ship", "buyer"), ("shipped", "confirm", "seller")],
)
def test_the_other_partys_move_is_403(make_order, buyer_user, seller_user, status, action, who):
    order = make_order(status)
    user = buyer_user if who == "buyer" else seller_user
    response = _post(user, f"/orders/{order.pk}/{action}/")
    assert response.status_code == 403 and response.json()["code"] == "wrong_party"


@pytest.mark.parametrize("action", ["pay", "ship", "confirm", "refund"])
def test_non_parties_get_404(make_order, outsider_user, action):
    order = make_order("paid")
    response = _post(outsider_user, f"/orders/{order.pk}/{action}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    detail = auth_client(outsider_user).get(f"/api/v1/orders/{order.pk}/")
    assert detail.status_code == 404
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_missing_order_is_404(buyer_user):
    assert _post(buyer_user, "/orders/999999/pay/").status_code == 404


def test_list_and_detail_show_only_the_callers_orders(
    make_order, buyer_user, seller_user, outsider_user
):
    order = make_order("paid")
    make_order("created")
    mine = auth_client(buyer_user).get("/api/v1/orders/").json()
    assert mine["count"] == 2 and {"next", "previous", "results"} <= set(mine)
    assert auth_client(buyer_user).get("/api/v1/orders/?role=seller").json()["count"] == 0
    assert auth_client(seller_user).get("/api/v1/orders/?role=seller").json()["count"] == 2
    assert auth_client(seller_user).get("/api/v1/orders/?status=paid").json()["count"] == 1
    assert auth_client(outsider_user).get("/api/v1/orders/").json()["count"] == 0
    detail = auth_client(seller_user).get(f"/api/v1/orders/{order.pk}/").json()
    assert detail["status"] == "paid" and detail["actions"] == ["ship", "refund"]
    assert detail["listing"]["id"] == order.listing_id


def test_pay_with_a_provider_that_needs_the_payer_is_202_with_its_url(
    make_order, buyer_user, settings
):
    settings.PAYMENT_GATEWAYS = {"redirect": "tests.trade.gateways.RedirectOnlyGateway"}
    settings.PAYMENT_GATEWAY = "redirect"
    order = make_order("created")
    response = _post(buyer_user, f"/orders/{order.pk}/pay/")
    assert response.status_code == 202
    assert response.json()["status"] == "created"
    assert response.json()["payment"]["pay_url"].startswith("https://pay.example.cn/")


def test_the_schema_documents_the_order_endpoints(api_client):
    response = api_client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "orders/",
        "orders/{id}/pay/",
        "orders/{id}/ship/",
        "orders/{id}/confirm/",
        "orders/{id}/refund/",
    ):
        assert f"/api/v1/{path}" in paths
