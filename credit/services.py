"""Business actions of the credit archive (R-C1–R-C7)."""

from __future__ import annotations


def credit_recalculate_on_commit(*, company_id: int, cause: str) -> None:
    """R-C7: after the current transaction commits, enqueue a recomputation of the company's
    score from its sources. Every event that touches a source calls this (review,
    certificate decision, verification decision, membership change).

    The credit issue implements the task; until then this hook does nothing.
    """
