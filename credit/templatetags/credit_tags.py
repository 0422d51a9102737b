"""Template tags of the credit archive: the review box of an order page and the score badge."""

from django import template
from django.utils.translation import gettext_lazy as _

from credit import history_labels, selectors
from credit.forms import ReviewForm
from credit.models import Rating

register = template.Library()

REFUSAL_TEXT = {
    "trustpass_required": _("只有买卖双方在评价时都是诚信通会员才能评价。"),
    "trade_not_paid": _("买家付款后才能评价这笔交易；从未付款（已取消或超时关闭）的交易不能评价。"),
    "trade_in_progress": _("交易进行中，交易结束（确认收货或退款）后才能评价。"),
    "self_review": _("不能评价自己的企业。"),
}


@register.simple_tag(takes_context=True)
def review_box(context, order):
    """R-C4 for the order page: what the signed-in party may do (None for others)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    company = getattr(user, "company", None) if user and user.is_authenticated else None
    state = selectors.review_form_state(order=order, company=company)
    if state is None:
        return None
    return {
        "state": state,
        "form": ReviewForm(ratings=state.ratings, initial={"rating": state.ratings[0]})
        if state.can_review
        else None,
        "refusal_text": REFUSAL_TEXT.get(state.refusal, ""),
        "positive_blocked": state.can_review and Rating.POSITIVE not in state.ratings,
    }


@register.inclusion_tag("credit/_score_badge.html")
def credit_badge(company):
    """The score with a link to the archive, for listing pages and search results."""
    return {"company": company}


@register.filter
def cause_label(cause: str) -> str:
    """A history row's cause in words (R-C7 history on the archive page)."""
    return history_labels.cause_label(cause)


@register.filter
def score_change(row) -> str:
    """A history row's change, signed ("+2", "−2")."""
    return history_labels.score_change(row.old_score, row.new_score)
