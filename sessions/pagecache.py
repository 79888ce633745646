"""Which saved rows put which people's cached pages out of date (accounts.pagecache).

A booking's rows touch both its people; an open slot, a booking (which takes a
slot) and a rating (shown beside a host) also change the slot board that the
find page lists. So does a full save of a user (staff ticking or unticking
"active" in the admin): the find page lists active hosts only. A login saves
last_login alone and leaves the board be. A round's room document (the
checklist the room page ticks) touches the round's two people; the question
bank is content every room page reads alike.
"""

from django.db.models.signals import post_save

from accounts.pagecache import board_changed, watch


def _booking_people(booking) -> tuple:
    return (booking.host_id, booking.guest_id)


def _round_people(document) -> tuple:
    from sessions.scheduling.models import Round

    # Read by id: the round may be on its way out (a cascade deletes the document first).
    pair = Round.objects.filter(pk=document.round_id).values_list("interviewer_id", "candidate_id")
    return pair.first() or ()


def _account_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or "is_active" in update_fields:
        board_changed()


def connect() -> None:
    from accounts.models import User
    from sessions.grading.models import (
        PLAYBOOK_SECTION_PAGES,
        InterviewerRating,
        PlaybookSection,
        Scorecard,
    )
    from sessions.matching.models import MatchBlock, MatchRequest
    from sessions.room.models import RoomDocument
    from sessions.scheduling.models import (
        QUESTION_BANK_PAGES,
        Booking,
        BookingParticipant,
        NoShowReport,
        Question,
        RescheduleRequest,
        Round,
        Slot,
    )

    watch(Slot, lambda slot: (slot.host_id,), board=True)
    watch(Booking, _booking_people, board=True)
    watch(BookingParticipant, lambda p: (p.user_id,))
    watch(Round, lambda r: (r.interviewer_id, r.candidate_id))
    watch(RoomDocument, _round_people)
    watch(Question, lambda question: (), shared=[QUESTION_BANK_PAGES])
    watch(RescheduleRequest, lambda r: _booking_people(r.booking))
    watch(NoShowReport, lambda r: (r.reporter_id, r.accused_id))
    watch(Scorecard, lambda s: (s.grader_id, s.candidate_id))
    watch(InterviewerRating, lambda r: (r.rater_id, r.interviewer_id), board=True)
    watch(MatchRequest, lambda r: (r.person_id,))
    watch(MatchBlock, lambda b: (b.blocker_id, b.blocked_id))
    watch(PlaybookSection, lambda section: (), shared=[PLAYBOOK_SECTION_PAGES])
    post_save.connect(_account_saved, sender=User, dispatch_uid="pagecache:board:User")
