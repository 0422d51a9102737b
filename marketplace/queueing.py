"""Shared kernel: queue a task for work that is already committed.

The committed state is the record of the work (a pending review round, an unsent e-mail, a
stale search document), and each such state has a sweep that queues its task again. So a
failure to queue (the broker away, or an in-process run that raised) is logged, never
raised: a request whose write committed never answers 500 because of it.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """`task.delay(*args, **kwargs)`; False (and a warning) when it could not be queued."""
    try:
        task.delay(*args, **kwargs)
    except Exception:  # broker errors vary by transport; the sweeps cover them all
        logger.warning(
            "%s%s not queued; the sweep will queue it again",
            task.name,
            args or kwargs,
            exc_info=True,
        )
        return False
    return True
