"""R-T1: the state machine as pure rules, every (status, action, role) combination."""

import pytest

from trade import state_machine as sm

LEGAL = {
    ("created", "pay"): "paid",
    ("paid", "ship"): "shipped",
    ("shipped", "confirm"): "completed",
    ("paid", "refund"): "refunded",
    ("shipped", "refund"): "refunded",
}
ALL_MOVES = [(s, a) for s in sm.STATUSES for a in sm.ACTIONS]


@pytest.mark.parametrize(("status", "action"), ALL_MOVES)
def test_every_move_is_legal_exactly_when_listed(status, action):
    assert sm.can_transition(status, action) is ((status, action) in LEGAL)
    if (status, action) in LEGAL:
        assert sm.next_status(status, action) == LEGAL[(status, action)]
    else:
        with pytest.raises(ValueError):
            sm.next_status(status, action)


def test_final_states_allow_nothing():
    for status in ("completed", "refunded"):
        assert [a for a in sm.ACTIONS if sm.can_transition(status, a)] == []


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
        (None, "pay", False),
        (None, "ship", False),
        (None, "confirm", False),
        (None, "refund", False),
    ],
)
def test_who_may_act(role, action, allowed):
    assert sm.may_act(role, action) is allowed


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        ("created", "buyer", ["pay"]),
        ("created", "seller", []),
        ("paid", "buyer", ["refund"]),
        ("paid", "seller", ["ship", "refund"]),
        ("shipped", "buyer", ["confirm", "refund"]),
        ("shipped", "seller", ["refund"]),
        ("completed", "buyer", []),
        ("completed", "seller", []),
        ("refunded", "buyer", []),
        ("refunded", "seller", []),
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


def test_labels_match_the_model_choices():
    from trade.models import Order

    assert dict(Order.Status.choices) == sm.STATUS_LABELS
