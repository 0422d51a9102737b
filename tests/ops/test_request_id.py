"""Issue 16: every response carries a request id (the proxy's, when a proxy of ours sent one),
every log line written while it is served names it as JSON, and the tasks the request enqueues
carry it in their message (tests/integration/test_queues.py follows it into a real worker)."""

import io
import json
import logging
import re
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from ops import request_id
from tests.integration.private_pg import free_port

pytestmark = pytest.mark.django_db


def _json_handler(stream) -> logging.Handler:
    """The console handler as settings.LOGGING builds it (JSON formatter, request id filter)."""
    options = dict(django_settings.LOGGING["formatters"]["json"])
    formatter = import_string(options.pop("()"))(**options)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(request_id.RequestIdFilter())
    return handler


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = _json_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_new_id_on_every_response(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_clients_id_is_not_taken_without_a_proxy_of_ours(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response["X-Request-ID"] != "chosen-by-the-client"


def test_the_proxys_id_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0f3a9c")
    assert response["X-Request-ID"] == "nginx-0f3a9c"
    odd = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    assert re.fullmatch(r"[0-9a-f]{32}", odd["X-Request-ID"])


def test_log_lines_are_json_with_the_request_id(client, settings, json_log):
    """readyz logs why the cache failed: the line is JSON and names the request."""
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": closed}}
    response = client.get("/readyz")
    lines = [line for line in json_log() if line["logger"] == "marketplace.health"]
    assert lines, json_log()
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "WARNING" and "cache failed" in line["message"]
    assert {"time", "task_id", "task_name"} <= set(line)


def test_outside_a_request_the_id_is_null(json_log):
    logging.getLogger("tests.ops").warning("无请求")
    (line,) = [line for line in json_log() if line["logger"] == "tests.ops"]
    assert line["request_id"] is None and line["message"] == "无请求"  # not escaped


def test_a_task_message_carries_the_request_id():
    token = request_id._request_id.set("req-1")
    try:
        headers = {}
        request_id._stamp_message(headers=headers)
        assert headers == {"request_id": "req-1"}
        kept = {"request_id": "from-a-task"}  # a message already stamped keeps its id
        request_id._stamp_message(headers=kept)
        assert kept == {"request_id": "from-a-task"}
    finally:
        request_id._request_id.reset(token)
    nothing = {}
    request_id._stamp_message(headers=nothing)
    assert nothing == {}


def test_a_worker_logs_with_the_messages_request_id():
    """task_prerun makes the message's id current while the task runs; postrun clears it."""
    task = SimpleNamespace(
        name="members.notice_email",
        request=SimpleNamespace(is_eager=False, request_id="req-2", headers=None),
    )
    request_id._task_started(task_id="t-1", task=task)
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        request_id.RequestIdFilter().filter(record)
        assert (record.request_id, record.task_id, record.task_name) == (
            "req-2",
            "t-1",
            "members.notice_email",
        )
    finally:
        request_id._task_ended(task=task)
    assert request_id.current() is None


def test_an_eager_task_keeps_the_callers_id():
    token = request_id._request_id.set("req-3")
    try:
        eager = SimpleNamespace(name="x", request=SimpleNamespace(is_eager=True))
        request_id._task_started(task_id="t-2", task=eager)
        assert request_id.current() == "req-3"
        request_id._task_ended(task=eager)
        assert request_id.current() == "req-3"
    finally:
        request_id._request_id.reset(token)
