"""Builders shared by the grading, rubric and dashboard tests."""

from datetime import timedelta

from django.utils import timezone

from sessions.models import Rubric
from tests.factories import make_booking


def past_booking(*, ended_ago=timedelta(hours=1), minutes=60, **kwargs):
    """A confirmed booking that has already happened (ended `ended_ago` ago)."""
    rounds = 2 if kwargs.get("host_role") == "swap" else 1
    starts_at = timezone.now() - ended_ago - timedelta(minutes=minutes * rounds)
    return make_booking(starts_at=starts_at.replace(microsecond=0), minutes=minutes, **kwargs)


def complete_data(interview_type="system_design", *, value=3, rubric=None) -> dict:
    """Everything submit_scorecard needs for the active rubric of a type."""
    rubric = rubric or Rubric.objects.get(interview_type=interview_type, active=True)
    return {
        "scores": {
            d.pk: {"value": value, "evidence": f"Observed for {d.name}."}
            for d in rubric.dimensions.all()
        },
        "recommendation": "yes",
        "level_calibration": "senior",
        "strengths": "Asked about the read/write ratio before drawing anything.",
        "improvement_1": "Say the SLA out loud and design to it.",
        "improvement_2": "Estimate storage before choosing a database.",
        "improvement_3": "Summarise decisions at the end.",
    }


def form_data(rubric, *, value=3, action="submit") -> dict:
    """The scorecard page's POST for a complete scorecard."""
    data = {
        "action": action,
        "recommendation": "yes",
        "level_calibration": "senior",
        "strengths": "Clarified the use case first.",
        "improvement_1": "Name what you would trade for simplicity.",
        "improvement_2": "",
        "improvement_3": "",
        "notes": "",
    }
    for d in rubric.dimensions.all():
        data[f"score_{d.key}"] = str(value)
        data[f"evidence_{d.key}"] = f"Evidence for {d.name}."
    return data


def bulk_graded_sessions(*, candidate, grader, count: int, start_days_ago: int = 400):
    """`count` revealed scorecards for `candidate`, one a day, rotating the interview types,
    written in bulk so a test can have hundreds of them in a second."""
    from sessions.models import Booking, Round, Score, Scorecard, Slot

    kinds = ["system_design", "behavioral", "compensation"]
    rubrics = {
        k: Rubric.objects.prefetch_related("dimensions").get(interview_type=k, active=True)
        for k in kinds
    }
    first = (timezone.now() - timedelta(days=start_days_ago)).replace(microsecond=0)
    times = [first + timedelta(days=i) for i in range(count)]
    kind_of = [kinds[i % len(kinds)] for i in range(count)]
    slots = Slot.objects.bulk_create(
        Slot(
            host=grader,
            starts_at=t,
            ends_at=t + timedelta(hours=1),
            interview_type=kind_of[i],
            host_role="interviewer",
            status="booked",
        )
        for i, t in enumerate(times)
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            slot=slot,
            host=grader,
            guest=candidate,
            interview_type=slot.interview_type,
            host_role="interviewer",
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status="completed",
            meeting_url=f"https://meet.example/bulk-{slot.pk}",
        )
        for slot in slots
    )
    rounds = Round.objects.bulk_create(
        Round(
            booking=b,
            number=1,
            interviewer=grader,
            candidate=candidate,
            clarifying_minutes=(2 + i % 7) if b.interview_type == "system_design" else None,
        )
        for i, b in enumerate(bookings)
    )
    cards = Scorecard.objects.bulk_create(
        Scorecard(
            round=r,
            booking=r.booking,
            grader=grader,
            candidate=candidate,
            rubric=rubrics[r.booking.interview_type],
            interview_type=r.booking.interview_type,
            status="submitted",
            recommendation="yes",
            level_calibration="senior",
            strengths="Strong opening.",
            improvement_1=f"Fix number {i}",
            clarifying_minutes=r.clarifying_minutes,
            session_ended_at=r.booking.ends_at,
            submitted_at=r.booking.ends_at + timedelta(hours=1),
        )
        for i, r in enumerate(rounds)
    )
    Score.objects.bulk_create(
        Score(scorecard=card, dimension=d, value=1 + (i + d.order) % 4, evidence="Seen.")
        for i, card in enumerate(cards)
        for d in rubrics[card.interview_type].dimensions.all()
    )
    return cards
