"""Celery application. Workers: `celery -A marketplace worker`; scheduler: `celery -A marketplace beat`.

Both read the same environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, REDIS_URL) as the web
process; every `CELERY_*` Django setting configures this app.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("marketplace.tasks",)
