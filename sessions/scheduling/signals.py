"""What scheduling announces. Senders pass the objects named below as keyword
arguments; receivers run inside the sender's transaction, so whatever they
write commits (or rolls back) with the change that caused it."""

from django.dispatch import Signal

# bookings: a list of new confirmed Bookings, their rounds saved (one from a
# person booking a slot, many from the matcher's batches). Receivers handle
# the list at once, so a batch costs a few queries, not a few per booking.
bookings_confirmed = Signal()
# booking (cancelled, with cancelled_by set), cancelled_by: the user who cancelled.
booking_cancelled = Signal()
# booking: moved to a new time, calendar_sequence raised.
booking_rescheduled = Signal()
# request: a new pending RescheduleRequest.
reschedule_proposed = Signal()
# request: a RescheduleRequest the other person declined.
reschedule_declined = Signal()
# report: a new NoShowReport; the accused is told and may dispute it.
no_show_reported = Signal()
# report: the accused disputed the report; staff decide.
no_show_disputed = Signal()
# report: upheld (by staff, or undisputed past its window); the booking is a
# no-show now, with nothing to grade or remind about any more.
no_show_upheld = Signal()
# report: rejected by staff; nothing counts.
no_show_rejected = Signal()

# A question, not an announcement: "did this session evidently take place?"
# Sent with booking, accused and reporter; each receiver returns a list of
# clauses ("Ada started a scorecard for it"), empty when it knows of nothing.
# Domains above scheduling (grading, the live room) answer it, so a no-show
# report is refused whatever part of the product saw the session happen.
session_evidence = Signal()
