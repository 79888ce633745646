"""One small world with every kind of object a URL can name, for the access walk
and the fuzzers: two people who met (one finished, graded session, one the guest
missed with the host's no-show report open to dispute, and one upcoming with a
time change proposed, booked through Practice now), an open slot, a paid order,
a Practice now block, the host's weekly availability and a withdrawn slot, a
stranger and a member of staff."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from payments.models import Order, Product
from sessions.grading import services as grading
from sessions.models import (
    AvailabilitySchedule,
    Booking,
    MatchBlock,
    MatchRequest,
    NoShowReport,
    RescheduleRequest,
    Round,
    Scorecard,
    Slot,
)
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data


@dataclass
class World:
    host: User  # interviewer in both bookings, publisher of the open slot, buyer
    guest: User  # candidate in both bookings
    stranger: User
    staff: User
    past: Booking
    past_round: Round
    scorecard: Scorecard
    upcoming: Booking
    upcoming_round: Round
    proposal: RescheduleRequest
    open_slot: Slot
    order: Order
    missed: Booking  # the guest did not turn up; the host reported it
    no_show_report: NoShowReport
    match_request: MatchRequest  # the host's, matched to `upcoming`
    match_block: MatchBlock  # the host blocked the stranger
    schedule: AvailabilitySchedule  # the host's weekly availability (Tuesdays 18:00-20:00)
    withdrawn_slot: Slot  # a time the host took down and may restore


def build_world() -> World:
    now = timezone.now().replace(second=0, microsecond=0)
    host = UserFactory(email="host@example.com")
    guest = UserFactory(email="guest@example.com")
    stranger = UserFactory(email="stranger@example.com")
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    for person, name in ((host, "Hana Host"), (guest, "Gus Guest")):
        person.profile.display_name = name
        person.profile.save(update_fields=["display_name"])

    past = make_booking(host=host, guest=guest, starts_at=now - timedelta(hours=3))
    Booking.objects.filter(pk=past.pk).update(status=Booking.Status.COMPLETED)
    past.refresh_from_db()
    past_round = past.rounds.get()
    scorecard = grading.submit_scorecard(
        round=past_round, grader=host, data=complete_data("system_design")
    )

    missed = make_booking(host=host, guest=guest, starts_at=now - timedelta(hours=30))
    no_show_report = NoShowReport.objects.create(
        booking=missed,
        reporter=host,
        accused=guest,
        reason="I waited in the room for twenty minutes.",
        reported_at=now - timedelta(hours=28),
        dispute_until=now + timedelta(hours=44),
    )

    upcoming = make_booking(host=host, guest=guest, starts_at=now + timedelta(days=3))
    match_request = MatchRequest.objects.create(
        person=host,
        interview_type=upcoming.interview_type,
        role="interviewer",
        level="senior",
        target_level="senior",
        minutes=60,
        status=MatchRequest.Status.MATCHED,
        expires_at=upcoming.starts_at,
        matched_at=now,
        booking=upcoming,
    )
    match_block = MatchBlock.objects.create(blocker=host, blocked=stranger)
    proposal = RescheduleRequest.objects.create(
        booking=upcoming,
        proposed_by=host,
        starts_at=upcoming.starts_at + timedelta(days=1),
        ends_at=upcoming.ends_at + timedelta(days=1),
        message="Could we do a day later?",
    )
    open_slot = Slot.objects.create(
        host=host,
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=1),
        interview_type="behavioral",
        host_role="interviewer",
    )
    schedule = AvailabilitySchedule.objects.create(
        host=host, interview_type="coding", host_role="interviewer", minutes=60
    )
    schedule.weekly_hours.create(weekday=1, starts=time(18), ends=time(20))
    withdrawn_slot = Slot.objects.create(
        host=host,
        starts_at=now + timedelta(days=6),
        ends_at=now + timedelta(days=6, hours=1),
        interview_type="coding",
        host_role="interviewer",
        status=Slot.Status.WITHDRAWN,
    )
    product = Product(
        slug="senior-engineer-interview-playbook",
        title="The Senior Engineer Interview Playbook",
        price_cents=3700,
        currency="usd",
    )
    product.file.save("playbook.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    product.save()
    order = Order.objects.create(
        user=host,
        product=product,
        status=Order.Status.PAID,
        amount_cents=3700,
        currency="usd",
        stripe_checkout_session_id="cs_test_world",
        fulfilled_at=now,
    )
    return World(
        host=host,
        guest=guest,
        stranger=stranger,
        staff=staff,
        past=past,
        past_round=past_round,
        scorecard=scorecard,
        upcoming=upcoming,
        upcoming_round=upcoming.rounds.get(),
        proposal=proposal,
        open_slot=open_slot,
        order=order,
        missed=missed,
        no_show_report=no_show_report,
        match_request=match_request,
        match_block=match_block,
        schedule=schedule,
        withdrawn_slot=withdrawn_slot,
    )
