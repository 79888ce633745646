"""The room page served from the page cache: each response still carries its own
nonce and clock stamp, the entry ends when the clock would change the page, and
whatever the two people change in the room shows on their next request."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import Question
from sessions.room.services import tick_checklist
from sessions.room.views import NONCE_STAND_IN, NOW_STAND_IN
from sessions.scheduling.services import (
    cancel_booking,
    change_round_question,
    mark_design_started,
    save_round_notes,
)
from tests.factories import UserFactory, make_booking

pytestmark = [pytest.mark.django_db, pytest.mark.clock, pytest.mark.page_cache]

START = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)


def room(booking) -> str:
    return reverse("sessions:room", args=[booking.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("sessions:mine"))  # sets the CSRF cookie that cached pages are keyed on
    return client


def json_script(response, element_id: str) -> dict:
    body = response.content.decode()
    opening = f'<script id="{element_id}" type="application/json">'
    start = body.index(opening) + len(opening)
    return json.loads(body[start : body.index("</script>", start)])


def served_from_cache(response) -> bool:
    return response.status_code == 200 and response.context is None


def header_nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"style-src-elem 'self' 'nonce-([^']+)'", policy)[1]


def test_a_cached_room_carries_each_responses_own_nonce_in_body_and_header():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.host)
    first, second, third = (client.get(room(booking)) for _ in range(3))
    assert not served_from_cache(first)
    assert served_from_cache(second) and served_from_cache(third)
    nonces = [json_script(r, "room-live")["styleNonce"] for r in (first, second, third)]
    assert len(set(nonces)) == 3
    for response, nonce in zip((first, second, third), nonces, strict=True):
        assert header_nonce(response) == nonce
        assert NONCE_STAND_IN not in response.content.decode()
        assert NOW_STAND_IN not in response.content.decode()
        assert "camera=(self)" in response["Permissions-Policy"]
        assert "ws://testserver" in response["Content-Security-Policy"]


def test_the_clock_stamp_is_this_responses_own_on_a_hit():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.host)
    with time_machine.travel(START - timedelta(hours=2), tick=False) as clock:
        client.get(room(booking))
        clock.shift(timedelta(seconds=30))
        again = client.get(room(booking))
    assert served_from_cache(again)
    stamp = json_script(again, "room-data")["now"]
    assert stamp == (START - timedelta(hours=2) + timedelta(seconds=30)).isoformat()


def across(client: Client, booking, moment) -> tuple:
    """The room just before ``moment`` (served from the cache) and just after it."""
    with time_machine.travel(moment - timedelta(seconds=20), tick=False) as clock:
        client.get(room(booking))
        before = client.get(room(booking))
        clock.move_to(moment + timedelta(seconds=1))
        after = client.get(room(booking))
    assert served_from_cache(before)
    return before, after


def test_the_entry_ends_when_the_second_round_starts():
    booking = make_booking(starts_at=START, host_role="swap")
    first, second = booking.rounds.order_by("number")
    # The second round of a 2 x 60 minute swap starts an hour in.
    before, after = across(signed_in(booking.guest), booking, START + timedelta(minutes=60))
    assert json_script(before, "room-live")["round"]["id"] == first.pk
    assert json_script(before, "room-live")["round"]["role"] == "candidate"
    assert not served_from_cache(after)
    assert json_script(after, "room-live")["round"]["id"] == second.pk
    assert json_script(after, "room-live")["round"]["role"] == "interviewer"
    assert json_script(after, "room-data")["current"] == 2


def test_the_question_form_goes_when_the_round_starts():
    booking = make_booking(starts_at=START)
    before, after = across(signed_in(booking.host), booking, START)
    assert "Use this question" in before.content.decode()
    assert "Use this question" not in after.content.decode()
    assert "In progress" in after.content.decode()


def test_a_saved_note_shows_on_the_next_request():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    client = signed_in(booking.host)
    client.get(room(booking))
    assert served_from_cache(client.get(room(booking)))
    save_round_notes(round=round_, by=booking.host, notes="Asked about the cache hit ratio")
    assert "Asked about the cache hit ratio" in client.get(room(booking)).content.decode()


def test_a_checklist_tick_shows_on_the_next_request():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    client = signed_in(booking.host)
    ticked = 'value="scale" checked'
    assert ticked not in client.get(room(booking)).content.decode()
    assert served_from_cache(client.get(room(booking)))
    tick_checklist(round_=round_, by=booking.host, item="scale", ticked=True)
    assert ticked in client.get(room(booking)).content.decode()
    tick_checklist(round_=round_, by=booking.host, item="scale", ticked=False)
    assert ticked not in client.get(room(booking)).content.decode()


def test_a_changed_question_shows_on_the_next_request():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    chosen = Question.objects.filter(interview_type=booking.interview_type).last()
    client = signed_in(booking.host)
    assert chosen.prompt[:40] not in client.get(room(booking)).content.decode()
    assert served_from_cache(client.get(room(booking)))
    change_round_question(round=round_, by=booking.host, question=chosen)
    assert json_script(client.get(room(booking)), "room-live")["question"]["title"] == chosen.title


def test_an_edit_of_the_bank_question_shows_on_the_next_request():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    round_.question = Question.objects.filter(interview_type=booking.interview_type).first()
    round_.save(update_fields=["question"])
    client = signed_in(booking.host)
    client.get(room(booking))
    assert served_from_cache(client.get(room(booking)))
    round_.question.title = "Design a URL shortener, revised"
    round_.question.save(update_fields=["title"])
    assert "Design a URL shortener, revised" in client.get(room(booking)).content.decode()


def test_the_recorded_design_start_shows_on_the_next_request():
    booking = make_booking(starts_at=START)
    round_ = booking.rounds.get()
    client = signed_in(booking.host)
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        assert "Candidate started designing" in client.get(room(booking)).content.decode()
        assert served_from_cache(client.get(room(booking)))
        mark_design_started(round=round_, by=booking.host)
        body = client.get(room(booking)).content.decode()
    assert "6.0 minutes</strong> of clarifying came first" in body


def test_someone_outside_the_booking_still_gets_404():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.host)
    assert client.get(room(booking)).status_code == 200
    stranger = signed_in(UserFactory())
    assert stranger.get(room(booking)).status_code == 404
    assert stranger.get(room(booking)).status_code == 404


def test_a_cancelled_booking_still_redirects_with_its_message():
    booking = make_booking(starts_at=START)
    client = signed_in(booking.guest)
    client.get(room(booking))
    assert served_from_cache(client.get(room(booking)))
    cancel_booking(booking=booking, by=booking.host, reason="Ill")
    response = client.get(room(booking), follow=True)
    assert response.redirect_chain == [(reverse("sessions:booking", args=[booking.pk]), 302)]
    assert "its room is closed" in response.content.decode()
