"""The room page carries the live room of the current round."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.services import anonymise_user
from sessions.models import Question
from tests.factories import make_booking

pytestmark = pytest.mark.django_db


def live_config(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="room-live" type="application/json">') + len(
        '<script id="room-live" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def with_question(booking):
    round_ = booking.rounds.get()
    round_.question = Question.objects.filter(interview_type=booking.interview_type).first()
    round_.save(update_fields=["question"])
    return booking


def room(booking):
    return reverse("sessions:room", args=[booking.pk])


def test_the_interviewer_gets_the_question_to_push_and_the_checklist(client):
    booking = with_question(make_booking(starts_at=timezone.now() + timedelta(minutes=5)))
    round_ = booking.rounds.get()
    client.force_login(booking.host)
    response = client.get(room(booking))
    config = live_config(response)
    assert config["wsPath"] == f"/ws/room/rounds/{round_.pk}/"
    assert config["round"]["role"] == "interviewer"
    assert config["question"]["title"] == round_.question.title
    assert config["peer"]["name"] == booking.guest.display_name
    body = response.content.decode()
    assert "Put the question in the editor" in body
    assert "Clarifying checklist" in body
    assert reverse("room:checklist", args=[round_.pk]) in body
    assert "static/room/room.js" in body


def test_the_candidate_gets_neither_the_question_nor_the_checklist(client):
    booking = with_question(make_booking(starts_at=timezone.now() + timedelta(minutes=5)))
    client.force_login(booking.guest)
    response = client.get(room(booking))
    config = live_config(response)
    assert config["round"]["role"] == "candidate"
    assert config["question"] is None
    body = response.content.decode()
    assert booking.rounds.get().question.prompt[:40] not in body
    assert "Clarifying checklist" not in body
    assert "Put the question" not in body


def test_a_swap_opens_a_fresh_document_for_the_second_round(client):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    booking = make_booking(starts_at=start, host_role="swap")
    first, second = booking.rounds.order_by("number")
    client.force_login(booking.guest)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert live_config(client.get(room(booking)))["round"]["id"] == first.pk
    with time_machine.travel(start + timedelta(minutes=70), tick=False):
        config = live_config(client.get(room(booking)))
    assert config["round"]["id"] == second.pk
    assert config["wsPath"] == f"/ws/room/rounds/{second.pk}/"
    assert config["round"]["role"] == "interviewer"


def test_the_page_says_when_the_live_room_opens(client):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=3)
    booking = make_booking(starts_at=start)
    client.force_login(booking.host)
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        body = client.get(room(booking)).content.decode()
    assert "The live room opens at" in body


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


def test_only_the_room_page_may_use_the_camera_and_microphone_and_its_socket(client):
    booking = make_booking(starts_at=timezone.now() + timedelta(minutes=5))
    client.force_login(booking.host)
    response = client.get(room(booking))
    assert response.status_code == 200
    policy = response["Permissions-Policy"]
    assert "camera=(self)" in policy and "microphone=(self)" in policy
    assert "geolocation=()" in policy and "display-capture=()" in policy
    csp = _directives(response["Content-Security-Policy"])
    assert csp["connect-src"] == "'self' ws://testserver"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    # Run-time <style> elements (the editor's) only with this response's nonce.
    nonce = live_config(response)["styleNonce"]
    assert len(nonce) >= 16
    assert csp["style-src-elem"] == f"'self' 'nonce-{nonce}'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]

    elsewhere = client.get(reverse("sessions:booking", args=[booking.pk]))
    assert "camera=()" in elsewhere["Permissions-Policy"]
    assert "microphone=()" in elsewhere["Permissions-Policy"]
    assert _directives(elsewhere["Content-Security-Policy"])["connect-src"] == "'self'"
    assert "style-src-elem" not in _directives(elsewhere["Content-Security-Policy"])
    again = client.get(room(booking))
    assert live_config(again)["styleNonce"] != nonce  # a fresh nonce per response


def test_the_room_page_names_the_secure_socket_over_https(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["interviewprep.example"]
    booking = make_booking(starts_at=timezone.now() + timedelta(minutes=5))
    client.force_login(booking.host)
    response = client.get(
        room(booking), HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="interviewprep.example"
    )
    csp = _directives(response["Content-Security-Policy"])
    assert csp["connect-src"] == "'self' wss://interviewprep.example"


def test_a_partner_who_left_mid_interview_shows_as_a_former_member(client):
    # Leaving cancels only interviews that have not started; this one has.
    booking = make_booking(starts_at=timezone.now() - timedelta(minutes=10))
    host, guest = booking.host, booking.guest
    host.profile.display_name = "Ada Lovelace"
    host.profile.save(update_fields=["display_name"])
    anonymise_user(user=host, by=host)
    client.force_login(guest)
    response = client.get(room(booking))
    config = live_config(response)
    assert config["peer"] == {"id": host.pk, "name": "a former member"}
    body = response.content.decode()
    assert "Ada Lovelace" not in body and host.email not in body
