"""The member's notice preferences (/my/notices/settings/): which events of the user's role
also come by e-mail. In-site notices (站内信) always come."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import notices


class NoticeSettingsForm(forms.Form):
    email = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = [(event, label) for event, label, _ in rows]


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request):
    user = request.user
    rows = notices.notice_preferences(user)
    form = NoticeSettingsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        changed = notices.notice_preferences_set(user=user, email_on=form.cleaned_data["email"])
        messages.success(request, _("通知设置已保存。") if changed else _("通知设置没有变化。"))
        return redirect("members:notice_settings")
    return render(
        request,
        "members/notice_settings.html",
        {
            "rows": rows,
            "form": form,
            "role": user.get_role_display(),
            "email_confirmed": bool(user.email and user.email_confirmed_at),
        },
        status=400 if form.errors else 200,
    )
