"""Seller forms (我的阿里助手 › 供求信息): the listing form with inline guidance (R-L1, R-L3,
R-L5) and the staff reject form of the admin."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Listing
from .review import checks

TIER_ROWS = 3


def category_choices() -> list:
    """Second-level categories grouped under their first level (optgroups)."""
    groups: list = [("", _("请选择类目"))]
    parents = Category.objects.filter(parent__isnull=True).prefetch_related("children")
    for parent in parents:
        children = list(parent.children.all())
        if children:
            groups.append((parent.name, [(c.pk, c.name) for c in children]))
        else:
            groups.append((parent.pk, parent.name))
    return groups


class ListingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("信息类型"),
        choices=Listing.Kind.choices,
        initial=Listing.Kind.SUPPLY,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("产品名称"),
        max_length=60,
        help_text=_(
            "请用简明易懂的产品名称作标题，如“不锈钢无缝钢管”。品牌、型号、规格请填在下面各自的栏中，"
            "不要写进标题（否则审核不通过）。"
        ),
        widget=forms.TextInput(attrs={"placeholder": _("如：不锈钢无缝钢管")}),
    )
    keyword = forms.CharField(
        label=_("产品关键字"),
        max_length=30,
        help_text=_("填写一个最能代表产品的词，买家常用它搜索，如“无缝钢管”。"),
    )
    category = forms.TypedChoiceField(label=_("所属类目"), coerce=int, choices=())
    brand = forms.CharField(label=_("品牌"), max_length=50, required=False)
    model = forms.CharField(label=_("型号"), max_length=50, required=False)
    spec = forms.CharField(
        label=_("规格"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：Φ57×3.5mm")}),
    )
    description = forms.CharField(
        label=_("详细说明"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "请用中文详细介绍产品的用途、材质、性能、包装、交货期和售后，至少 30 个汉字"
            "（重复的字不计）。内容过于简单或以英文为主的信息不能通过审核。"
        ),
    )
    unit = forms.CharField(label=_("计量单位"), max_length=10, initial=_("件"))
    min_order = forms.IntegerField(label=_("最小起订量"), min_value=1, initial=1)
    price = forms.DecimalField(
        label=_("单价（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("不填表示价格面议。"),
    )
    price_max = forms.DecimalField(
        label=_("最高价（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("填写则显示为价格区间，如 ¥10–12。"),
    )
    fixed_price = forms.BooleanField(label=_("一口价（买家可按单价直接下单）"), required=False)
    supports_escrow = forms.BooleanField(label=_("支持支付宝交易"), required=False)
    province = forms.CharField(label=_("所在省份"), max_length=20, required=False)
    city = forms.CharField(label=_("所在城市"), max_length=30, required=False)
    validity_days = forms.TypedChoiceField(
        label=_("信息有效期"),
        coerce=int,
        choices=Listing.Validity.choices,
        initial=Listing.Validity.MONTH,
    )
    contact_name = forms.CharField(
        label=_("联系人"),
        max_length=50,
        required=False,
        help_text=_("求购信息的联系人；不填则用企业资料中的联系人。仅诚信通会员可见。"),
    )
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        for i in range(1, TIER_ROWS + 1):
            self.fields[f"tier{i}_qty"] = forms.IntegerField(
                label=_("起订量"), min_value=1, required=False
            )
            self.fields[f"tier{i}_price"] = forms.DecimalField(
                label=_("单价（元）"),
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.01"),
                required=False,
            )

    @classmethod
    def initial_from(cls, listing: Listing) -> dict:
        initial = {name: getattr(listing, name) for name in SERVICE_FIELDS}
        initial["category"] = listing.category_id
        for i, tier in enumerate(listing.price_tiers[:TIER_ROWS], start=1):
            initial[f"tier{i}_qty"] = tier.get("min_qty")
            initial[f"tier{i}_price"] = tier.get("price")
        return initial

    def tier_rows(self):
        return [(self[f"tier{i}_qty"], self[f"tier{i}_price"]) for i in range(1, TIER_ROWS + 1)]

    def clean(self):
        data = super().clean()
        tiers = []
        for i in range(1, TIER_ROWS + 1):
            qty, price = data.get(f"tier{i}_qty"), data.get(f"tier{i}_price")
            if qty is None and price is None:
                continue
            if qty is None or price is None:
                self.add_error(f"tier{i}_qty", _("阶梯价格请同时填写起订量和单价。"))
                continue
            tiers.append({"min_qty": qty, "price": str(price)})
        data["price_tiers"] = tiers
        return data

    def service_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SERVICE_FIELDS} | {
            "price_tiers": self.cleaned_data.get("price_tiers", []),
            "category": self.cleaned_data["category"],
        }


SERVICE_FIELDS = (
    "kind",
    "title",
    "keyword",
    "description",
    "brand",
    "model",
    "spec",
    "unit",
    "min_order",
    "price",
    "price_max",
    "fixed_price",
    "supports_escrow",
    "province",
    "city",
    "validity_days",
    "contact_name",
    "contact_phone",
    "contact_email",
)


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("上传图片"),
        help_text=_(
            "支持 JPG、PNG、GIF、WebP，不超过 5 MB；系统会自动转换为 200×200 像素。"
            "每条信息最多 6 张。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class RejectForm(forms.Form):
    """Staff: reject with one or more reasons (the admin's bulk action)."""

    codes = forms.MultipleChoiceField(
        label=_("未通过原因"),
        choices=[(c, checks.CHECK_LABELS[c]) for c in checks.CHECK_CODES]
        + [("other", _("其他原因（请填写说明）"))],
        widget=forms.CheckboxSelectMultiple,
    )
    detail = forms.CharField(
        label=_("审核说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("会附在每条原因后告诉卖家；选择“其他原因”时必填。"),
    )
