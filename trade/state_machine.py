"""R-T1: the escrow trade (支付宝交易) state machine as plain data and pure functions.

    created ──pay──▶ paid ──ship──▶ shipped ──confirm / auto_confirm──▶ completed
       │              │  │             │  │
       │              │  └─dispute─┐   │  └──dispute──┐
       │              └──refund────┴───┴───▶ refunded  ▼
       ├──cancel──▶ cancelled (R-T1a)              disputed ──resolve_refund──▶ refunded
       └──expire──▶ expired   (R-T1a)                       ──resolve_release─▶ completed

Party moves (ACTIONS, the buttons): `pay`, `confirm`, `cancel` and `dispute` belong to the
buyer, `ship` to the seller, `refund` to either. The clock (SYSTEM) expires an unpaid order
after ORDER_PAYMENT_HOURS and confirms a shipped one after ORDER_AUTO_CONFIRM_DAYS (R-T1a,
R-T1b); staff decide a dispute (R-T1c). Services (trade/services.py, order_timers.py,
disputes.py) lock the order and ask these functions before moving it; nothing else decides
whether a move is legal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

CREATED = "created"
PAID = "paid"
SHIPPED = "shipped"
COMPLETED = "completed"
REFUNDED = "refunded"
CANCELLED = "cancelled"
EXPIRED = "expired"
DISPUTED = "disputed"
STATUSES = (CREATED, PAID, SHIPPED, DISPUTED, COMPLETED, REFUNDED, CANCELLED, EXPIRED)

PAY = "pay"
SHIP = "ship"
CONFIRM = "confirm"
REFUND = "refund"
CANCEL = "cancel"
DISPUTE = "dispute"
# The moves of the parties, in the order of the buttons.
ACTIONS = (PAY, SHIP, CONFIRM, REFUND, CANCEL, DISPUTE)
EXPIRE = "expire"
AUTO_CONFIRM = "auto_confirm"
SYSTEM_ACTIONS = (EXPIRE, AUTO_CONFIRM)
RESOLVE_REFUND = "resolve_refund"
RESOLVE_RELEASE = "resolve_release"
STAFF_ACTIONS = (RESOLVE_REFUND, RESOLVE_RELEASE)
ALL_ACTIONS = ACTIONS + SYSTEM_ACTIONS + STAFF_ACTIONS

BUYER = "buyer"
SELLER = "seller"
SYSTEM = "system"
STAFF = "staff"

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    PAY: (frozenset({CREATED}), PAID),
    SHIP: (frozenset({PAID}), SHIPPED),
    CONFIRM: (frozenset({SHIPPED}), COMPLETED),
    REFUND: (frozenset({PAID, SHIPPED}), REFUNDED),
    CANCEL: (frozenset({CREATED}), CANCELLED),  # R-T1a
    DISPUTE: (frozenset({PAID, SHIPPED}), DISPUTED),  # R-T1c
    EXPIRE: (frozenset({CREATED}), EXPIRED),  # R-T1a
    AUTO_CONFIRM: (frozenset({SHIPPED}), COMPLETED),  # R-T1b
    RESOLVE_REFUND: (frozenset({DISPUTED}), REFUNDED),  # R-T1c
    RESOLVE_RELEASE: (frozenset({DISPUTED}), COMPLETED),  # R-T1c
}

# action → who may take it
ACTORS: dict[str, frozenset[str]] = {
    PAY: frozenset({BUYER}),
    SHIP: frozenset({SELLER}),
    CONFIRM: frozenset({BUYER}),
    REFUND: frozenset({BUYER, SELLER}),
    CANCEL: frozenset({BUYER}),
    DISPUTE: frozenset({BUYER}),
    EXPIRE: frozenset({SYSTEM}),
    AUTO_CONFIRM: frozenset({SYSTEM}),
    RESOLVE_REFUND: frozenset({STAFF}),
    RESOLVE_RELEASE: frozenset({STAFF}),
}

FINAL_STATUSES = frozenset({COMPLETED, REFUNDED, CANCELLED, EXPIRED})
# R-C4: a trade is in progress while the money is held in escrow: no review then.
IN_PROGRESS_STATUSES = frozenset({PAID, SHIPPED, DISPUTED})

STATUS_LABELS = {
    CREATED: "待付款",
    PAID: "已付款（担保中）",
    SHIPPED: "已发货",
    DISPUTED: "纠纷处理中",
    COMPLETED: "交易成功",
    REFUNDED: "已退款",
    CANCELLED: "已取消",
    EXPIRED: "已关闭（超时未付款）",
}
ACTION_LABELS = {
    PAY: "付款",
    SHIP: "发货",
    CONFIRM: "确认收货",
    REFUND: "退款",
    CANCEL: "取消订单",
    DISPUTE: "申请纠纷处理",
    EXPIRE: "超时关闭",
    AUTO_CONFIRM: "自动确认收货",
    RESOLVE_REFUND: "裁决退款",
    RESOLVE_RELEASE: "裁决放款",
}
ROLE_LABELS = {BUYER: "买家", SELLER: "卖家", SYSTEM: "系统", STAFF: "客服"}


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
    """True iff a party with `role` ("buyer", "seller", "system", "staff" or None) may take
    `action`."""
    return role in ACTORS[action]


def allowed_actions(status: str, role: str | None) -> list[str]:
    """The moves `role` may take now, in the order of ACTIONS (for buttons and the API)."""
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


# -- timers (R-T1a, R-T1b) ---------------------------------------------------------------
def payment_deadline(created_at: datetime, payment_hours: int) -> datetime:
    """R-T1a: the moment an unpaid order expires (ORDER_PAYMENT_HOURS after it was made)."""
    return created_at + timedelta(hours=payment_hours)


def payment_overdue(
    *, status: str, created_at: datetime, now: datetime, payment_hours: int
) -> bool:
    """R-T1a: an unpaid order expires at its deadline: 23:59 after creation it can still be
    paid, at 24:00 it cannot."""
    return status == CREATED and now >= payment_deadline(created_at, payment_hours)


def auto_confirm_deadline(shipped_at: datetime, confirm_days: int) -> datetime:
    """R-T1b: the moment a shipped order is confirmed by itself."""
    return shipped_at + timedelta(days=confirm_days)


def auto_confirm_due(
    *, status: str, shipped_at: datetime | None, now: datetime, confirm_days: int
) -> bool:
    """R-T1b: a shipped order is confirmed by itself ORDER_AUTO_CONFIRM_DAYS after shipment
    (9 d 23 h: not yet; 10 d: yes)."""
    return (
        status == SHIPPED
        and shipped_at is not None
        and now >= auto_confirm_deadline(shipped_at, confirm_days)
    )
