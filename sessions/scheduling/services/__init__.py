"""Scheduling workflows: publish, book, cancel, reschedule, no-shows, completion.

Every workflow runs in one transaction. PostgreSQL has the last word on
double-booking (a partial unique index on Booking.slot and an exclusion
constraint on BookingParticipant); the Python checks before it exist to give
people a precise message, and to guard the embedded SQLite default, where
IMMEDIATE transactions serialise writers.

Callers use this package (`from sessions.scheduling import services`); the
modules inside split it by workflow: rules (limits and errors), publishing,
booking (batch_booking books many new slots at once, for the matcher),
changes (cancel, reschedule, no-shows, completion) and rounds (what the room
page records). A workflow announces what happened through
`sessions.scheduling.signals`; notifications listen there.
"""

from django.core.exceptions import ValidationError

from .availability import (
    MaterialiseReport,
    booking_refusal,
    hosts_with_schedules,
    materialise_schedule,
    refresh_holds,
)
from .batch_booking import book_new_slots
from .booking import (
    QuestionWish,
    book_slot,
    guest_may_choose,
    new_meeting_url,
    not_open_message,
    pick_questions,
)
from .changes import (
    accept_reschedule,
    cancel_booking,
    cancellation_would_be_late,
    complete_finished_bookings,
    decline_reschedule,
    propose_reschedule,
    withdraw_reschedule,
)
from .no_shows import (
    DISPUTE_WINDOW,
    NO_SHOW_GRACE,
    dispute_no_show,
    no_show_refusal,
    reject_no_show,
    report_no_show,
    session_evidence,
    uphold_no_show,
    uphold_undisputed_no_shows,
)
from .publishing import occurrence_days, publish_slots, restore_slot, withdraw_slot
from .questions import (
    change_round_question,
    match_topic,
    question_choices,
    questions_seen_by,
)
from .rounds import mark_design_started, save_round_notes
from .rules import (
    LATE_CANCELLATION,
    LEVEL_ORDER,
    MAX_AHEAD,
    MAX_OPEN_SLOTS_PER_WEEK,
    MAX_RECURRING_WEEKS,
    MIN_NOTICE,
    NO_SHOW_REPORT_DEADLINE,
    NO_SHOW_WINDOW,
    NO_SHOWS_BEFORE_SUSPENSION,
    ROUND_MINUTES,
    SLOT_TAKEN,
    SUSPENSION,
    BookingSuspended,
    SchedulingError,
    SlotTaken,
    TimeConflict,
)
from .schedules import (
    describe_booked,
    materialise_all,
    restore_schedule,
    save_schedule,
    withdraw_schedule,
)

__all__ = [
    "MaterialiseReport",
    "booking_refusal",
    "hosts_with_schedules",
    "materialise_all",
    "materialise_schedule",
    "refresh_holds",
    "restore_schedule",
    "withdraw_schedule",
    "restore_slot",
    "save_schedule",
    "describe_booked",
    "QuestionWish",
    "change_round_question",
    "guest_may_choose",
    "match_topic",
    "question_choices",
    "questions_seen_by",
    "DISPUTE_WINDOW",
    "NO_SHOW_GRACE",
    "dispute_no_show",
    "no_show_refusal",
    "reject_no_show",
    "session_evidence",
    "uphold_no_show",
    "uphold_undisputed_no_shows",
    "LATE_CANCELLATION",
    "LEVEL_ORDER",
    "MAX_AHEAD",
    "MAX_OPEN_SLOTS_PER_WEEK",
    "MAX_RECURRING_WEEKS",
    "MIN_NOTICE",
    "NO_SHOWS_BEFORE_SUSPENSION",
    "NO_SHOW_REPORT_DEADLINE",
    "NO_SHOW_WINDOW",
    "ROUND_MINUTES",
    "SLOT_TAKEN",
    "SUSPENSION",
    "BookingSuspended",
    "SchedulingError",
    "SlotTaken",
    "TimeConflict",
    "ValidationError",
    "accept_reschedule",
    "book_new_slots",
    "book_slot",
    "cancel_booking",
    "cancellation_would_be_late",
    "complete_finished_bookings",
    "decline_reschedule",
    "mark_design_started",
    "new_meeting_url",
    "not_open_message",
    "occurrence_days",
    "pick_questions",
    "propose_reschedule",
    "publish_slots",
    "report_no_show",
    "save_round_notes",
    "withdraw_reschedule",
    "withdraw_slot",
]
