"""R-T1a cancel (the buyer, unpaid orders only) and R-T1c disputes (the buyer opens one on a
paid or shipped order; staff decide it in the admin: refund or release, with a reason,
recorded), through the API of API.md and the admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client

from members.models import Notice
from tests.conftest import auth_client
from tests.factories import UserFactory
from trade import disputes, services
from trade.exceptions import IllegalTransition, RefundFailed
from trade.gateway import LocalTestGateway, get_gateway
from trade.models import Dispute, Order, Payment, Refund

pytestmark = pytest.mark.django_db


def _user(company):
    return company.users.first()


def _post(company, path, data=None):
    return auth_client(_user(company)).post(f"/api/v1{path}", data or {}, format="json")


# -- cancel (R-T1a) ----------------------------------------------------------------------------
def test_the_buyer_cancels_an_unpaid_order(make_order):
    order = make_order("created")
    response = _post(order.buyer, f"/orders/{order.pk}/cancel/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled" and body["status_display"] == "已取消"
    assert body["cancelled_at"] and body["actions"] == []
    notice = Notice.objects.get(company=order.seller, kind="order_cancelled")
    assert "买家已取消订单" in notice.title
    assert not Notice.objects.filter(company=order.buyer, kind="order_cancelled").exists()


@pytest.mark.parametrize(
    "status", ["paid", "shipped", "disputed", "completed", "refunded", "cancelled", "expired"]
)
def test_cancel_from_any_other_status_is_409_illegal_transition(make_order, status):
    order = make_order(status)
    response = _post(order.buyer, f"/orders/{order.pk}/cancel/")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition" and response.json()["rule"] == "R-T1"
    assert Order.objects.get(pk=order.pk).status == status


def test_cancel_by_the_seller_is_403_and_by_others_404(make_order, outsider_user):
    order = make_order("created")
    assert _post(order.seller, f"/orders/{order.pk}/cancel/").json()["code"] == "wrong_party"
    other = auth_client(outsider_user).post(f"/api/v1/orders/{order.pk}/cancel/")
    assert other.status_code == 404
    assert Order.objects.get(pk=order.pk).status == "created"


def test_cancel_closes_the_open_payment_and_a_late_payment_goes_back(make_order):
    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    services.order_cancel(order_id=order.pk, by=order.buyer)
    assert Payment.objects.get(pk=payment.pk).status == "closed"
    late = services.payment_callback_receive(
        gateway_name="test", data=get_gateway().notification_for(payment)
    )
    assert late.status == "refunded"
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_a_cancelled_order_cannot_be_paid(make_order):
    order = make_order("cancelled")
    with pytest.raises(IllegalTransition):
        services.order_pay(order_id=order.pk, by=order.buyer)


# -- dispute (R-T1c) ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["paid", "shipped"])
def test_the_buyer_opens_a_dispute_on_a_paid_or_shipped_order(make_order, status):
    order = make_order(status)
    response = _post(order.buyer, f"/orders/{order.pk}/dispute/", {"reason": "货物与描述不符"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "disputed" and body["actions"] == []
    assert body["dispute"]["reason"] == "货物与描述不符" and body["dispute"]["decision"] == ""
    dispute = Dispute.objects.get(order=order)
    assert dispute.status_before == status and dispute.opened_by == _user(order.buyer)
    notice = Notice.objects.get(company=order.seller, kind="order_disputed")
    assert "货物与描述不符" in notice.body


@pytest.mark.parametrize("status", ["created", "completed", "refunded", "cancelled", "expired"])
def test_dispute_from_other_statuses_is_409(make_order, status):
    order = make_order(status)
    response = _post(order.buyer, f"/orders/{order.pk}/dispute/", {"reason": "有问题"})
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert not Dispute.objects.exists()


def test_a_second_dispute_is_409(make_order):
    order = make_order("disputed")
    response = _post(order.buyer, f"/orders/{order.pk}/dispute/", {"reason": "再来一次"})
    assert response.status_code == 409 and Dispute.objects.count() == 1


def test_dispute_needs_a_reason_and_the_buyer(make_order, outsider_user):
    order = make_order("paid")
    blank = _post(order.buyer, f"/orders/{order.pk}/dispute/", {"reason": " "})
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    seller = _post(order.seller, f"/orders/{order.pk}/dispute/", {"reason": "买家不付尾款"})
    assert seller.status_code == 403 and seller.json()["code"] == "wrong_party"
    other = auth_client(outsider_user).post(
        f"/api/v1/orders/{order.pk}/dispute/", {"reason": "x"}, format="json"
    )
    assert other.status_code == 404
    assert Order.objects.get(pk=order.pk).status == "paid"


@pytest.mark.parametrize("action", ["confirm", "refund", "ship"])
def test_no_party_move_while_disputed(make_order, action):
    order = make_order("disputed")
    company = order.seller if action == "ship" else order.buyer
    response = _post(company, f"/orders/{order.pk}/{action}/")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


# -- staff decisions in the admin ---------------------------------------------------------------
@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def _decide(client, order, action, reason="核实：卖家未按约定发货", url="/admin/trade/order/"):
    ids = [order.pk] if url.endswith("order/") else [Dispute.objects.get(order=order).pk]
    return client.post(
        url,
        {"action": action, "_selected_action": ids, "apply": "1", "reason": reason},
        follow=True,
    )


@pytest.mark.parametrize("before", ["paid", "shipped"])
def test_staff_decide_a_refund(make_order, admin_client, staff_user, credit_calls, before):
    order = make_order(before)
    order = disputes.order_dispute(order_id=order.pk, by=order.buyer, reason="没收到货")
    response = _decide(admin_client, order, "decide_refund")
    assert "已裁决 1 笔纠纷" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "refunded" and order.refunded_at
    payment = Payment.objects.get(reference=f"order:{order.pk}")
    assert payment.status == "refunded"
    assert Refund.objects.get(payment=payment).requested_by == "客服"
    dispute = Dispute.objects.get(order=order)
    assert (dispute.decision, dispute.decided_by, dispute.decision_reason) == (
        "refund",
        staff_user,
        "核实：卖家未按约定发货",
    )
    assert dispute.decided_at
    entry = LogEntry.objects.get(object_id=str(order.pk))
    assert entry.user == staff_user and "退款给买家" in entry.change_message
    for company in (order.buyer, order.seller):
        notice = Notice.objects.get(company=company, kind="order_refunded")
        assert "客服" in notice.body and "核实：卖家未按约定发货" in notice.body
    assert (order.buyer_id, f"order:{order.pk}:refunded") in credit_calls


def test_staff_release_to_the_seller(make_order, admin_client, staff_user, credit_calls):
    order = make_order("disputed")
    _decide(
        admin_client,
        order,
        "decide_release",
        reason="物流显示已签收",
        url="/admin/trade/dispute/",
    )
    order.refresh_from_db()
    assert order.status == "completed" and order.completed_at and not order.auto_confirmed
    assert Payment.objects.get(reference=f"order:{order.pk}").status == "succeeded"
    dispute = Dispute.objects.get(order=order)
    assert (dispute.decision, dispute.decided_by) == ("release", staff_user)
    assert (order.seller_id, f"order:{order.pk}:completed") in credit_calls
    for company in (order.buyer, order.seller):
        notice = Notice.objects.get(company=company, kind="order_completed")
        assert "客服裁决放款" in notice.title and "物流显示已签收" in notice.body


def test_the_admin_asks_for_a_reason_first(make_order, admin_client):
    order = make_order("disputed")
    page = admin_client.post(
        "/admin/trade/order/", {"action": "decide_refund", "_selected_action": [order.pk]}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "裁决理由" in html and "卖家迟迟不发货" in html
    blank = _decide(admin_client, order, "decide_refund", reason="")
    assert "请填写裁决理由" in blank.content.decode()
    assert Order.objects.get(pk=order.pk).status == "disputed"


def test_a_decision_on_an_order_without_dispute_is_reported(make_order, admin_client):
    order = make_order("paid")
    response = _decide(admin_client, order, "decide_release")
    assert "没有待处理的纠纷" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_decisions_are_idempotent_and_final(make_order, staff_user):
    order = make_order("disputed")
    decided = disputes.dispute_decide(
        order_id=order.pk, decision="release", reason="已签收", staff_user=staff_user
    )
    again = disputes.dispute_decide(
        order_id=order.pk, decision="release", reason="再点一次", staff_user=staff_user
    )
    assert decided.status == again.status == "completed"
    assert Dispute.objects.get(order=order).decision_reason == "已签收"
    assert Notice.objects.filter(company=order.seller, kind="order_completed").count() == 1
    with pytest.raises(Exception) as exc:
        disputes.dispute_decide(
            order_id=order.pk, decision="refund", reason="改判", staff_user=staff_user
        )
    assert exc.value.status_code == 409 and exc.value.code == "dispute_decided"


def test_a_refund_decision_the_gateway_refused_is_kept_and_retried(
    make_order, staff_user, monkeypatch
):
    order = make_order("disputed")

    def refuse(self, payment, **kwargs):
        raise RefundFailed("渠道暂不可用")

    monkeypatch.setattr(LocalTestGateway, "refund", refuse)
    with pytest.raises(RefundFailed):
        disputes.dispute_decide(
            order_id=order.pk, decision="refund", reason="退款", staff_user=staff_user
        )
    order.refresh_from_db()
    assert order.status == "disputed" and order.refund_pending
    assert Dispute.objects.get(order=order).decision == "refund"
    monkeypatch.undo()
    # Deciding again (a second click) asks the gateway again with the same key.
    again = disputes.dispute_decide(
        order_id=order.pk, decision="refund", reason="退款", staff_user=staff_user
    )
    assert again.status == "refunded"
    assert Refund.objects.filter(payment__reference=f"order:{order.pk}").count() == 1


def test_only_staff_with_the_permission_decide(make_order):
    order = make_order("disputed")
    clerk = UserFactory(is_staff=True)
    for codename in ("view_order", "change_order", "view_dispute"):
        clerk.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(clerk)
    page = client.get("/admin/trade/order/").content.decode()
    assert "decide_refund" not in page
    with pytest.raises(Exception) as exc:
        disputes.dispute_decide(
            order_id=order.pk, decision="refund", reason="x", staff_user=order.buyer.users.first()
        )
    assert exc.value.status_code == 403
    decider = UserFactory(is_staff=True)
    for codename in ("view_order", "decide_dispute"):
        decider.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(decider)
    assert "decide_refund" in client.get("/admin/trade/order/").content.decode()


def test_admin_filters_show_the_new_states(make_order, admin_client):
    cancelled = make_order("cancelled")
    expired = make_order("expired")
    disputed = make_order("disputed")
    for order, status in ((cancelled, "cancelled"), (expired, "expired"), (disputed, "disputed")):
        html = admin_client.get(f"/admin/trade/order/?status__exact={status}").content.decode()
        assert f"/admin/trade/order/{order.pk}/change/" in html
    assert "已关闭（超时未付款）" in admin_client.get("/admin/trade/order/").content.decode()
    listed = admin_client.get("/admin/trade/dispute/?decision__exact=").content.decode()
    assert "卖家迟迟不发货" in listed


def test_the_order_page_in_the_admin_shows_the_dispute(make_order, admin_client, staff_user):
    order = make_order("disputed")
    disputes.dispute_decide(
        order_id=order.pk, decision="release", reason="物流显示已签收", staff_user=staff_user
    )
    html = admin_client.get(f"/admin/trade/order/{order.pk}/change/").content.decode()
    assert "卖家迟迟不发货" in html and "物流显示已签收" in html and "放款给卖家" in html
