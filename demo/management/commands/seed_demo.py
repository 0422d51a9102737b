"""Build a believable demo marketplace. Idempotent: running it again changes nothing.

Each app's demo data lives in its own module of this app (`demo.members`, `demo.listings`,
…), each with `seed(stdout)`, called in dependency order, each in its own transaction.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import credit, listings, members, storefront, trade

SEEDERS = [members, listings, trade, credit, storefront]


class Command(BaseCommand):
    help = "创建演示数据（企业、供求信息、交易、评价、证书）；可重复运行。"

    def handle(self, *args, **options):
        for module in SEEDERS:
            with transaction.atomic():
                module.seed(self.stdout)
        embedded = "sqlite" in settings.DATABASES["default"]["ENGINE"]
        if embedded:
            username, password = members.ensure_staff_account()
            self.stdout.write(
                self.style.SUCCESS(
                    f"管理员账号（仅演示环境）：用户名 {username}  密码 {password}  登录 /admin/"
                )
            )
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
