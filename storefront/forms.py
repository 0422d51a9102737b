from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import rules


class ContactForm(forms.Form):
    """R-I1: an inquiry to a storefront's company."""

    message = forms.CharField(
        label=_("询盘内容"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明所需产品、规格、数量和交货地，便于供应商准确报价（5–2000 字）。"),
        error_messages={
            "required": _("请填写询盘内容。"),
            "min_length": _("询盘内容太短，请至少写 5 个字，说明您的需求。"),
            "max_length": _("询盘内容最多 2000 字，请精简后再发送。"),
        },
    )
    quantity = forms.IntegerField(
        label=_("采购数量"),
        required=False,
        min_value=1,
        max_value=10**9,
        help_text=_("可不填。"),
        error_messages={"min_value": _("采购数量至少为 1，不需要可留空。")},
    )


class ShopSettingsForm(forms.Form):
    slogan = forms.CharField(
        label=_("商铺标语"),
        required=False,
        max_length=100,
        help_text=_("显示在商铺横幅上的一句话，如“专业生产不锈钢无缝钢管二十年”（最多 100 字）。"),
    )
    introduction = forms.CharField(
        label=_("公司介绍"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=(
            _(
                "可使用简单的 HTML：段落 <p>、标题 <h2>/<h3>、加粗 <strong>、列表 <ul><li>、表格、"
                "链接和本页上传的图片。脚本、样式和事件属性会被自动删除。"
            )
        ),
        error_messages={"max_length": _("公司介绍最多 20000 个字符，请精简后再保存。")},
    )


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("图片"),
        help_text=_("JPG、PNG、GIF 或 WebP，不超过 300 KB。"),
        error_messages={"required": _("请选择要上传的图片。")},
    )


class FeaturedForm(forms.Form):
    listings = forms.MultipleChoiceField(
        label=_("推荐产品"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=format_lazy(
            _("最多选择 {max} 个已上网的供应信息，按选择顺序显示在商铺首页。"),
            max=rules.FEATURED_MAX,
        ),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listings"].choices = choices


SUFFIX_CHOICES = [
    (rules.SUFFIX_ALL, _("全部（.cn / .com.cn / .net.cn）")),
    *[(s, s) for s in rules.SUFFIXES],
]


class DomainCheckForm(forms.Form):
    name = forms.CharField(
        label=_("域名名称"),
        max_length=100,
        help_text=_(
            "字母、数字或连字符（1–63 个字符，不能以连字符开头或结尾），也可以输入中文名称。"
        ),
        error_messages={"required": _("请输入想要注册的域名名称。")},
    )
    suffix = forms.ChoiceField(label=_("后缀"), choices=SUFFIX_CHOICES, initial=rules.SUFFIX_ALL)


class MailReplyForm(forms.Form):
    to = forms.EmailField(
        label=_("收件人"), error_messages={"invalid": _("请输入有效的邮箱地址。")}
    )
    subject = forms.CharField(label=_("主题"), max_length=200)
    body = forms.CharField(
        label=_("正文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
