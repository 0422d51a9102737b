"""R-T1: the escrow trade (支付宝交易) state machine as plain data and pure functions.

    created ──pay──▶ paid ──ship──▶ shipped ──confirm──▶ completed
                      │                │
                      └────refund──────┴──▶ refunded

`pay` and `confirm` belong to the buyer, `ship` to the seller, `refund` to either party.
Services (`trade/services.py`) lock the order and ask these functions before moving it;
nothing else decides whether a move is legal.
"""

from __future__ import annotations

CREATED = "created"
PAID = "paid"
SHIPPED = "shipped"
COMPLETED = "completed"
REFUNDED = "refunded"
STATUSES = (CREATED, PAID, SHIPPED, COMPLETED, REFUNDED)

PAY = "pay"
SHIP = "ship"
CONFIRM = "confirm"
REFUND = "refund"
ACTIONS = (PAY, SHIP, CONFIRM, REFUND)

BUYER = "buyer"
SELLER = "seller"

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    PAY: (frozenset({CREATED}), PAID),
    SHIP: (frozenset({PAID}), SHIPPED),
    CONFIRM: (frozenset({SHIPPED}), COMPLETED),
    REFUND: (frozenset({PAID, SHIPPED}), REFUNDED),
}

# action → the parties who may take it
ACTORS: dict[str, frozenset[str]] = {
    PAY: frozenset({BUYER}),
    SHIP: frozenset({SELLER}),
    CONFIRM: frozenset({BUYER}),
    REFUND: frozenset({BUYER, SELLER}),
}

FINAL_STATUSES = frozenset({COMPLETED, REFUNDED})

STATUS_LABELS = {
    CREATED: "待付款",
    PAID: "已付款（担保中）",
    SHIPPED: "已发货",
    COMPLETED: "交易成功",
    REFUNDED: "已退款",
}
ACTION_LABELS = {PAY: "付款", SHIP: "发货", CONFIRM: "确认收货", REFUND: "退款"}
ROLE_LABELS = {BUYER: "买家", SELLER: "卖家"}


def can_transition(status: str, action: str) -> bool:
    """True iff `action` is a legal move from `status` (R-T1)."""
    sources, _ = TRANSITIONS[action]
    return status in sources


def next_status(status: str, action: str) -> str:
    """The status `action` leads to from `status`; ValueError if the move is illegal."""
    if not can_transition(status, action):
        raise ValueError(f"illegal move {action!r} from {status!r}")
    return TRANSITIONS[action][1]


def may_act(role: str | None, action: str) -> bool:
    """True iff a party with `role` ("buyer", "seller" or None) may take `action`."""
    return role in ACTORS[action]


def allowed_actions(status: str, role: str | None) -> list[str]:
    """The actions `role` may take now, in the order of ACTIONS (for buttons and the API)."""
    return [a for a in ACTIONS if can_transition(status, a) and may_act(role, a)]


def illegal_move_message(status: str, action: str) -> str:
    """A Chinese message that says why the move is refused and what state allows it."""
    sources = [STATUS_LABELS[s] for s in STATUSES if s in TRANSITIONS[action][0]]
    return (
        f"订单当前状态为「{STATUS_LABELS.get(status, status)}」，不能{ACTION_LABELS[action]}；"
        f"只有「{'」或「'.join(sources)}」的订单可以{ACTION_LABELS[action]}。请刷新页面查看最新状态。"
    )


def wrong_party_message(action: str) -> str:
    roles = "或".join(ROLE_LABELS[r] for r in (BUYER, SELLER) if r in ACTORS[action])
    return f"只有{roles}可以{ACTION_LABELS[action]}。"
