"""R-T1: the state machine as pure rules, every (status, action, role) combination, and the
timers of R-T1a / R-T1b at their edges."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trade import state_machine as sm

LEGAL = {
    ("created", "pay"): "paid",
    ("paid", "ship"): "shipped",
    ("shipped", "confirm"): "completed",
    ("paid", "refund"): "refunded",
    ("shipped", "refund"): "refunded",
    ("created", "cancel"): "cancelled",
    ("paid", "dispute"): "disputed",
    ("shipped", "dispute"): "disputed",
    ("created", "expire"): "expired",
    ("shipped", "auto_confirm"): "completed",
    ("disputed", "resolve_refund"): "refunded",
    ("disputed", "resolve_release"): "completed",
}
ALL_MOVES = [(s, a) for s in sm.STATUSES for a in sm.ALL_ACTIONS]


@pytest.mark.parametrize(("status", "action"), ALL_MOVES)
def test_every_move_is_legal_exactly_when_listed(status, action):
    assert sm.can_transition(status, action) is ((status, action) in LEGAL)
    if (status, action) in LEGAL:
        assert sm.next_status(status, action) == LEGAL[(status, action)]
    else:
        with pytest.raises(ValueError):
            sm.next_status(status, action)


def test_final_states_allow_nothing():
    assert {"completed", "refunded", "cancelled", "expired"} == sm.FINAL_STATUSES
    for status in sm.FINAL_STATUSES:
        assert [a for a in sm.ALL_ACTIONS if sm.can_transition(status, a)] == []


def test_in_progress_is_paid_shipped_disputed():
    assert {"paid", "shipped", "disputed"} == sm.IN_PROGRESS_STATUSES


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        ("buyer", "pay", True),
        ("seller", "pay", False),
        ("buyer", "ship", False),
        ("seller", "ship", True),
        ("buyer", "confirm", True),
        ("seller", "confirm", False),
        ("buyer", "refund", True),
        ("seller", "refund", True),
        ("buyer", "cancel", True),
        ("seller", "cancel", False),
        ("buyer", "dispute", True),
        ("seller", "dispute", False),
        ("system", "expire", True),
        ("buyer", "expire", False),
        ("system", "auto_confirm", True),
        ("buyer", "auto_confirm", False),
        ("staff", "resolve_refund", True),
        ("staff", "resolve_release", True),
        ("buyer", "resolve_refund", False),
        ("seller", "resolve_release", False),
        (None, "pay", False),
        (None, "ship", False),
        (None, "confirm", False),
        (None, "refund", False),
        (None, "cancel", False),
        (None, "dispute", False),
    ],
)
def test_who_may_act(role, action, allowed):
    assert sm.may_act(role, action) is allowed


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        ("created", "buyer", ["pay", "cancel"]),
        ("created", "seller", []),
        ("paid", "buyer", ["refund", "dispute"]),
        ("paid", "seller", ["ship", "refund"]),
        ("shipped", "buyer", ["confirm", "refund", "dispute"]),
        ("shipped", "seller", ["refund"]),
        ("disputed", "buyer", []),
        ("disputed", "seller", []),
        ("completed", "buyer", []),
        ("completed", "seller", []),
        ("refunded", "buyer", []),
        ("refunded", "seller", []),
        ("cancelled", "buyer", []),
        ("expired", "buyer", []),
        ("paid", None, []),
    ],
)
def test_allowed_actions(status, role, expected):
    assert sm.allowed_actions(status, role) == expected


def test_messages_are_chinese_and_say_what_state_allows_it():
    msg = sm.illegal_move_message("completed", "refund")
    assert "交易成功" in msg and "退款" in msg and "已付款（担保中）" in msg and "已发货" in msg
    assert sm.wrong_party_message("ship") == "只有卖家可以发货。"
    assert sm.wrong_party_message("refund") == "只有买家或卖家可以退款。"
    assert sm.wrong_party_message("cancel") == "只有买家可以取消订单。"
    msg = sm.illegal_move_message("paid", "cancel")
    assert "已付款（担保中）" in msg and "「待付款」的订单可以取消订单" in msg


def test_labels_match_the_model_choices():
    from trade.models import Order

    assert dict(Order.Status.choices) == sm.STATUS_LABELS


# -- R-T1a / R-T1b timers at their edges -----------------------------------------------------
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("after", "overdue"),
    [
        (timedelta(hours=23, minutes=59), False),
        (timedelta(hours=23, minutes=59, seconds=59), False),
        (timedelta(hours=24), True),
        (timedelta(days=3), True),
    ],
)
def test_payment_deadline_edges(after, overdue):
    assert sm.payment_deadline(T0, 24) == T0 + timedelta(hours=24)
    assert (
        sm.payment_overdue(status="created", created_at=T0, now=T0 + after, payment_hours=24)
        is overdue
    )


@pytest.mark.parametrize("status", ["paid", "cancelled", "expired", "shipped"])
def test_only_an_unpaid_order_is_ever_overdue(status):
    later = T0 + timedelta(days=30)
    assert not sm.payment_overdue(status=status, created_at=T0, now=later, payment_hours=24)


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (timedelta(days=9, hours=23), False),
        (timedelta(days=9, hours=23, minutes=59, seconds=59), False),
        (timedelta(days=10), True),
        (timedelta(days=40), True),
    ],
)
def test_auto_confirm_edges(after, due):
    assert sm.auto_confirm_deadline(T0, 10) == T0 + timedelta(days=10)
    assert (
        sm.auto_confirm_due(status="shipped", shipped_at=T0, now=T0 + after, confirm_days=10) is due
    )


@pytest.mark.parametrize("status", ["paid", "disputed", "completed", "refunded"])
def test_only_a_shipped_order_is_confirmed_by_the_clock(status):
    later = T0 + timedelta(days=30)
    assert not sm.auto_confirm_due(status=status, shipped_at=T0, now=later, confirm_days=10)
    assert not sm.auto_confirm_due(status="shipped", shipped_at=None, now=later, confirm_days=10)
