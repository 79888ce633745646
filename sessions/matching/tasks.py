"""Celery tasks of Practice now: thin, and safe to run in several workers at once."""

from celery import shared_task
from django.core.cache import cache

from . import matcher
from .services import RUN_QUEUED_KEY


@shared_task
def run_matcher() -> int:
    """After a request commits, and from beat every minute: pair and book the pool.

    Returns how many bookings the run made.
    """
    # Requests committed from now on queue another run.
    cache.delete(RUN_QUEUED_KEY)
    return matcher.run().booked
