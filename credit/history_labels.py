"""R-C7: the cause of a score-history row in words, for the archive page and the API's
`history[].cause_label` (the stored `cause` stays as the services wrote it).

Causes, as the services write them: `order:<id>:<outcome>` (a settled escrow trade,
trade.signals), `review:<id>`, `certificate:<id>:<verified|rejected|deleted>`,
`verification_<approved|revoked|changed>`, `membership_<granted|changed|removed>`,
`nightly`, `staff`, `demo`. Anything else reads as a plain recomputation, never as code.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ORDER_OUTCOMES = {
    "completed": gettext_noop("交易完成"),
    "refunded": gettext_noop("交易退款"),
}
CERTIFICATE_OUTCOMES = {
    "verified": gettext_noop("证书通过核实"),
    "rejected": gettext_noop("证书被驳回"),
    "deleted": gettext_noop("证书已删除"),
}
EXACT = {
    "verification_approved": gettext_noop("身份认证通过"),
    "verification_revoked": gettext_noop("身份认证被撤销"),
    "verification_changed": gettext_noop("身份认证变更"),
    "membership_granted": gettext_noop("开通诚信通会员"),
    "membership_changed": gettext_noop("诚信通会员期变更"),
    "membership_removed": gettext_noop("诚信通会员期撤销"),
    "nightly": gettext_noop("每日重算（档案年限）"),
    "staff": gettext_noop("工作人员重新计算"),
    "demo": gettext_noop("演示数据初始化"),
}
# By prefix, for causes of a known kind with a detail this list does not name.
PREFIXES = [
    ("verification", gettext_noop("身份认证变更")),
    ("membership", gettext_noop("诚信通会员期变更")),
]
FALLBACK = gettext_noop("积分重新计算")


def cause_label(cause: str | None) -> str:
    """The cause of a history row as a person reads it: `order:1:completed` →
    "订单 #1 交易完成", `review:12` → "收到会员评价"; unknown causes → "积分重新计算"."""
    cause = (cause or "").strip()
    kind, _sep, rest = cause.partition(":")
    if kind == "order":
        order_id, _sep, outcome = rest.partition(":")
        if order_id.isdigit():
            what = _(ORDER_OUTCOMES.get(outcome, gettext_noop("交易结束")))
            return _("订单 #%(id)s %(what)s") % {"id": order_id, "what": what}
    if kind == "review":
        return _("收到会员评价")
    if kind == "certificate":
        outcome = rest.rpartition(":")[2]
        return _(CERTIFICATE_OUTCOMES.get(outcome, gettext_noop("证书变更")))
    if cause in EXACT:
        return _(EXACT[cause])
    for prefix, label in PREFIXES:
        if cause.startswith(prefix):
            return _(label)
    return _(FALLBACK)


def score_change(old: int, new: int) -> str:
    """The change of a history row, signed: "+2", "−2" (a minus sign), "0"."""
    delta = new - old
    if delta > 0:
        return f"+{delta}"
    if delta < 0:
        return f"−{-delta}"
    return "0"
