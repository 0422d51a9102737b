"""Celery tasks of inquiries: the e-mail notice to the receiving company (R-I1).

Registered with the worker through `app.conf.imports` in marketplace/celery.py (autodiscovery
imports only `<app>.tasks`).
"""

from celery import shared_task

from .services import inquiry_message_email


@shared_task(
    name="listings.inquiry_email_notify",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def inquiry_email_notify(message_id: int) -> bool:
    """E-mail the receiver of one inquiry message; a second run sends nothing."""
    return inquiry_message_email(message_id=message_id)
