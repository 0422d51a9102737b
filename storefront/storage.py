"""Private storage for mailbox attachments (R-F3): outside MEDIA_ROOT, so no static or media
server ever publishes them; they are served only by the mailbox view, to their company."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class MailboxStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.MAILBOX_ROOT, read on every use (so tests and
    deployments can move it), with no public URL."""

    def __init__(self):
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self):
        return str(settings.MAILBOX_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("邮件附件没有公开地址，请通过企业邮箱页面下载。")


def mailbox_storage() -> MailboxStorage:
    return MailboxStorage()
