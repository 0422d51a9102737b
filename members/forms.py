from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .rules import member_id_problem

PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
]


class RegistrationForm(forms.Form):
    """One form for the account and its company (R-M1)."""

    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，字母、数字或 @/./+/-/_。"
    )
    email = forms.EmailField(label="电子邮箱", help_text="用于接收询盘和审核通知。")
    password1 = forms.CharField(
        label="密码",
        widget=forms.PasswordInput,
        help_text="至少 8 位，不能全是数字，不要与用户名相似。",
    )
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput)
    member_id = forms.CharField(
        label="会员ID",
        max_length=30,
        help_text="3–30 个小写字母、数字或连字符，如 hzsteel；也是您商铺网址的一部分。",
    )
    company_name = forms.CharField(label="企业名称", max_length=100)
    contact_name = forms.CharField(label="联系人", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30)
    province = forms.ChoiceField(
        label="所在省份", choices=[("", "请选择")] + [(p, p) for p in PROVINCES], required=False
    )
    city = forms.CharField(label="城市", max_length=30, required=False)

    def clean_member_id(self):
        value = self.cleaned_data["member_id"].strip()
        problem = member_id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致，请重新输入。")
        return data


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请检查后重试（注意大小写）。",
        "inactive": "该账户已停用，请联系客服。",
    }
