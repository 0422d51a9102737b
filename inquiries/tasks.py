"""Celery tasks of inquiries: the e-mail notice to the receiving company (R-I1), and the
sweep that sends the notices whose task failed for good or whose message was lost.

Registered with the worker through `app.conf.imports` in marketplace/celery.py (autodiscovery
imports only `<app>.tasks`).
"""

from celery import shared_task

from .emails import inquiry_message_email
from .services import inquiry_email_sweep as sweep


@shared_task(
    name="listings.inquiry_email_notify",
    # Any failure (SMTP, a template, the database) is retried: 1, 2, 4, 8, 16 s (jittered,
    # at most 5 min); after that the sweep queues it again until it is a day old.
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def inquiry_email_notify(message_id: int) -> bool:
    """E-mail the receiver of one inquiry message; a second run sends nothing."""
    return inquiry_message_email(message_id=message_id)


@shared_task(name="inquiries.inquiry_email_sweep")
def inquiry_email_sweep(limit: int = 500) -> int:
    """Queue the e-mail notices left unsent (beat, every two minutes)."""
    return sweep(limit=limit)
