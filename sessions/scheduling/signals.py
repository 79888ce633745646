"""What scheduling announces. Senders pass the objects named below as keyword
arguments; receivers run inside the sender's transaction, so whatever they
write commits (or rolls back) with the change that caused it."""

from django.dispatch import Signal

# booking: a new confirmed Booking with its rounds.
booking_confirmed = Signal()
# booking (cancelled, with cancelled_by set), cancelled_by: the user who cancelled.
booking_cancelled = Signal()
# booking: moved to a new time, calendar_sequence raised.
booking_rescheduled = Signal()
# request: a new pending RescheduleRequest.
reschedule_proposed = Signal()
# request: a RescheduleRequest the other person declined.
reschedule_declined = Signal()
# booking: marked as a no-show; nothing to grade or remind about any more.
no_show_reported = Signal()
