"""Notifications listen to what scheduling and grading announce, and write the
outbox rows. Receivers run synchronously inside the announcing transaction, so
a rolled-back booking leaves no row behind. Connected once, in the app's ready().
"""

from accounts.signals import user_anonymising
from sessions.grading import signals as grading_signals
from sessions.scheduling import signals as scheduling_signals

from . import outbox


def on_bookings_confirmed(sender, *, bookings, **kwargs) -> None:
    outbox.bookings_confirmed(bookings)


def on_booking_cancelled(sender, *, booking, cancelled_by, **kwargs) -> None:
    outbox.booking_cancelled(booking, cancelled_by)


def on_booking_rescheduled(sender, *, booking, **kwargs) -> None:
    outbox.booking_rescheduled(booking)


def on_reschedule_proposed(sender, *, request, **kwargs) -> None:
    outbox.reschedule_proposed(request)


def on_reschedule_declined(sender, *, request, **kwargs) -> None:
    outbox.reschedule_declined(request)


def on_no_show_reported(sender, *, report, **kwargs) -> None:
    outbox.no_show_reported(report)


def on_no_show_disputed(sender, *, report, **kwargs) -> None:
    outbox.no_show_disputed(report)


def on_no_show_upheld(sender, *, report, **kwargs) -> None:
    outbox.no_show_upheld(report)


def on_no_show_rejected(sender, *, report, **kwargs) -> None:
    outbox.no_show_decided(report)


def on_scorecard_submitted(sender, *, scorecard, **kwargs) -> None:
    outbox.scorecard_submitted(scorecard)


def on_feedback_revealed(sender, *, booking, candidates, **kwargs) -> None:
    outbox.feedback_revealed(booking, candidates)


def on_user_anonymising(sender, *, user, **kwargs) -> None:
    # Nothing more goes to a person who left; their peer's notices are theirs.
    outbox.cancel_pending_for(user)


CONNECTIONS = [
    (scheduling_signals.bookings_confirmed, on_bookings_confirmed),
    (scheduling_signals.booking_cancelled, on_booking_cancelled),
    (scheduling_signals.booking_rescheduled, on_booking_rescheduled),
    (scheduling_signals.reschedule_proposed, on_reschedule_proposed),
    (scheduling_signals.reschedule_declined, on_reschedule_declined),
    (scheduling_signals.no_show_reported, on_no_show_reported),
    (scheduling_signals.no_show_disputed, on_no_show_disputed),
    (scheduling_signals.no_show_upheld, on_no_show_upheld),
    (scheduling_signals.no_show_rejected, on_no_show_rejected),
    (grading_signals.scorecard_submitted, on_scorecard_submitted),
    (grading_signals.feedback_revealed, on_feedback_revealed),
    (user_anonymising, on_user_anonymising),
]


def connect() -> None:
    """Connect every receiver; calling it again connects nothing twice."""
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"{__name__}.{receiver.__name__}")
