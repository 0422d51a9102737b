"""Forms of the company profile and colleague pages (issue 14). The rules are the services';
these only shape the input."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .company_services import LOGO_UPLOAD_MAX_BYTES
from .forms import PROVINCES
from .models import Company
from .roles import ROLE_LABELS

ROLE_CHOICES = list(ROLE_LABELS.items())


class CompanyProfileForm(forms.ModelForm):
    """The administrator's profile form. `registration_number` is offered once the company
    is verified (a change then goes to staff review, as a new name does)."""

    registration_number = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("已通过身份认证：修改后需工作人员审核，通过前对外仍显示原代码。"),
    )
    logo = forms.ImageField(
        label=_("企业标志"),
        required=False,
        help_text=format_lazy(
            _("JPG、PNG、GIF 或 WebP，不超过 {mb} MB；系统会统一转成不超过 400×400 像素的 JPG。"),
            mb=LOGO_UPLOAD_MAX_BYTES // (1024 * 1024),
        ),
        error_messages={
            "invalid_image": _("上传的文件不是有效的图片，请上传 JPG、PNG、GIF 或 WebP。")
        },
    )
    remove_logo = forms.BooleanField(label=_("删除现有标志"), required=False)
    province = forms.ChoiceField(
        label=_("所在省份"),
        choices=[("", _("请选择"))] + [(p, _(p)) for p in PROVINCES],
        required=False,
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "contact_name",
            "phone",
            "email",
            "province",
            "city",
            "industry",
            "address",
            "main_products",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("请填写企业名称。")},
            "contact_name": {"required": _("请填写联系人姓名。")},
            "phone": {"required": _("请填写联系电话。")},
        }

    def __init__(self, *args, verified: bool = False, registration_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].label = gettext("企业简介")
        if verified:
            self.fields["name"].help_text = gettext(
                "已通过身份认证：修改企业名称需工作人员审核，通过前公司页面、诚信档案和商铺仍显示原名称。"
            )
            self.fields["registration_number"].initial = registration_number
        else:
            del self.fields["registration_number"]
        if not (self.instance and self.instance.logo):
            del self.fields["remove_logo"]
        current = getattr(self.instance, "province", "")
        if current and current not in PROVINCES:  # an older free-text value stays choosable
            self.fields["province"].choices += [(current, current)]

    def changes(self) -> dict:
        """The submitted values for `company_profile_update` (logo separately)."""
        data = {f: self.cleaned_data.get(f, "") for f in self.Meta.fields}
        if "registration_number" in self.fields:
            data["registration_number"] = self.cleaned_data.get("registration_number", "")
        return data

    def _post_clean(self):
        # The service validates and saves: the form must not write to the instance.
        pass


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("同事的电子邮箱"),
        error_messages={
            "required": _("请填写同事的电子邮箱。"),
            "invalid": _("请输入有效的电子邮箱地址，如 zhang.san@example.com。"),
        },
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=ROLE_CHOICES,
        initial="sales",
        help_text=_(
            "产品信息：发布和管理供求信息；销售/询盘：询盘、报价和订单；管理员：全部功能。"
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=list(ROLE_LABELS.items()))


class AcceptNewAccountForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字或 @/./+/-/_。"),
        error_messages={"required": _("请填写用户名。")},
    )
    password1 = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput,
        help_text=_("至少 8 位，不能全是数字，不要与用户名相似。"),
        error_messages={"required": _("请设置密码。")},
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        widget=forms.PasswordInput,
        error_messages={"required": _("请再次输入密码。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", gettext("两次输入的密码不一致，请重新输入。"))
        return data
