"""Issue 16: Prometheus metrics at /metrics, for staff or an allowed network only, with request
latency by view, database and cache timings, queue lengths and the review backlog's age."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Queue

from listings.models import Listing
from ops import broker
from tests.factories import ListingFactory, UserFactory

pytestmark = pytest.mark.django_db
OUTSIDE = "203.0.113.7"


def _value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


@pytest.fixture
def queues(settings):
    run = uuid.uuid4().hex[:8]
    names = [f"m{run}.{kind}" for kind in ("review", "mail")]
    settings.CELERY_TASK_QUEUES = tuple(Queue(name) for name in names)
    redis = broker.client()
    yield names
    redis.delete(*names, f"{names[1]}\x06\x163", *(broker.HEARTBEAT_PREFIX + n for n in names))


def test_loopback_reads_the_metrics(client):
    client.get("/healthz")
    response = client.get("/metrics")  # the test client's REMOTE_ADDR is 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    # django-prometheus: latency by view; statements and their timings by database alias.
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}'
        in text
    )
    assert 'django_db_query_duration_seconds_count{alias="default",vendor="postgresql"}' in text
    assert "django_db_execute_total" in text


def test_ipv6_loopback_reads_the_metrics(client):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_others_are_refused(client):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 403
    client.force_login(UserFactory())  # a member, not staff
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 403


def test_staff_read_from_anywhere(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 200


def test_allowed_networks_are_a_setting(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback no longer listed


def test_the_client_address_is_the_proxys_word_only_when_trusted(client, settings):
    """Behind our proxy the client is read from X-Forwarded-For (marketplace.clients)."""
    settings.METRICS_ALLOWED_NETWORKS = ["198.51.100.0/24"]
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert client.get("/metrics", **forwarded).status_code == 403  # no proxy of ours
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/metrics", **forwarded).status_code == 200
    spoofed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.7"}
    assert client.get("/metrics", **spoofed).status_code == 403


def test_queue_lengths_and_heartbeats(client, queues):
    review, mail = queues
    redis = broker.client()
    redis.lpush(mail, *[b"{}"] * 3)
    redis.lpush(f"{mail}\x06\x163", b"{}")  # a message of priority 3: its own list
    broker.heartbeat_write([review])
    text = client.get("/metrics").content.decode()
    assert _value(text, "celery_queue_length", f'{{queue="{review}"}}') == 0
    assert _value(text, "celery_queue_length", f'{{queue="{mail}"}}') == 4
    assert _value(text, "celery_queue_heartbeat_age_seconds", f'{{queue="{review}"}}') < 60
    assert f'celery_queue_heartbeat_age_seconds{{queue="{mail}"}}' not in text  # never seen
    assert _value(text, "marketplace_metrics_source_up", '{source="broker"}') == 1


def test_review_backlog_age(client):
    text = client.get("/metrics").content.decode()
    assert _value(text, "marketplace_review_backlog_listings") == 0
    assert _value(text, "marketplace_review_backlog_age_seconds") == 0

    now = timezone.now()
    checked = ListingFactory(status=Listing.Status.PENDING_REVIEW)
    unchecked = ListingFactory(status=Listing.Status.PENDING_REVIEW)
    Listing.objects.filter(pk=checked.pk).update(
        submitted_at=now - timedelta(minutes=10), checked_at=now - timedelta(minutes=9)
    )
    Listing.objects.filter(pk=unchecked.pk).update(submitted_at=now - timedelta(minutes=2))
    ListingFactory(status=Listing.Status.LIVE)
    text = client.get("/metrics").content.decode()
    assert _value(text, "marketplace_review_backlog_listings") == 2
    assert 600 <= _value(text, "marketplace_review_backlog_age_seconds") < 660
    assert 120 <= _value(text, "marketplace_review_checks_backlog_age_seconds") < 180
    assert _value(text, "marketplace_failed_tasks", '{status="failed"}') == 0


def test_cache_timings(client):
    from django.core.cache import cache

    cache.set("metrics-probe", 1)
    cache.get("metrics-probe")
    cache.get("metrics-absent")
    text = client.get("/metrics").content.decode()
    assert _value(text, "django_cache_operation_duration_seconds_count", '{operation="get"}') >= 2
    assert _value(text, "django_cache_operation_duration_seconds_count", '{operation="set"}') >= 1
    assert _value(text, "django_cache_get_hits_total", '{backend="redis"}') >= 1
    assert _value(text, "django_cache_get_misses_total", '{backend="redis"}') >= 1


def test_a_source_away_leaves_its_gauges_out(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert _value(text, "marketplace_metrics_source_up", '{source="broker"}') == 0
    assert "celery_queue_length{" not in text
    assert _value(text, "marketplace_review_backlog_listings") == 0
