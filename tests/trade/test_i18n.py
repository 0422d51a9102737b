"""Issue 15 (whole English): trade's labels and refusals speak the active language; Chinese
stays the default."""

import re

from django.utils import translation

from trade import pricing
from trade import state_machine as sm
from trade.models import Order

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def test_labels_are_chinese_by_default_and_english_when_chosen():
    assert sm.STATUS_LABELS[sm.PAID] == "已付款（担保中）"
    assert str(Order.Status.PAID.label) == "已付款（担保中）"
    with translation.override("en"):
        assert sm.STATUS_LABELS[sm.PAID] == "Paid (held in escrow)"
        assert sm.ACTION_LABELS[sm.CONFIRM] == "Confirm receipt"
        assert sm.ROLE_LABELS.get(sm.SELLER) == "Seller"
        assert str(Order.Status.EXPIRED.label) == "Closed (not paid in time)"
        assert all(not CJK.search(label) for label in sm.STATUS_LABELS.values())


def test_refusals_in_english():
    with translation.override("en"):
        messages = [
            sm.illegal_move_message(sm.SHIPPED, sm.CANCEL),
            sm.wrong_party_message(sm.SHIP),
            sm.wrong_party_message(sm.REFUND),
            pricing.quantity_problem(quantity=2, min_order=5, unit="ton"),
            pricing.quantity_problem(quantity=pricing.MAX_QUANTITY + 1, min_order=1, unit="ton"),
            pricing.orderable_problem(
                kind="demand",
                status="live",
                fixed_price=True,
                supports_escrow=True,
                price=None,
                price_max=None,
            ),
        ]
    assert messages[0].startswith("The order is “Shipped”, so “Cancel order” is not possible")
    assert messages[3] == "The minimum order for this listing is 5 ton; please order 5 or more."
    assert [m for m in messages if CJK.search(m)] == []
    # The same message in Chinese is unchanged.
    assert sm.illegal_move_message(sm.SHIPPED, sm.CANCEL) == (
        "订单当前状态为「已发货」，不能取消订单；只有「待付款」的订单可以取消订单。"
        "请刷新页面查看最新状态。"
    )
    assert sm.wrong_party_message(sm.REFUND) == "只有买家或卖家可以退款。"
