"""Celery application. Workers: `celery -A marketplace worker`; scheduler: `celery -A marketplace beat`.

Both read the same environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, REDIS_URL) as the web
process; every `CELERY_*` Django setting configures this app.
"""

import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("marketplace.tasks",)


@setup_logging.connect
def configure_logging(loglevel=None, **kwargs) -> None:
    """Workers and beat log as the web processes do, JSON lines with the request id
    (settings.LOGGING, issue 16), instead of Celery's own format; `-l info` still sets the
    level."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs) -> None:
    """Treat each task as Django treats a request: before and after it, drop connections that
    are past CONN_MAX_AGE or broke (an error occurred and they no longer answer), and have
    a kept one checked before reuse (CONN_HEALTH_CHECKS). Celery's Django fixup does not:
    with CELERY_DB_REUSE_MAX it keeps the connection for N tasks whatever happened to it, so
    after a PostgreSQL restart every task failed ("connection already closed") until the
    worker was restarted. Eager tasks run inside the caller's request or test: left alone."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
