"""Celery tasks of Practice now: thin, and safe to run in several workers at once.

Registered as "sessions.tasks.<name>" like every task of the app (sessions/tasks.py
imports this module for the worker's autodiscovery).
"""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from . import matcher

logger = logging.getLogger(__name__)

# Set while a matcher run is queued, so a burst of requests queues one run.
RUN_QUEUED_KEY = "matching:run-queued"
RUN_QUEUED_FOR = 30  # seconds


@shared_task(name="sessions.tasks.run_matcher")
def run_matcher() -> int:
    """After a request commits, and from beat every minute: pair and book the pool.

    Returns how many bookings the run made.
    """
    # Requests committed from now on queue another run.
    cache.delete(RUN_QUEUED_KEY)
    return matcher.run().booked


def queue_matcher_run() -> None:
    """Queue one matcher run after the current transaction commits.

    A burst of requests queues one run: the flag is cleared when the run
    starts, so a request committed during a run queues the next one. Beat
    runs the matcher every minute anyway, so a lost message costs a minute.
    """

    def send() -> None:
        if not cache.add(RUN_QUEUED_KEY, 1, timeout=RUN_QUEUED_FOR):
            return
        try:
            run_matcher.delay()
        except Exception:
            cache.delete(RUN_QUEUED_KEY)
            logger.warning("Could not queue a matcher run; beat runs it", exc_info=True)

    transaction.on_commit(send)
