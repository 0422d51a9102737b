"""Build a believable demo marketplace. Idempotent: running it again changes nothing.

Each app contributes through its own `demo.py` (`seed(stdout)`), called in dependency order.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from members.demo import ensure_staff_account

SEEDERS = ["members.demo", "listings.demo", "trade.demo", "credit.demo", "storefront.demo"]


class Command(BaseCommand):
    help = "创建演示数据（企业、供求信息、交易、评价、证书）；可重复运行。"

    def handle(self, *args, **options):
        for module_name in SEEDERS:
            module = importlib.import_module(module_name)
            with transaction.atomic():
                module.seed(self.stdout)
        embedded = "sqlite" in settings.DATABASES["default"]["ENGINE"]
        if embedded:
            username, password = ensure_staff_account()
            self.stdout.write(
                self.style.SUCCESS(
                    f"管理员账号（仅演示环境）：用户名 {username}  密码 {password}  登录 /admin/"
                )
            )
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
