from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .rules import member_id_problem, normalise_registration_number, registration_number_problem
from .selectors import verification_agencies_active

# The values are the Chinese names the data holds; the labels are translated.
PROVINCES = [
    gettext_noop("北京"),
    gettext_noop("天津"),
    gettext_noop("上海"),
    gettext_noop("重庆"),
    gettext_noop("河北"),
    gettext_noop("山西"),
    gettext_noop("辽宁"),
    gettext_noop("吉林"),
    gettext_noop("黑龙江"),
    gettext_noop("江苏"),
    gettext_noop("浙江"),
    gettext_noop("安徽"),
    gettext_noop("福建"),
    gettext_noop("江西"),
    gettext_noop("山东"),
    gettext_noop("河南"),
    gettext_noop("湖北"),
    gettext_noop("湖南"),
    gettext_noop("广东"),
    gettext_noop("海南"),
    gettext_noop("四川"),
    gettext_noop("贵州"),
    gettext_noop("云南"),
    gettext_noop("陕西"),
    gettext_noop("甘肃"),
    gettext_noop("青海"),
    gettext_noop("内蒙古"),
    gettext_noop("广西"),
    gettext_noop("西藏"),
    gettext_noop("宁夏"),
    gettext_noop("新疆"),
    gettext_noop("香港"),
    gettext_noop("澳门"),
    gettext_noop("台湾"),
]


class RegistrationForm(forms.Form):
    """One form for the account and its company (R-M1)."""

    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用，字母、数字或 @/./+/-/_。")
    )
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("用于接收询盘和审核通知。"))
    password1 = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput,
        help_text=_("至少 8 位，不能全是数字，不要与用户名相似。"),
    )
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput)
    member_id = forms.CharField(
        label=_("会员ID"),
        max_length=30,
        help_text=_("3–30 个小写字母、数字或连字符，如 hzsteel；也是您商铺网址的一部分。"),
    )
    company_name = forms.CharField(label=_("企业名称"), max_length=100)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=30)
    province = forms.ChoiceField(
        label=_("所在省份"),
        choices=[("", _("请选择"))] + [(p, _(p)) for p in PROVINCES],
        required=False,
    )
    city = forms.CharField(label=_("城市"), max_length=30, required=False)

    def clean_member_id(self):
        value = self.cleaned_data["member_id"].strip()
        problem = member_id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", gettext("两次输入的密码不一致，请重新输入。"))
        return data


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误，请检查后重试（注意大小写）。"),
        "inactive": _("该账户已停用，请联系客服。"),
    }


class VerificationForm(forms.Form):
    """R-C2: the identity verification application (身份认证申请)."""

    agency = forms.ModelChoiceField(
        label=_("认证机构"),
        queryset=None,
        empty_label=_("请选择认证机构"),
        help_text=_("由平台授权的第三方认证机构核实贵公司的工商登记信息。"),
        error_messages={
            "required": _("请选择一家认证机构。"),
            "invalid_choice": _("请从列表中选择一家认证机构。"),
        },
    )
    registration_number = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("营业执照上的 18 位代码，如 91330100716105852F（字母大小写均可）。"),
        error_messages={"required": _("请填写营业执照上的统一社会信用代码。")},
    )
    applicant_name = forms.CharField(
        label=_("申请人姓名"),
        max_length=50,
        help_text=_("经企业授权办理认证的人员，认证机构会与其核实。"),
        error_messages={"required": _("请填写经企业授权的申请人姓名。")},
    )
    applicant_title = forms.CharField(label=_("申请人职务"), max_length=50, required=False)
    applicant_phone = forms.CharField(label=_("申请人电话"), max_length=30, required=False)
    authorised = forms.BooleanField(
        label=_("我确认申请人已获得本企业授权，所填信息真实有效"),
        error_messages={"required": _("请确认申请人已获得企业授权。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = verification_agencies_active()

    def clean_registration_number(self):
        value = normalise_registration_number(self.cleaned_data["registration_number"])
        problem = registration_number_problem(value)
        if problem:
            raise forms.ValidationError(problem, code="invalid_registration_number")
        return value


class RejectForm(forms.Form):
    """Staff reject or revoke with a reason the company can act on (R-C2)."""

    reason = forms.CharField(
        label=_("原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("告诉企业哪里不对、如何修改，例如“统一社会信用代码与营业执照不一致”。"),
        error_messages={"required": _("请填写原因，告诉企业如何修改后重新申请。")},
    )
