"""The app's tasks module, found by Celery's autodiscovery: it imports each
domain's tasks so workers register them. The registered names stay
"sessions.tasks.<name>" (see the `name=` of each task)."""

from sessions.matching.tasks import run_matcher
from sessions.notifications.tasks import send_due_reminders, send_reminder, send_reminders
from sessions.scheduling.tasks import (
    complete_finished_bookings,
    materialise_availability,
    uphold_undisputed_no_shows,
)

__all__ = [
    "complete_finished_bookings",
    "materialise_availability",
    "run_matcher",
    "send_due_reminders",
    "send_reminder",
    "send_reminders",
    "uphold_undisputed_no_shows",
]
