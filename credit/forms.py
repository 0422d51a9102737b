"""Forms of the credit pages; the services keep the rules, the forms only shape input."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.uploads import CERTIFICATE_IMAGE_MAX_BYTES

from .models import Certificate, CreditReference, Rating


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择好评、中评或差评。")},
    )
    comment = forms.CharField(
        label=_("评价内容"),
        required=False,
        max_length=500,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("说说这笔交易：货品质量、发货速度、服务态度（最多 500 字）"),
            }
        ),
    )

    def __init__(self, *args, ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ratings is not None:
            self.fields["rating"].choices = [c for c in Rating.choices if c[0] in ratings]


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("证书类型"),
        choices=Certificate.Kind.choices,
        error_messages={
            "required": _("请选择证书类型。"),
            "invalid_choice": _("请从列表中选择证书类型。"),
        },
    )
    title = forms.CharField(
        label=_("证书名称"),
        max_length=100,
        error_messages={"required": _("请填写证书名称。")},
        widget=forms.TextInput(
            attrs={"placeholder": _("如：税务登记证、ISO9001 质量管理体系认证")}
        ),
    )
    image = forms.FileField(
        label=_("证书图片"),
        help_text=format_lazy(
            _(
                "JPG、PNG 或 GIF，不超过 {mb} MB；"
                "请上传清晰的原件照片或扫描件。工作人员核实后才计入信用积分。"
            ),
            mb=CERTIFICATE_IMAGE_MAX_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={
            "required": _("请选择要上传的证书图片。"),
            "empty": _("上传的文件是空的，请重新选择。"),
        },
    )


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = CreditReference
        fields = ["name", "firm", "relation", "contact"]
        widgets = {
            "relation": forms.TextInput(attrs={"placeholder": _("如：开户银行、长期客户、供应商")}),
            "contact": forms.TextInput(attrs={"placeholder": _("电话或电子邮箱")}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = gettext("请填写%(label)s。") % {"label": field.label}
            field.error_messages["max_length"] = gettext(
                "%(label)s不能超过 %%(limit_value)d 个字符（当前 %%(show_value)d 个）。"
            ) % {"label": field.label}


class RejectForm(forms.Form):
    """Admin: the reason staff give when they reject certificates (R-C5)."""

    reason = forms.CharField(
        label=_("驳回原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("告诉企业如何改正，如“图片模糊，请上传清晰的原件照片”。"),
    )
