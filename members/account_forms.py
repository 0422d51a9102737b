"""Forms of the account pages (issue 14, part 1). Django's auth forms, with Chinese labels and
messages that say how to fix the input; what they save goes through `account_services`."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import account_services

WRONG_PASSWORD = account_services.WrongPassword.default_detail


def _password_field(label: str, autocomplete: str = "current-password", help_text: str = ""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": format_lazy(_("请输入{label}。"), label=label)},
    )


class _NewPasswordLabels:
    """Chinese labels and messages for Django's new-password pair."""

    error_messages = {"password_mismatch": _("两次输入的新密码不一致，请重新输入。")}

    def _label_new_password_fields(self):
        self.fields["new_password1"].label = gettext("新密码")
        self.fields["new_password1"].error_messages["required"] = gettext("请输入新密码。")
        self.fields["new_password2"].label = gettext("再次输入新密码")
        self.fields["new_password2"].help_text = gettext("请再输入一遍新密码，以免输错。")
        self.fields["new_password2"].error_messages["required"] = gettext("请再输入一遍新密码。")


class AccountPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("注册邮箱"),
        max_length=254,
        help_text=_("填写您账号的电子邮箱，我们会发送一封重设密码的邮件。"),
        error_messages={
            "required": _("请填写注册时使用的电子邮箱。"),
            "invalid": _("邮箱格式不正确，请检查，例如 name@example.com。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, **kwargs):
        # One implementation for the page and the API (account_services).
        account_services.password_reset_send(email=self.cleaned_data["email"])


class AccountSetPasswordForm(_NewPasswordLabels, SetPasswordForm):
    """The form behind a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_new_password_fields()

    def save(self, commit=True):
        return account_services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], address_proven=True
        )


class AccountPasswordChangeForm(_NewPasswordLabels, PasswordChangeForm):
    error_messages = {
        **_NewPasswordLabels.error_messages,
        "password_incorrect": WRONG_PASSWORD,
    }
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_new_password_fields()
        self.fields["old_password"].label = gettext("当前密码")
        self.fields["old_password"].error_messages["required"] = gettext("请输入当前密码。")

    def save(self, commit=True):
        # Every other session and the API token stop working; the view keeps this session.
        return account_services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class _ConfirmWithPassword(forms.Form):
    password = _password_field(
        _("当前密码"), help_text=_("为保护您的账号，请输入当前登录密码确认。")
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong_password")
        return password


class EmailChangeForm(_ConfirmWithPassword):
    email = forms.EmailField(
        label=_("新的电子邮箱"),
        max_length=254,
        help_text=_("修改后需点击发到新邮箱的确认链接；确认前不会向该邮箱发送任何通知。"),
        error_messages={
            "required": _("请填写新的电子邮箱。"),
            "invalid": _("邮箱格式不正确，请检查，例如 name@example.com。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "password"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(gettext("这就是您现在的邮箱；如需更换，请填写另一个地址。"))
        return email


class SessionsEndForm(_ConfirmWithPassword):
    """Sign out of every session: the password confirms the destructive action."""
