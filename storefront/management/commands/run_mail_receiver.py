"""R-F3: `manage.py run_mail_receiver` (and `make mail`): the enterprise-mailbox SMTP server."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from storefront.mail_receiver import make_controller


class Command(BaseCommand):
    help = "启动企业邮箱 SMTP 收信服务（<会员ID>@MAIL_DOMAIN，每个邮箱 5 MB）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.MAIL_RECEIVER_HOST)
        parser.add_argument("--port", type=int, default=settings.MAIL_RECEIVER_PORT)

    def handle(self, *args, host, port, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        controller = make_controller(host, port)
        controller.start()
        self.stdout.write(
            self.style.SUCCESS(
                f"企业邮箱收信服务已启动：smtp://{host}:{port}，"
                f"收件地址 <会员ID>@{settings.MAIL_DOMAIN}（Ctrl+C 停止）"
            )
        )
        try:
            while not stop.wait(1):
                pass
        finally:
            controller.stop()
            self.stdout.write("收信服务已停止。")
