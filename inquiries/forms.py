"""Forms of the inquiries area; the services hold the rules, forms only shape the input."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ListingReport
from .services import MESSAGE_MAX_CHARS, QUANTITY_MAX


class InquiryForm(forms.Form):
    message = forms.CharField(
        label=_("留言内容"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _("请写明您需要的规格、数量、交货期等，卖家会尽快回复。"),
            }
        ),
        error_messages={"required": _("请填写留言内容，例如您需要的规格、数量和交货时间。")},
    )
    quantity = forms.IntegerField(
        label=_("采购数量"),
        required=False,
        min_value=1,
        max_value=QUANTITY_MAX,
        error_messages={
            "invalid": _("数量请填写正整数。"),
            "min_value": _("数量至少为 1。"),
            "max_value": _("数量不能超过 %(limit_value)s。"),
        },
    )


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("回复内容"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("输入回复内容")}),
        error_messages={"required": _("请填写回复内容。")},
    )


class QuoteForm(forms.Form):
    unit_price = forms.DecimalField(
        label=_("单价（元）"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": _("请填写单价（元）。"),
            "invalid": _("单价请填写数字，最多两位小数，例如 12800.00。"),
            "min_value": _("单价必须大于 0。"),
            "max_decimal_places": _("单价最多两位小数。"),
        },
    )
    quantity = forms.IntegerField(
        label=_("可供数量"),
        min_value=1,
        max_value=QUANTITY_MAX,
        error_messages={
            "required": _("请填写数量。"),
            "invalid": _("数量请填写正整数。"),
            "min_value": _("数量至少为 1。"),
        },
    )
    message = forms.CharField(
        label=_("报价说明"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("介绍产品规格、交货期、付款方式等。")}
        ),
        error_messages={"required": _("请填写报价说明，例如规格、交货期和付款方式。")},
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("举报原因"),
        choices=ListingReport.Reason.choices,
        error_messages={
            "required": _("请选择举报原因。"),
            "invalid_choice": _("请从列表中选择举报原因。"),
        },
    )
    detail = forms.CharField(
        label=_("补充说明"),
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("请尽量说明理由，便于工作人员核实。")}
        ),
    )
