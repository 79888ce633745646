"""Celery tasks of scheduling: thin, and given ids only.

The registered name keeps the app-level module path it was first queued
under, so the beat schedule and queued messages still resolve.
"""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="sessions.tasks.complete_finished_bookings")
def complete_finished_bookings() -> int:
    """Beat: bookings whose end has passed become completed."""
    return services.complete_finished_bookings(now=timezone.now())


@shared_task(name="sessions.tasks.uphold_undisputed_no_shows")
def uphold_undisputed_no_shows() -> int:
    """Beat: no-show reports nobody disputed within 72 hours start to count."""
    return services.uphold_undisputed_no_shows(now=timezone.now())


@shared_task(name="sessions.tasks.materialise_availability")
def materialise_availability() -> int:
    """Beat, hourly: every weekly schedule keeps publishing up to its horizon."""
    return services.materialise_all(now=timezone.now())
