"""Operations settings (issue 16): queues per kind of work, logs, metrics and worker
heartbeats. base.py imports them all (`from .operations import *`), so every mode has them and
may change them like any other setting (production.py raises the log level).
"""

from pathlib import Path

import environ
from kombu import Exchange, Queue

env = environ.Env()
# Imported at the top of base.py, before it reads .env: read it here too (never overwriting).
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)

__all__ = [
    "CELERY_QUEUE_PREFIX",
    "CELERY_TASK_QUEUES",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_TASK_ROUTES",
    "LOG_FORMAT",
    "LOGGING",
    "METRICS_ALLOWED_NETWORKS",
    "WORKER_HEARTBEAT_INTERVAL",
    "WORKER_HEARTBEAT_MAX_AGE",
]

# Queues per kind of work (issue 16), so a burst of one kind (10,000 e-mails) never delays
# another (a listing's review): `review` (automatic checks), `search` (index upkeep), `credit`
# (scores, the nightly run), `mail` (every e-mail and notice), `default` (the rest: expiry,
# refunds, orders, probes). A task goes where CELERY_TASK_ROUTES sends its name (an exact
# name first, then the patterns in order); any other task to `default`. `celery worker`
# without -Q serves every queue of CELERY_TASK_QUEUES (`make worker`); `-Q review` only that
# one (README: a worker per queue on several hosts). CELERY_QUEUE_PREFIX (empty) is put before
# every name: two deployments, or test runs, sharing one Redis. tests/ops/test_queues.py
# checks where each task goes.
CELERY_QUEUE_PREFIX = env("CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name)
    for name in (
        CELERY_QUEUE_PREFIX + kind for kind in ("review", "search", "credit", "mail", "default")
    )
)
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_PREFIX + "default"
CELERY_TASK_ROUTES = {
    name_or_pattern: {"queue": CELERY_QUEUE_PREFIX + queue}
    for name_or_pattern, queue in {
        "listings.listing_review": "review",
        "listings.listing_review_sweep": "review",
        "listings.search_refresh_rank_keys": "search",  # search's task, named before the split
        "search.*": "search",
        "credit.*": "credit",
        # E-mails and notices, whatever their app: listings.listing_rejection_email,
        # listings.inquiry_email_notify, members.notice_email (and its sweep),
        # members.notice_deliver, members.membership_reminders_send, storefront mail, …
        "*mail*": "mail",
        "*notice*": "mail",
        "*notif*": "mail",
        "*remind*": "mail",
    }.items()
}

# Logs (issue 16): one JSON object a line on stderr, web processes and workers alike (the
# worker's logging is this too: marketplace/celery.py), with the request id of the request, or
# of the request behind the task, and the task's id and name (ops/request_id.py).
# LOG_FORMAT=text: plain lines, for a developer's terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "static_fields": {},
            "json_ensure_ascii": False,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Operations (issue 16) ---------------------------------------------------------------
# /metrics: staff, or a client address (marketplace.clients.client_ip) in these networks.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1"])
# Workers write a heartbeat per queue this often; /readyz wants one younger than
# WORKER_HEARTBEAT_MAX_AGE for every queue (0: /readyz does not look at workers). Where tasks
# run in-process (CELERY_TASK_ALWAYS_EAGER) there are no workers to look at.
WORKER_HEARTBEAT_INTERVAL = env.int("WORKER_HEARTBEAT_INTERVAL", default=15)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
