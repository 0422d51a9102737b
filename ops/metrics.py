"""Prometheus metrics at `/metrics` (issue 16), for staff or an allowed network only.

- Requests (django-prometheus's middlewares, first and last in MIDDLEWARE): latency by view
  and method (`django_http_requests_latency_seconds_by_view_method`), counts by status, …
- Database timings: every statement of every alias (the replica too) through an execute
  wrapper put on each new connection, into django-prometheus's own metrics
  (`django_db_query_duration_seconds`, `django_db_execute_total`, `django_db_errors_total`):
  no database ENGINE to swap in the settings.
- Cache timings: marketplace/cache.py (`django_cache_operation_duration_seconds` by operation,
  django-prometheus's get/hit/miss/fail counters).
- Read at each scrape (this module's collector): `celery_queue_length{queue}` (Redis LLEN),
  `celery_queue_heartbeat_age_seconds{queue}`, `marketplace_review_backlog_listings`,
  `marketplace_review_backlog_age_seconds` (the oldest pending listing's submission age),
  `marketplace_review_checks_backlog_age_seconds` (the oldest whose checks have not run),
  `marketplace_failed_tasks{status}`. A source that does not answer is left out (and
  `marketplace_metrics_source_up{source}` says 0), so the scrape itself never fails.

Who may read: staff signed in, or a client (marketplace.clients.client_ip, so behind our
proxies the real client) in `METRICS_ALLOWED_NETWORKS` (default 127.0.0.1/32 and ::1); anyone
else gets 403. Several processes per host (gunicorn workers): set PROMETHEUS_MULTIPROC_DIR as
prometheus_client's multiprocess mode says, and this view merges them.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from functools import lru_cache

import prometheus_client
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models import Count
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.db import errors_total, execute_total, query_duration_seconds
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily

from marketplace.clients import client_ip

from . import broker

logger = logging.getLogger(__name__)


# --- database timings ----------------------------------------------------------------------
def _timed_execute(execute, sql, params, many, context):
    connection = context["connection"]
    alias, vendor = connection.alias, connection.vendor
    execute_total.labels(alias, vendor).inc()
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception as exc:
        errors_total.labels(alias, vendor, type(exc).__name__).inc()
        raise
    finally:
        query_duration_seconds.labels(alias, vendor).observe(time.perf_counter() - started)


def _instrument_connection(sender=None, connection=None, **kwargs) -> None:
    # First in the list: `connection.execute_wrapper()` blocks push and pop at the end.
    if connection is not None and _timed_execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _timed_execute)


# --- gauges read at each scrape ------------------------------------------------------------
class OpsCollector:
    """The gauges above, computed when scraped (not registered globally: only `/metrics`)."""

    def collect(self):
        up = GaugeMetricFamily(
            "marketplace_metrics_source_up",
            "1 if the source answered this scrape",
            labels=["source"],
        )
        for source, read in (("broker", self._broker), ("database", self._database)):
            try:
                families = read()
            except Exception as exc:
                logger.warning("metrics: %s unavailable: %s: %s", source, type(exc).__name__, exc)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up

    def _broker(self):
        if not broker.is_redis_broker():
            return []
        names = broker.queue_names()
        length = GaugeMetricFamily(
            "celery_queue_length", "Messages waiting in the queue", labels=["queue"]
        )
        for name, count in broker.queue_lengths(names).items():
            length.add_metric([name], count)
        age = GaugeMetricFamily(
            "celery_queue_heartbeat_age_seconds",
            "Seconds since a worker of the queue last wrote its heartbeat (absent: never)",
            labels=["queue"],
        )
        for name, seconds in broker.heartbeat_ages(names).items():
            if seconds is not None:
                age.add_metric([name], seconds)
        return [length, age]

    def _database(self):
        from listings.selectors import review_backlog

        from .models import FailedTask

        now = timezone.now()
        backlog = review_backlog()

        def age(at):
            return max(0.0, (now - at).total_seconds()) if at else 0.0

        count = GaugeMetricFamily("marketplace_review_backlog_listings", "Listings pending review")
        count.add_metric([], backlog["count"])
        oldest = GaugeMetricFamily(
            "marketplace_review_backlog_age_seconds",
            "Age of the oldest pending listing's submission (0: none pending)",
        )
        oldest.add_metric([], age(backlog["oldest_submitted_at"]))
        unchecked = GaugeMetricFamily(
            "marketplace_review_checks_backlog_age_seconds",
            "Age of the oldest pending listing whose automatic checks have not run (0: none)",
        )
        unchecked.add_metric([], age(backlog["oldest_unchecked_at"]))
        failed = GaugeMetricFamily(
            "marketplace_failed_tasks", "Tasks that failed for good, by status", labels=["status"]
        )
        counts = dict(
            FailedTask.objects.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for status in FailedTask.Status.values:
            failed.add_metric([status], counts.get(status, 0))
        return [count, oldest, unchecked, failed]


# --- who may read --------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _networks(value: tuple[str, ...]):
    return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in value if n.strip())


def allowed(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    networks = _networks(tuple(getattr(settings, "METRICS_ALLOWED_NETWORKS", ())))
    return any(address in network for network in networks)


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


@never_cache
@require_safe
def metrics(request):
    if not allowed(request):
        return HttpResponseForbidden("403 Forbidden", content_type="text/plain; charset=utf-8")
    own = CollectorRegistry(auto_describe=False)
    own.register(OpsCollector())
    body = prometheus_client.generate_latest(_registry()) + prometheus_client.generate_latest(own)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


def connect() -> None:
    connection_created.connect(_instrument_connection, dispatch_uid="ops.metrics.db_timings")
