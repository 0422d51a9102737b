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

from django.utils.translation import gettext, gettext_noop

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


class TranslatedLabels(dict):
    """Labels kept as their Chinese msgids (marked with gettext_noop) and translated into the
    active language each time one is looked up, so a lookup is a plain `str`."""

    def __getitem__(self, key: str) -> str:
        return gettext(super().__getitem__(key))

    def get(self, key, default=None):
        value = super().get(key)
        return default if value is None else gettext(value)

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]


STATUS_LABELS = TranslatedLabels(
    {
        CREATED: gettext_noop("待付款"),
        PAID: gettext_noop("已付款（担保中）"),
        SHIPPED: gettext_noop("已发货"),
        DISPUTED: gettext_noop("纠纷处理中"),
        COMPLETED: gettext_noop("交易成功"),
        REFUNDED: gettext_noop("已退款"),
        CANCELLED: gettext_noop("已取消"),
        EXPIRED: gettext_noop("已关闭（超时未付款）"),
    }
)
ACTION_LABELS = TranslatedLabels(
    {
        PAY: gettext_noop("付款"),
        SHIP: gettext_noop("发货"),
        CONFIRM: gettext_noop("确认收货"),
        REFUND: gettext_noop("退款"),
        CANCEL: gettext_noop("取消订单"),
        DISPUTE: gettext_noop("申请纠纷处理"),
        EXPIRE: gettext_noop("超时关闭"),
        AUTO_CONFIRM: gettext_noop("自动确认收货"),
        RESOLVE_REFUND: gettext_noop("裁决退款"),
        RESOLVE_RELEASE: gettext_noop("裁决放款"),
    }
)
ROLE_LABELS = TranslatedLabels(
    {
        BUYER: gettext_noop("买家"),
        SELLER: gettext_noop("卖家"),
        SYSTEM: gettext_noop("系统"),
        STAFF: gettext_noop("客服"),
    }
)


def can_transition(status: str, action: str) -> bool:
    """True iff `action` is a legal move from `status` (R-T1)."""
    sources = TRANSITIONS[action][0]
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
    """A message (in the active language) that says why the move is refused and what state
    allows it."""
    sources = [str(STATUS_LABELS[s]) for s in STATUSES if s in TRANSITIONS[action][0]]
    return gettext(
        "订单当前状态为「%(status)s」，不能%(action)s；"
        "只有「%(allowed)s」的订单可以%(action)s。请刷新页面查看最新状态。"
    ) % {
        "status": STATUS_LABELS.get(status, status),
        "action": ACTION_LABELS[action],
        "allowed": gettext("」或「").join(sources),
    }


def wrong_party_message(action: str) -> str:
    parties = [ROLE_LABELS[r] for r in (BUYER, SELLER) if r in ACTORS[action]]
    if len(parties) == 2:
        roles = gettext("%(first)s或%(second)s") % {"first": parties[0], "second": parties[1]}
    else:
        roles = parties[0] if parties else ROLE_LABELS[STAFF]
    return gettext("只有%(roles)s可以%(action)s。") % {
        "roles": roles,
        "action": ACTION_LABELS[action],
    }


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
