"""The e-mail notice of an inquiry message to the receiving company (R-I1), sent at most
once (`emailed_at`). Queued on commit by `services._post`, retried by the task, and sent
later by `services.inquiry_email_sweep` when its message was lost."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import InquiryMessage, Quote


def thread_url(inquiry_id: int) -> str:
    return reverse("inquiries:inbox_thread", args=[inquiry_id])


def inquiry_message_email(*, message_id: int) -> bool:
    """Send the e-mail notice of one message to the receiving company, at most once. A
    message whose company and users have no address is marked done all the same, so that
    the sweep does not pick it up again. A failed send rolls back and can be retried."""
    with transaction.atomic():
        msg = (
            InquiryMessage.objects.select_for_update(of=("self",))
            .select_related("inquiry", "recipient_company", "sender_company")
            .filter(pk=message_id)
            .first()
        )
        if msg is None or msg.emailed_at is not None:
            return False
        recipient = msg.recipient_company
        addresses = [recipient.email] if recipient.email else []
        if not addresses:
            addresses = sorted(
                {
                    u.email
                    for u in recipient.users.filter(is_active=True).exclude(email="")
                    if u.email
                }
            )
        if addresses:
            kind = msg.get_kind_display()
            subject = f"【{settings.SITE_NAME}】{msg.sender_company.name} 给您发来{kind}：{msg.inquiry.subject}"
            lines = [
                f"{recipient.contact_name or recipient.name}，您好：",
                "",
                f"{msg.sender_company.name}（{msg.sender_company.member_id}）给您发来一条{kind}：",
                "",
                msg.body,
            ]
            if msg.quantity:
                lines.append(f"数量：{msg.quantity}")
            quote = Quote.objects.filter(message=msg).first()
            if quote:
                lines.append(f"报价：单价 ¥{quote.unit_price}，数量 {quote.quantity}")
            lines += ["", f"请登录后在收件箱中查看并回复：{thread_url(msg.inquiry_id)}"]
            send_mail(
                subject[:200],
                "\n".join(lines),
                settings.DEFAULT_FROM_EMAIL,
                addresses,
            )
        msg.emailed_at = timezone.now()
        msg.save(update_fields=["emailed_at"])
        return bool(addresses)
