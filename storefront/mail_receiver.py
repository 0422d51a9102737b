"""R-F3: the SMTP receiver for the enterprise mailboxes (aiosmtpd).

`<member-id>@<MAIL_DOMAIN>` of a TrustPass company is accepted into its mailbox; any other
recipient gets 550 at RCPT; a message that would take a mailbox past its 5 MB quota gets
552 (at RCPT when the client announced SIZE=, else after DATA); exactly the quota fits.
The database work runs in a worker thread (sync_to_async), through storefront.services.
"""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from . import rules, selectors, services
from .exceptions import MailboxOverQuota, UnknownRecipient

logger = logging.getLogger(__name__)

REPLY_UNKNOWN = "550 5.1.1 Recipient address rejected: no such mailbox"
REPLY_OVER_QUOTA = "552 5.2.2 Mailbox full: message exceeds the 5 MB quota"
REPLY_TEMPORARY = "451 4.3.0 Temporary local error, please try again later"


def _in_db_thread(func):
    """Run `func` in the sync worker thread with a fresh, then closed, DB connection (the
    receiver is long-lived and idle for long spells)."""

    def run(*args, **kwargs):
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(run, thread_sensitive=False)


def _recipient_status(address: str, announced_size: int | None) -> str | None:
    company = selectors.mailbox_recipient(address)
    if company is None:
        return REPLY_UNKNOWN
    if announced_size is not None and not rules.quota_allows(
        used=selectors.mailbox_used_bytes(company),
        incoming=announced_size,
        quota=settings.MAILBOX_QUOTA_BYTES,
    ):
        return REPLY_OVER_QUOTA
    return None


def _announced_size(mail_options: list[str]) -> int | None:
    for option in mail_options or []:
        key, _, value = option.partition("=")
        if key.upper() == "SIZE" and value.isdigit():
            return int(value)
    return None


class MailboxHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            problem = await _in_db_thread(_recipient_status)(
                address, _announced_size(envelope.mail_options)
            )
        except Exception:
            logger.exception("mailbox lookup failed for %s", address)
            return REPLY_TEMPORARY
        if problem:
            return problem
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            await _in_db_thread(services.mail_deliver)(
                recipients=list(envelope.rcpt_tos),
                envelope_from=envelope.mail_from or "",
                raw=envelope.original_content or b"",
            )
        except UnknownRecipient:
            return REPLY_UNKNOWN
        except MailboxOverQuota:
            return REPLY_OVER_QUOTA
        except Exception:
            logger.exception("mail delivery failed")
            return REPLY_TEMPORARY
        return "250 OK: queued"


class MailboxController(Controller):
    def factory(self):
        # Far above the quota (dot-stuffing grows the wire size); the quota is checked
        # exactly on the unstuffed message.
        return SMTP(
            self.handler,
            data_size_limit=settings.MAILBOX_QUOTA_BYTES * 2,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=settings.MAIL_DOMAIN,
            ident="chengxintong-mailbox",
        )


def make_controller(host: str | None = None, port: int | None = None) -> MailboxController:
    return MailboxController(
        MailboxHandler(),
        hostname=host or settings.MAIL_RECEIVER_HOST,
        port=settings.MAIL_RECEIVER_PORT if port is None else port,
    )
