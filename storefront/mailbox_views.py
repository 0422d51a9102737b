"""R-F3: the enterprise mailbox in the back office: list, read, delete, download attachments,
reply (outbound through Django's e-mail backend). Only for TrustPass companies; messages
received before a membership lapsed are kept and shown again after renewal."""

from __future__ import annotations

from email.utils import parseaddr
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.exceptions import DomainError
from members import privileges
from members.selectors import user_company

from . import rules, selectors, services
from .forms import MailReplyForm

PAGE_SIZE = 20
_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def mailbox_page(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        company = user_company(request.user)
        address = rules.mailbox_address(company.member_id, settings.MAIL_DOMAIN)
        if not privileges.has_mailbox(company):
            return render(
                request,
                "storefront/mailbox/unavailable.html",
                {"company": company, "address": address, "tab": "mailbox"},
                status=403,
            )
        used = selectors.mailbox_used_bytes(company)
        quota = settings.MAILBOX_QUOTA_BYTES
        context = {
            "company": company,
            "address": address,
            "tab": "mailbox",
            "quota": {
                "used": used,
                "limit": quota,
                "percent": min(100, round(used * 100 / quota, 1)) if quota else 0,
                "free": max(0, quota - used),
            },
        }
        return view(request, company, context, *args, **kwargs)

    return wrapper


@mailbox_page
def inbox(request, company, context):
    paginator = Paginator(selectors.mailbox_messages(company), PAGE_SIZE)
    context["page_obj"] = paginator.get_page(request.GET.get("page"))
    return render(request, "storefront/mailbox/inbox.html", context)


@mailbox_page
def message_detail(request, company, context, message_id: int):
    message = services.mail_message_read(company=company, message_id=message_id)
    context.update(message=message, attachments=list(message.attachments.all()))
    return render(request, "storefront/mailbox/detail.html", context)


@mailbox_page
@require_http_methods(["GET", "POST"])
def message_delete(request, company, context, message_id: int):
    message = selectors.mailbox_message_get(company, message_id)
    if request.method == "POST":
        services.mail_message_delete(company=company, message_id=message.pk)
        messages.success(
            request,
            _("邮件“%(subject)s”已删除。") % {"subject": message.subject or _("（无主题）")},
        )
        return redirect("storefront:mailbox")
    context["message"] = message
    return render(request, "storefront/mailbox/confirm_delete.html", context)


@mailbox_page
def attachment_download(request, company, context, message_id: int, attachment_id: int):
    attachment = selectors.mailbox_attachment_get(company, message_id, attachment_id)
    content_type = (
        attachment.content_type
        if attachment.content_type in _INLINE_TYPES
        else "application/octet-stream"
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("附件文件已丢失。"))
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@mailbox_page
@require_http_methods(["GET", "POST"])
def compose(request, company, context):
    initial = {}
    reply_to = request.GET.get("reply")
    if reply_to and reply_to.isdigit():
        original = selectors.mailbox_message_get(company, int(reply_to))
        initial = {
            "to": parseaddr(original.from_header)[1] or original.envelope_from,
            "subject": original.subject
            if original.subject.lower().startswith("re:")
            else f"Re: {original.subject}",
        }
    form = MailReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_send(company=company, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("邮件已发送至 %(to)s。") % {"to": form.cleaned_data["to"]})
            return redirect("storefront:mailbox")
    context["form"] = form
    return render(request, "storefront/mailbox/compose.html", context)
