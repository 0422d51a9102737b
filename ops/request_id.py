"""Request ids (issue 16): one id per request, in the response's `X-Request-ID`, in every log
line written while the request is served, and in the Celery tasks it enqueues (and the tasks
those enqueue), so one id finds everything a click caused.

- Where it comes from: the `X-Request-ID` our own proxy sent, when there is one
  (`TRUSTED_PROXY_COUNT` > 0, the same setting that says X-Forwarded-For is ours,
  marketplace/clients.py; the proxy must set or overwrite the header, nginx:
  `proxy_set_header X-Request-ID $request_id;`); else a new one. A client cannot choose it.
- Into tasks: `before_task_publish` adds a `request_id` message header; the worker's
  `task_prerun` makes it the current id while the task runs. Eager runs (tasks in-process)
  keep the caller's id.
- Into logs: `RequestIdFilter` (settings.LOGGING) adds `request_id`, `task_id` and
  `task_name` to every record; the JSON formatter writes them.

Never imports models: the logging configuration loads it before the apps are ready.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"  # the Celery message header
_VALID = re.compile(r"[A-Za-z0-9._:@-]{1,128}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)


def current() -> str | None:
    """The id of the request (or of the request behind the task) being served, if any."""
    return _request_id.get()


def new() -> str:
    return uuid.uuid4().hex


def incoming(request) -> str | None:
    """The proxy's `X-Request-ID`, if a proxy of ours stands in front and it looks like one."""
    if int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0) <= 0:
        return None
    value = request.META.get("HTTP_X_REQUEST_ID", "").strip()
    return value if _VALID.fullmatch(value) else None


class RequestIdMiddleware:
    """Near the top of MIDDLEWARE: the id is set before anything below may log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming(request) or new()
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id`, `task_id` and `task_name` (None when there is none) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        task = _task.get()
        record.task_id, record.task_name = task if task else (None, None)
        return True


def header(request, name: str):
    """A custom header of a task's message: an attribute of the request on a worker, in
    `request.headers` for an eager run."""
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


def _stamp_message(sender=None, headers=None, **kwargs) -> None:
    request_id = _request_id.get()
    if request_id and headers is not None and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = request_id


def _task_started(sender=None, task_id=None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    if request is None or request.is_eager:
        return  # in-process: the caller's request id stays
    _request_id.set(header(request, TASK_HEADER))
    _task.set((task_id, task.name))


def _task_ended(sender=None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    if request is None or request.is_eager:
        return
    _request_id.set(None)
    _task.set(None)


def connect() -> None:
    before_task_publish.connect(_stamp_message, dispatch_uid="ops.request_id.publish")
    task_prerun.connect(_task_started, dispatch_uid="ops.request_id.prerun")
    task_postrun.connect(_task_ended, dispatch_uid="ops.request_id.postrun")
