"""The interview room: who sees what, the notes pad, the designing button, swap half time."""

import json
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sessions.models import Question
from sessions.scheduling import services
from sessions.scheduling.phases import plan_for
from tests.factories import make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
host, guest = support.host, support.guest


@pytest.fixture
def booking(host, guest):
    return services.book_slot(slot=make_slot(host=host, starts_at=soon(2)), guest=guest)


def room(booking):
    return reverse("sessions:room", args=[booking.pk])


class TestRoomPage:
    def test_the_interviewer_sees_the_question_and_the_notes_pad(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        body = client.get(room(booking)).content.decode()
        assert round_.question.title in body
        assert "What a strong answer covers" in body
        assert reverse("sessions:round_notes", args=[round_.pk]) in body
        assert "Candidate started designing" in body
        assert booking.meeting_url in body
        assert "You interview guest" in body

    def test_the_candidate_sees_the_plan_but_not_the_question(self, client, booking, guest):
        round_ = booking.rounds.get()
        client.force_login(guest)
        body = client.get(room(booking)).content.decode()
        assert round_.question.title not in body
        assert round_.question.interviewer_notes[:40] not in body
        assert reverse("sessions:round_notes", args=[round_.pk]) not in body
        assert "host interviews you" in body
        assert "Clarify requirements" in body
        assert "Read/write ratio" in body

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_everyone_else_gets_404(self, client, booking, persona, request):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(room(booking)).status_code == 404

    def test_it_refuses_post(self, client, booking, host):
        client.force_login(host)
        assert client.post(room(booking)).status_code == 405

    def test_a_cancelled_booking_has_no_room(self, client, booking, host):
        services.cancel_booking(booking=booking, by=host, reason="x")
        client.force_login(host)
        response = client.get(room(booking))
        assert response.status_code == 302
        assert response["Location"] == reverse("sessions:booking", args=[booking.pk])

    def test_a_swap_switches_roles_and_questions_at_half_time(self, client, host, guest):
        booking = make_booking(host=host, guest=guest, host_role="swap", starts_at=soon(1))
        first, second = booking.rounds.order_by("number")
        q1, q2 = Question.objects.filter(interview_type="system_design")[:2]
        first.question, second.question = q1, q2
        first.save()
        second.save()
        client.force_login(guest)
        with time_machine.travel(booking.starts_at + timedelta(minutes=10)):
            response = client.get(room(booking))
            assert response.context["current"] == 1
            # Guest is the candidate in round 1, so q1 stays hidden; q2 is theirs to ask later.
            body = response.content.decode()
            assert q1.title not in body
            assert q2.title in body
        with time_machine.travel(booking.starts_at + timedelta(minutes=61)):
            response = client.get(room(booking))
            assert response.context["current"] == 2
            data = response.context["room_data"]
            assert [r["number"] for r in data["rounds"]] == [1, 2]
            assert (
                data["rounds"][1]["starts"] == (booking.starts_at + timedelta(hours=1)).isoformat()
            )


class TestNotes:
    def url(self, round_):
        return reverse("sessions:round_notes", args=[round_.pk])

    def test_the_interviewer_autosaves_with_json(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        response = client.post(
            self.url(round_),
            json.dumps({"notes": "Asked about read/write ratio at 4 min"}),
            content_type="application/json",
        )
        assert response.status_code == 200
        assert "saved_at" in response.json()
        round_.refresh_from_db()
        assert round_.notes == "Asked about read/write ratio at 4 min"
        assert round_.notes_updated_at is not None

    def test_the_saved_label_is_in_the_interviewers_zone_on_a_24_hour_clock(
        self, client, booking, host
    ):
        round_ = booking.rounds.get()
        client.force_login(host)
        response = client.post(
            self.url(round_), json.dumps({"notes": "x"}), content_type="application/json"
        )
        round_.refresh_from_db()
        local = round_.notes_updated_at.astimezone(ZoneInfo("America/Los_Angeles"))
        assert response.json()["saved_at_label"] == f"{local:%H:%M:%S}"

    def test_the_saved_label_follows_a_12_hour_clock(self, client, booking, host):
        from accounts.models import Profile

        Profile.objects.filter(user=host).update(clock="12h")
        round_ = booking.rounds.get()
        client.force_login(host)
        response = client.post(
            self.url(round_), json.dumps({"notes": "x"}), content_type="application/json"
        )
        round_.refresh_from_db()
        local = round_.notes_updated_at.astimezone(ZoneInfo("America/Los_Angeles"))
        hour = local.hour % 12 or 12
        expected = f"{hour}:{local:%M:%S} {'AM' if local.hour < 12 else 'PM'}"
        assert response.json()["saved_at_label"] == expected

    def test_the_plain_form_saves_and_returns_to_the_room(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        response = client.post(self.url(round_), {"notes": "Plain form"})
        assert response.status_code == 302
        assert response["Location"].startswith(room(booking))
        round_.refresh_from_db()
        assert round_.notes == "Plain form"

    def test_it_checks_csrf(self, booking, host):
        round_ = booking.rounds.get()
        client = Client(enforce_csrf_checks=True)
        client.force_login(host)
        response = client.post(self.url(round_), {"notes": "forged"})
        assert response.status_code == 403
        round_.refresh_from_db()
        assert round_.notes == ""

    def test_it_accepts_the_token_from_the_page(self, booking, host):
        round_ = booking.rounds.get()
        client = Client(enforce_csrf_checks=True)
        client.force_login(host)
        client.get(room(booking))
        token = client.cookies["csrftoken"].value
        response = client.post(
            self.url(round_),
            {"notes": "with token", "csrfmiddlewaretoken": token},
            headers={"X-Requested-With": "fetch"},
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("persona", ["guest", "stranger", "staff"])
    def test_only_the_rounds_interviewer_writes(self, client, booking, persona, request):
        round_ = booking.rounds.get()
        client.force_login(request.getfixturevalue(persona))
        assert client.post(self.url(round_), {"notes": "mine now"}).status_code == 404
        round_.refresh_from_db()
        assert round_.notes == ""

    def test_it_refuses_get(self, client, booking, host):
        client.force_login(host)
        assert client.get(self.url(booking.rounds.get())).status_code == 405

    def test_bad_json_is_a_400(self, client, booking, host):
        client.force_login(host)
        response = client.post(
            self.url(booking.rounds.get()), "{not json", content_type="application/json"
        )
        assert response.status_code == 400


class TestDesignStarted:
    def url(self, round_):
        return reverse("sessions:design_started", args=[round_.pk])

    def test_it_records_the_clarifying_minutes(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        with time_machine.travel(booking.starts_at + timedelta(minutes=6, seconds=32), tick=False):
            response = client.post(self.url(round_), headers={"X-Requested-With": "fetch"})
        assert response.status_code == 200
        assert response.json()["clarifying_minutes"] == "6.5"
        round_.refresh_from_db()
        assert round_.clarifying_minutes == Decimal("6.5")
        assert round_.design_started_at == booking.starts_at + timedelta(minutes=6, seconds=32)

    def test_a_second_press_changes_nothing(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        with time_machine.travel(booking.starts_at + timedelta(minutes=3), tick=False):
            client.post(self.url(round_))
        with time_machine.travel(booking.starts_at + timedelta(minutes=9), tick=False):
            client.post(self.url(round_))
        round_.refresh_from_db()
        assert round_.clarifying_minutes == Decimal("3.0")

    def test_it_counts_from_the_second_rounds_start_in_a_swap(self, client, host, guest):
        booking = make_booking(host=host, guest=guest, host_role="swap", starts_at=soon(1))
        second = booking.rounds.get(number=2)
        client.force_login(guest)
        with time_machine.travel(booking.starts_at + timedelta(minutes=67), tick=False):
            client.post(self.url(second))
        second.refresh_from_db()
        assert second.clarifying_minutes == Decimal("7.0")

    def test_it_refuses_before_the_round_starts(self, client, booking, host):
        round_ = booking.rounds.get()
        client.force_login(host)
        response = client.post(self.url(round_), headers={"X-Requested-With": "fetch"})
        assert response.status_code == 409
        assert "not started" in response.json()["error"]

    def test_it_is_for_system_design_only(self, client, host, guest):
        booking = make_booking(
            host=host, guest=guest, interview_type="coding", starts_at=soon(-0.1)
        )
        client.force_login(host)
        client.post(self.url(booking.rounds.get()))
        assert booking.rounds.get().clarifying_minutes is None

    @pytest.mark.parametrize("persona", ["guest", "stranger", "staff"])
    def test_only_the_rounds_interviewer_presses_it(self, client, booking, persona, request):
        round_ = booking.rounds.get()
        client.force_login(request.getfixturevalue(persona))
        with time_machine.travel(booking.starts_at + timedelta(minutes=5)):
            assert client.post(self.url(round_)).status_code == 404
        round_.refresh_from_db()
        assert round_.design_started_at is None

    def test_it_refuses_get(self, client, booking, host):
        client.force_login(host)
        assert client.get(self.url(booking.rounds.get())).status_code == 405


class TestPhasePlans:
    @pytest.mark.parametrize("kind", ["system_design", "behavioral", "coding", "compensation"])
    @pytest.mark.parametrize("minutes", [30, 45, 60, 90])
    def test_phases_fill_the_round_without_gaps(self, kind, minutes):
        phases = plan_for(kind, minutes=minutes)
        assert phases[0]["start"] == 0
        assert phases[-1]["end"] == minutes
        for before, after in zip(phases, phases[1:], strict=False):
            assert abs(before["end"] - after["start"]) < 0.11

    @pytest.mark.parametrize("minutes", [30, 45, 60, 90])
    def test_system_design_always_clarifies_for_5_to_8_minutes(self, minutes):
        clarify = plan_for("system_design", minutes=minutes)[0]
        assert clarify["title"] == "Clarify requirements"
        assert 5 <= clarify["end"] - clarify["start"] <= 8
