import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sessions.grading import services as grading
from sessions.models import Reminder, Rubric, Scorecard
from tests.factories import UserFactory, make_booking
from tests.sessions.grading.grading_support import complete_data, past_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _snapshot(scorecard: Scorecard) -> tuple:
    scorecard.refresh_from_db()
    scores = sorted(scorecard.scores.values_list("dimension_id", "value", "evidence"))
    return (scorecard.status, scorecard.recommendation, scorecard.strengths, tuple(scores))


def test_it_starts_a_draft_on_the_active_rubric_with_the_room_notes_carried_in():
    booking = past_booking()
    round = booking.rounds.get()
    round.notes = "Asked about read/write ratio at minute 3."
    round.clarifying_minutes = "6.5"
    round.save()

    card = grading.start_scorecard(round=round)

    assert card.status == Scorecard.Status.DRAFT
    assert card.rubric == Rubric.objects.get(interview_type="system_design", active=True)
    assert card.notes == "Asked about read/write ratio at minute 3."
    assert str(card.clarifying_minutes) == "6.5"
    assert card.session_ended_at == booking.ends_at
    assert card.scores.count() == 5
    assert grading.start_scorecard(round=round) == card


def test_a_draft_opened_early_picks_up_later_room_notes_but_keeps_the_graders_words():
    round = past_booking().rounds.get()
    card = grading.start_scorecard(round=round)
    assert card.notes == "" and card.clarifying_minutes is None
    round.notes = "Drew the queue before asking about volume."
    round.clarifying_minutes = "2.0"
    round.save()

    card = grading.start_scorecard(round=round)
    card.refresh_from_db()
    assert card.notes == "Drew the queue before asking about volume."
    assert str(card.clarifying_minutes) == "2.0"

    grading.save_draft(scorecard=card, data={"notes": "Edited by the grader."})
    round.notes = "Room notes changed again."
    round.save()
    card = grading.start_scorecard(round=round)
    card.refresh_from_db()
    assert card.notes == "Edited by the grader."


def test_it_submits_and_locks_a_complete_scorecard():
    booking = past_booking()
    round = booking.rounds.get()

    card = grading.submit_scorecard(
        round=round, grader=round.interviewer, data=complete_data(value=4)
    )

    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    assert card.submitted_at is not None
    assert list(card.scores.values_list("value", flat=True)) == [4] * 5
    assert card.improvements[0] == "Say the SLA out loud and design to it."


def test_it_tells_the_candidate_once_every_scorecard_is_in():
    booking = past_booking()
    round = booking.rounds.get()
    grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    ready = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.FEEDBACK_READY)
    assert list(ready.values_list("recipient", flat=True)) == [round.candidate_id]


def test_a_swap_reveals_nothing_until_the_second_scorecard():
    booking = past_booking(host_role="swap")
    first, second = booking.rounds.order_by("number")
    grading.submit_scorecard(round=first, grader=first.interviewer, data=complete_data())
    ready = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.FEEDBACK_READY)
    assert not ready.exists()

    grading.submit_scorecard(round=second, grader=second.interviewer, data=complete_data())

    assert sorted(ready.values_list("recipient", flat=True)) == sorted(
        [booking.host_id, booking.guest_id]
    )


def test_a_second_submission_is_refused_and_changes_nothing():
    booking = past_booking()
    round = booking.rounds.get()
    card = grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    before = _snapshot(card)

    with pytest.raises(ValidationError, match="already submitted"):
        grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data(value=1))

    assert _snapshot(card) == before
    assert Reminder.objects.filter(kind=Reminder.Kind.FEEDBACK_READY).count() == 1


def test_a_submitted_scorecard_refuses_a_draft_save():
    round = past_booking().rounds.get()
    card = grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    before = _snapshot(card)
    with pytest.raises(ValidationError) as error:
        grading.save_draft(scorecard=card, data={"strengths": "Rewritten later"})
    assert error.value.code == "locked"
    assert _snapshot(card) == before


def test_a_missing_score_or_evidence_names_the_dimension_and_changes_nothing():
    round = past_booking().rounds.get()
    card = grading.start_scorecard(round=round)
    before = _snapshot(card)
    data = complete_data()
    rubric = card.rubric
    clarifying = rubric.dimensions.get(key="requirements_clarification")
    tradeoffs = rubric.dimensions.get(key="design_tradeoffs")
    data["scores"][clarifying.pk]["value"] = None
    data["scores"][tradeoffs.pk]["evidence"] = "   "
    data["strengths"] = "Changed in a failed attempt"

    with pytest.raises(ValidationError) as error:
        grading.submit_scorecard(round=round, grader=round.interviewer, data=data)

    assert set(error.value.message_dict) == {
        "score_requirements_clarification",
        "evidence_design_tradeoffs",
    }
    assert (
        "Clarifies before designing"
        in error.value.message_dict["score_requirements_clarification"][0]
    )
    assert _snapshot(card) == before
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("value", [0, 5, "3.5", "high"])
def test_an_out_of_range_score_is_refused(value):
    round = past_booking().rounds.get()
    card = grading.start_scorecard(round=round)
    before = _snapshot(card)
    data = complete_data()
    first = next(iter(data["scores"]))
    data["scores"][first]["value"] = value

    with pytest.raises(ValidationError, match="from 1 to 4"):
        grading.submit_scorecard(round=round, grader=round.interviewer, data=data)
    with pytest.raises(ValidationError, match="from 1 to 4"):
        grading.save_draft(scorecard=card, data=data)
    assert _snapshot(card) == before


def test_a_dimension_of_another_rubric_is_refused():
    round = past_booking().rounds.get()
    card = grading.start_scorecard(round=round)
    before = _snapshot(card)
    data = complete_data()
    foreign = Rubric.objects.get(interview_type="behavioral", active=True).dimensions.first()
    data["scores"][foreign.pk] = {"value": 3, "evidence": "Not this rubric."}

    with pytest.raises(ValidationError) as error:
        grading.submit_scorecard(round=round, grader=round.interviewer, data=data)

    assert "is not part of Senior system design v1" in error.value.message_dict["scores"][0]
    assert _snapshot(card) == before


def test_missing_overall_fields_are_named():
    round = past_booking().rounds.get()
    data = complete_data()
    for name in ("recommendation", "level_calibration", "strengths", "improvement_1"):
        data.pop(name)
    with pytest.raises(ValidationError) as error:
        grading.submit_scorecard(round=round, grader=round.interviewer, data=data)
    assert set(error.value.message_dict) == {
        "recommendation",
        "level_calibration",
        "strengths",
        "improvement_1",
    }


def test_a_draft_keeps_partial_answers_and_submit_completes_it():
    round = past_booking().rounds.get()
    card = grading.start_scorecard(round=round)
    dimension = card.rubric.dimensions.first()
    grading.save_draft(
        scorecard=card,
        data={"scores": {dimension.pk: {"value": 2, "evidence": "Jumped to Kafka."}}},
    )
    score = card.scores.get(dimension=dimension)
    assert (score.value, score.evidence) == (2, "Jumped to Kafka.")

    grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    assert card.scores.get(dimension=dimension).value == 3


def test_only_the_rounds_interviewer_may_submit_and_only_after_the_start():
    upcoming = make_booking()
    round = upcoming.rounds.get()
    with pytest.raises(ValidationError, match="once the session has started"):
        grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())

    past = past_booking()
    round = past.rounds.get()
    with pytest.raises(ValidationError):
        grading.submit_scorecard(round=round, grader=round.candidate, data=complete_data())
    with pytest.raises(ValidationError):
        grading.submit_scorecard(round=round, grader=UserFactory(), data=complete_data())
    past.status = "cancelled"
    past.save()
    with pytest.raises(ValidationError):
        grading.submit_scorecard(round=round, grader=round.interviewer, data=complete_data())
    assert not Scorecard.objects.filter(status="submitted").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_graders_submitting_a_swap_at_once_reveal_it_exactly_once():
    # The window between the two commits is short, so the race runs a few times.
    host, guest = UserFactory(), UserFactory()
    for attempt in range(5):
        booking = past_booking(
            host=host, guest=guest, host_role="swap", ended_ago=timedelta(days=attempt, minutes=5)
        )
        rounds = list(booking.rounds.order_by("number"))
        barrier = threading.Barrier(len(rounds))
        errors = []

        def submit(round, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                grading.submit_scorecard(
                    round=round, grader=round.interviewer, data=complete_data()
                )
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=submit, args=(r,)) for r in rounds]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == []
        assert Scorecard.objects.filter(booking=booking, status="submitted").count() == 2
        ready = Reminder.objects.filter(booking=booking, kind=Reminder.Kind.FEEDBACK_READY)
        assert sorted(ready.values_list("recipient", flat=True)) == sorted(
            [booking.host_id, booking.guest_id]
        ), f"attempt {attempt}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_simultaneous_submissions_of_one_scorecard_lock_it_once():
    round = past_booking().rounds.get()
    grading.start_scorecard(round=round)
    barrier = threading.Barrier(10)
    outcomes = []

    def submit(value):
        try:
            barrier.wait()
            grading.submit_scorecard(
                round=round, grader=round.interviewer, data=complete_data(value=value)
            )
            outcomes.append("submitted")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(1 + i % 4,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["already_submitted"] * 9 + ["submitted"]
    card = Scorecard.objects.get(round=round)
    assert len(set(card.scores.values_list("value", flat=True))) == 1
    assert Reminder.objects.filter(kind=Reminder.Kind.FEEDBACK_READY).count() == 1
