"""Keeps the search index current when lower apps change what it shows (R-S1–R-S3).

Receivers run inside the sender's transaction and only enqueue work on commit, so a
rolled-back change enqueues nothing. A failure to enqueue (broker away) is logged and left
to `search_index_sweep`, which repairs what the index missed: a committed publication never
turns into an error page because of the index.
"""

from __future__ import annotations

from django.db import transaction

from listings.signals import listing_changed, listing_published
from marketplace.queueing import enqueue
from members.signals import membership_changed

from . import tasks


def _enqueue(task, **kwargs) -> None:
    enqueue(task, **kwargs)  # a failure is logged; search.index_sweep repairs the index


def enqueue_on_commit(task, **kwargs) -> None:
    transaction.on_commit(lambda: _enqueue(task, **kwargs))


def _on_listing_changed(sender, listing_id: int, **kwargs) -> None:
    enqueue_on_commit(tasks.search_listing_reindex, listing_id=listing_id)


def _on_membership_changed(sender, company_id: int, **kwargs) -> None:
    # R-S2 key 2: the stored TrustPass key of the company's live listings.
    enqueue_on_commit(tasks.search_company_reindex, company_id=company_id)


listing_published.connect(_on_listing_changed, dispatch_uid="search.listing_published")
listing_changed.connect(_on_listing_changed, dispatch_uid="search.listing_changed")
membership_changed.connect(_on_membership_changed, dispatch_uid="search.membership_changed")
