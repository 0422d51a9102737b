"""Tasks that failed for good (issue 16): recorded where staff see them and can re-run them.

Celery sends `task_failure` only for a final failure: a task that retries sends `task_retry`
until its `max_retries` are spent (then the last exception is the failure), and one that does
not retry fails at once. Every such failure becomes (or updates) a `FailedTask` row, besides
the worker's log line. A re-run sends the task again with its arguments and a
`failed_task_id` header: if it fails for good again the same row is updated, if it
succeeds the row is resolved. The tasks are idempotent (DESIGN.md), so a re-run of work a
sweep already redid changes nothing.

Recording never raises: a failure to record (the database away, which is often why the task
failed) is logged and the worker goes on.
"""

from __future__ import annotations

import json
import logging

from celery import current_app
from celery.signals import task_failure, task_success
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import request_id
from .models import FailedTask

logger = logging.getLogger(__name__)

FAILED_TASK_HEADER = "failed_task_id"
_MESSAGE_CHARS = 2_000
_TRACEBACK_CHARS = 20_000


def _jsonable(value, empty):
    try:
        return json.loads(json.dumps(value if value is not None else empty, default=repr))
    except (TypeError, ValueError):
        return empty


def failed_task_record(*, task, task_id: str, exception, args, kwargs, einfo=None) -> FailedTask:
    """Record one final failure of `task` (a row per job, see the module)."""
    request = task.request
    now = timezone.now()
    values = {
        "task_id": task_id,
        "task_name": task.name,
        "queue": ((request.delivery_info or {}).get("routing_key") or "")[:255],
        "args": _jsonable(list(args or ()), []),
        "kwargs": _jsonable(dict(kwargs or {}), {}),
        "exception_type": type(exception).__name__[:255],
        "exception_message": str(exception)[:_MESSAGE_CHARS],
        "traceback": str(einfo or "")[-_TRACEBACK_CHARS:],
        "retries": request.retries or 0,
        "request_id": (request_id.header(request, request_id.TASK_HEADER) or "")[:128],
        "status": FailedTask.Status.FAILED,
        "failed_at": now,
    }
    rerun_of = request_id.header(request, FAILED_TASK_HEADER)
    with transaction.atomic():
        if rerun_of:
            row = FailedTask.objects.select_for_update().filter(pk=rerun_of).first()
            if row is not None:
                for name, value in values.items():
                    setattr(row, name, value)
                row.failures = F("failures") + 1
                row.resolved_at = None
                row.save()
                row.refresh_from_db()
                return row
        row, created = FailedTask.objects.select_for_update().get_or_create(
            task_id=task_id, defaults=values
        )
        if not created:  # the same message failed again (redelivered, or an eager retry)
            FailedTask.objects.filter(pk=row.pk).update(**values)
            row.refresh_from_db()
        return row


def _on_failure(
    sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_
) -> None:
    logger.error(
        "task %s[%s] failed for good: %s: %s",
        getattr(sender, "name", sender),
        task_id,
        type(exception).__name__,
        exception,
    )
    try:
        failed_task_record(
            task=sender, task_id=task_id, exception=exception, args=args, kwargs=kwargs, einfo=einfo
        )
    except Exception:
        logger.exception("the failure of task %s[%s] could not be recorded", sender, task_id)


def _on_success(sender=None, **_) -> None:
    rerun_of = request_id.header(getattr(sender, "request", None), FAILED_TASK_HEADER)
    if not rerun_of:
        return  # an ordinary task: no query
    try:
        FailedTask.objects.filter(pk=rerun_of).update(
            status=FailedTask.Status.RESOLVED, resolved_at=timezone.now()
        )
    except Exception:
        logger.exception("failed task %s: its successful re-run could not be recorded", rerun_of)


def failed_task_rerun(*, failed_task_id: int, by=None) -> FailedTask:
    """Send the task again with its recorded arguments, to the queue its name routes to. The
    row says so at once (status `rerun`); the message is sent once the transaction commits.
    Run in-process where tasks are eager (a development machine)."""
    with transaction.atomic():
        row = FailedTask.objects.select_for_update().get(pk=failed_task_id)
        row.status = FailedTask.Status.RERUN
        row.reruns = F("reruns") + 1
        row.last_rerun_at = timezone.now()
        row.last_rerun_by = by
        row.resolved_at = None
        row.save()
        row.refresh_from_db()
        name, args, kwargs = row.task_name, list(row.args or []), dict(row.kwargs or {})
        headers = {FAILED_TASK_HEADER: row.pk}
        # robust: a broker away (or an eager run that failed again, recorded by then) is
        # logged; the row stays `rerun` and may be re-run again.
        transaction.on_commit(lambda: _send(name, args, kwargs, headers), robust=True)
    return row


def _send(name: str, args: list, kwargs: dict, headers: dict) -> None:
    task = current_app.tasks.get(name)
    if task is not None:
        # apply_async: eager where tasks run in-process, routed by name otherwise.
        task.apply_async(args=args, kwargs=kwargs, headers=headers)
    else:  # a task this process does not know (e.g. a worker-only module): by name
        current_app.send_task(name, args=args, kwargs=kwargs, headers=headers)


def connect() -> None:
    task_failure.connect(_on_failure, dispatch_uid="ops.failures.record")
    task_success.connect(_on_success, dispatch_uid="ops.failures.resolved")
