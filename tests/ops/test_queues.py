"""Issue 16: each kind of work has its own queue (settings: CELERY_TASK_QUEUES and
CELERY_TASK_ROUTES), and every task is bounded in its retries."""

import pytest
from django.conf import settings

from marketplace.celery import app as celery_app

KINDS = ["review", "search", "credit", "mail", "default"]

# Every task of the project and the queue it belongs on. A new task is routed by its name's
# patterns (e-mails and notices to `mail`, search.* and credit.* to theirs, the rest to
# `default`); test_every_task_lands_in_a_known_queue checks that it lands somewhere known.
EXPECTED = {
    "listings.listing_review": "review",
    "listings.listing_review_sweep": "review",
    "search.listing_reindex": "search",
    "search.company_reindex": "search",
    "search.index_sweep": "search",
    "listings.search_refresh_rank_keys": "search",
    "credit.recalculate": "credit",
    "credit.recalculate_all": "credit",
    "credit.recalculate_pending": "credit",
    "members.notice_email": "mail",
    "members.notice_email_sweep": "mail",
    "members.notice_deliver": "mail",
    "members.membership_reminders_send": "mail",
    "listings.listing_expiring_notify_due": "mail",
    # Names of e-mail tasks of earlier releases, and ones other apps may add.
    "listings.listing_rejection_email": "mail",
    "listings.inquiry_email_notify": "mail",
    "inquiries.inquiry_email_sweep": "mail",
    "storefront.mailbox_forward": "mail",
    "listings.listing_expire_due": "default",
    "trade.refunds_retry_due": "default",
    "trade.orders_expire_due": "default",
    "trade.orders_auto_confirm_due": "default",
    "marketplace.ping": "default",
    "marketplace.noop": "default",
    "some_app.anything_else": "default",
}


def _queue_of(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


@pytest.fixture(scope="module", autouse=True)
def _all_tasks_registered():
    celery_app.loader.import_default_modules()


def test_the_five_queues():
    assert [q.name for q in settings.CELERY_TASK_QUEUES] == KINDS
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    # One exchange and routing key per queue: a message reaches exactly one queue.
    assert len({(q.exchange.name, q.routing_key) for q in settings.CELERY_TASK_QUEUES}) == 5
    assert all(q.routing_key == q.name for q in settings.CELERY_TASK_QUEUES)


@pytest.mark.parametrize(("name", "queue"), sorted(EXPECTED.items()))
def test_route(name, queue):
    assert _queue_of(name) == queue


def test_every_task_lands_in_a_known_queue():
    names = [name for name in celery_app.tasks if not name.startswith("celery.")]
    assert "listings.listing_review" in names
    for name in names:
        queue = _queue_of(name)
        assert queue in KINDS, name
        assert EXPECTED.get(name, queue) == queue, name
        if "mail" in name or "notice" in name:
            assert queue == "mail", name


def test_every_task_is_bounded_in_retries():
    """max_retries finite (Celery's None would retry for ever), and automatic retries back off
    (no tight loop against a database or SMTP server that is away)."""
    for name, task in celery_app.tasks.items():
        if name.startswith("celery."):
            continue
        assert task.max_retries is not None and task.max_retries <= 10, name
        if getattr(task, "autoretry_for", ()):
            assert task.retry_backoff, name
            assert (getattr(task, "retry_backoff_max", None) or 600) <= 600, name


def test_a_prefix_keeps_deployments_apart(monkeypatch):
    """CELERY_QUEUE_PREFIX puts every queue of a deployment (or a test run) under its name."""
    import importlib

    import marketplace.settings.operations as base

    monkeypatch.setenv("CELERY_QUEUE_PREFIX", "staging.")
    try:
        reloaded = importlib.reload(base)
        assert [q.name for q in reloaded.CELERY_TASK_QUEUES] == [f"staging.{k}" for k in KINDS]
        assert reloaded.CELERY_TASK_DEFAULT_QUEUE == "staging.default"
        assert reloaded.CELERY_TASK_ROUTES["listings.listing_review"] == {"queue": "staging.review"}
    finally:
        monkeypatch.delenv("CELERY_QUEUE_PREFIX")
        importlib.reload(base)
