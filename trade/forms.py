from django import forms
from django.utils.translation import gettext_lazy as _

from . import pricing


class OrderCreateForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("购买数量"),
        min_value=1,
        max_value=pricing.MAX_QUANTITY,
        error_messages={
            "required": _("请填写购买数量。"),
            "invalid": _("购买数量请填写整数。"),
            "min_value": _("购买数量至少为 1。"),
            "max_value": _("单笔订单购买数量不能超过 %(limit_value)s。"),
        },
    )


class ShipForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("物流单号"),
        max_length=60,
        required=False,
        help_text=_("选填；填写后买家可以查询物流。"),
        error_messages={"max_length": _("物流单号最多 60 个字符。")},
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("退款原因"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填，最多 200 字；对方会在站内信中看到。"),
        error_messages={"max_length": _("退款原因最多 200 字，请精简后再提交。")},
    )


class DisputeForm(forms.Form):
    """R-T1c: what went wrong, for staff and the seller."""

    reason = forms.CharField(
        label=_("纠纷原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "必填，最多 500 字：如货物与描述不符、数量不足、卖家未按约定发货；卖家和客服会看到。"
        ),
        error_messages={
            "required": _("请说明纠纷原因。"),
            "max_length": _("纠纷原因最多 500 字，请精简后再提交。"),
        },
    )


class TrustPassBuyForm(forms.Form):
    """R-M2: buy or renew TrustPass years in the back office."""

    years = forms.TypedChoiceField(
        label=_("购买年限"),
        coerce=int,
        choices=[(1, _("1 年")), (2, _("2 年")), (3, _("3 年"))],
        initial=1,
    )
    confirm = forms.BooleanField(
        label=_("我已阅读并同意《诚信通服务协议》，确认支付"),
        error_messages={"required": _("请勾选确认后再支付。")},
    )
