from celery import shared_task

from . import notices, services
from .models import Company


@shared_task(name="members.notice_deliver", max_retries=3, default_retry_delay=10)
def notice_deliver(
    company_id: int,
    kind: str,
    title: str,
    dedupe_key: str | None = None,
    body: str = "",
    url: str = "",
) -> int | None:
    """Make an in-site notice; with a dedupe key, running twice makes one notice."""
    company = Company.objects.get(pk=company_id)
    notice = services.notice_send(
        company=company, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
    )
    return notice.pk if notice else None


@shared_task(name="members.membership_reminders_send", max_retries=0)
def membership_reminders_send() -> int:
    """R-M4 beat task: send the renewal reminders due today; each goes out exactly once
    however often (or late) this runs."""
    return services.membership_reminders_send()


@shared_task(
    name="members.notice_email",
    autoretry_for=(Exception,),
    retry_backoff=10,
    max_retries=5,
)
def notice_email(notice_id: int) -> bool:
    """The e-mail copy of one notice, at most once however often this runs."""
    return notices.notice_email_send(notice_id)


@shared_task(name="members.notice_email_sweep", max_retries=0)
def notice_email_sweep() -> int:
    """Queue the notice e-mails whose message was lost (sent once each)."""
    return notices.notice_email_sweep()
