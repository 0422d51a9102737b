"""The Celery broker seen from outside Celery (issue 16): queue lengths and worker heartbeats.

Heartbeats: each worker, from a thread started when it is ready (`worker_ready`), writes the
time into the broker's Redis every `WORKER_HEARTBEAT_INTERVAL` seconds (15) under one key per
queue it consumes (`ops:heartbeat:<queue>`, kept 10 minutes). `/readyz` (marketplace/health.py)
wants a heartbeat younger than `WORKER_HEARTBEAT_MAX_AGE` (60 s) for every queue of
`CELERY_TASK_QUEUES`, so a queue nobody serves is noticed; `/metrics` shows each age. A thread
rather than a task: a worker busy with a long task (the nightly credit run) or a flooded
queue is still alive, and its heartbeat says so; the queue's length says the rest.

Queue lengths: `LLEN` of each queue's Redis lists (Kombu keeps one list per priority step).
"""

from __future__ import annotations

import logging
import threading
import time

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

logger = logging.getLogger(__name__)

HEARTBEAT_PREFIX = "ops:heartbeat:"
HEARTBEAT_KEEP_SECONDS = 600
_PRIORITY_SEP = "\x06\x16"  # kombu.transport.redis: "<queue>\x06\x16<priority>"
_PRIORITY_STEPS = (0, 3, 6, 9)
_clients: dict[str, object] = {}
_lock = threading.Lock()


def is_redis_broker() -> bool:
    return str(getattr(settings, "CELERY_BROKER_URL", "")).startswith(("redis://", "rediss://"))


def client():
    """A Redis client of the broker with short timeouts (one pool per process and URL)."""
    import redis

    url = settings.CELERY_BROKER_URL
    with _lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30
            )
        return _clients[url]


def queue_names() -> list[str]:
    """The queues of `CELERY_TASK_QUEUES` (settings), by name."""
    return [getattr(q, "name", q) for q in getattr(settings, "CELERY_TASK_QUEUES", ()) or ()]


def queue_lengths(names: list[str] | None = None) -> dict[str, int]:
    """Messages waiting in each queue (taken but unacknowledged ones are not counted)."""
    names = queue_names() if names is None else names
    pipe = client().pipeline(transaction=False)
    for name in names:
        for step in _PRIORITY_STEPS:
            pipe.llen(f"{name}{_PRIORITY_SEP}{step}" if step else name)
    counts = pipe.execute()
    width = len(_PRIORITY_STEPS)
    return {name: sum(counts[i * width : (i + 1) * width]) for i, name in enumerate(names)}


def heartbeat_write(queues: list[str], now: float | None = None) -> None:
    now = time.time() if now is None else now
    pipe = client().pipeline(transaction=False)
    for name in queues:
        pipe.set(f"{HEARTBEAT_PREFIX}{name}", repr(now), ex=HEARTBEAT_KEEP_SECONDS)
    pipe.execute()


def heartbeat_ages(names: list[str] | None = None, now: float | None = None) -> dict:
    """Seconds since each queue's last heartbeat; None for a queue never (or long not) seen."""
    names = queue_names() if names is None else names
    if not names:
        return {}
    now = time.time() if now is None else now
    values = client().mget([f"{HEARTBEAT_PREFIX}{name}" for name in names])
    return {
        name: (max(0.0, now - float(value)) if value is not None else None)
        for name, value in zip(names, values, strict=True)
    }


def heartbeat_check(max_age: float) -> str:
    """`ok`, or `error: no heartbeat from <queues>` (readyz)."""
    ages = heartbeat_ages()
    stale = [name for name, age in ages.items() if age is None or age > max_age]
    return f"error: no heartbeat from {', '.join(stale)}" if stale else "ok"


class _Heartbeat(threading.Thread):
    def __init__(self, queues: list[str], interval: float):
        super().__init__(name="ops-heartbeat", daemon=True)
        self.queues, self.interval = queues, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                heartbeat_write(self.queues)
            except Exception as exc:  # the broker away: the worker says so itself
                logger.warning("worker heartbeat not written: %s: %s", type(exc).__name__, exc)
            self.stopped.wait(self.interval)


_thread: _Heartbeat | None = None


def _consumed_queues(consumer) -> list[str]:
    task_consumer = getattr(consumer, "task_consumer", None)
    if task_consumer is not None and getattr(task_consumer, "queues", None):
        return sorted({q.name for q in task_consumer.queues})
    queues = consumer.app.amqp.queues
    return sorted((queues.consume_from or queues).keys())


def _start(sender=None, **kwargs) -> None:
    global _thread
    if not is_redis_broker() or _thread is not None:
        return
    queues = _consumed_queues(sender)
    _thread = _Heartbeat(queues, float(getattr(settings, "WORKER_HEARTBEAT_INTERVAL", 15)))
    _thread.start()
    logger.info("worker heartbeat every %ss for %s", _thread.interval, ", ".join(queues))


def _stop(sender=None, **kwargs) -> None:
    global _thread
    if _thread is not None:
        _thread.stopped.set()
        _thread = None


def connect() -> None:
    worker_ready.connect(_start, dispatch_uid="ops.broker.heartbeat_start")
    worker_shutdown.connect(_stop, dispatch_uid="ops.broker.heartbeat_stop")
