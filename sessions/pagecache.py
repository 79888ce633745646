"""Which saved rows put which people's cached pages out of date (accounts.pagecache).

A booking's rows touch both its people; an open slot, a booking (which takes a
slot) and a rating (shown beside a host) also change the slot board that the
find page lists.
"""

from accounts.pagecache import watch


def _booking_people(booking) -> tuple:
    return (booking.host_id, booking.guest_id)


def connect() -> None:
    from sessions.grading.models import InterviewerRating, Scorecard
    from sessions.matching.models import MatchBlock, MatchRequest
    from sessions.scheduling.models import (
        Booking,
        BookingParticipant,
        NoShowReport,
        RescheduleRequest,
        Round,
        Slot,
    )

    watch(Slot, lambda slot: (slot.host_id,), board=True)
    watch(Booking, _booking_people, board=True)
    watch(BookingParticipant, lambda p: (p.user_id,))
    watch(Round, lambda r: (r.interviewer_id, r.candidate_id))
    watch(RescheduleRequest, lambda r: _booking_people(r.booking))
    watch(NoShowReport, lambda r: (r.reporter_id, r.accused_id))
    watch(Scorecard, lambda s: (s.grader_id, s.candidate_id))
    watch(InterviewerRating, lambda r: (r.rater_id, r.interviewer_id), board=True)
    watch(MatchRequest, lambda r: (r.person_id,))
    watch(MatchBlock, lambda b: (b.blocker_id, b.blocked_id))
