"""The room page (the rounds with their phase plans, and the live room of the
current round) and the interviewer's clarifying checklist."""

import base64
import hashlib
import json
from datetime import datetime, timedelta

from csp.constants import NONCE, SELF
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET, require_POST
from django_permissions_policy.decorators import permissions_policy_override

from accounts.pagecache import cached_page, expire_page_at
from sessions.scheduling import services as scheduling_services
from sessions.scheduling.access import booking_for, round_for_interviewer
from sessions.scheduling.forms import QuestionChoiceForm
from sessions.scheduling.models import QUESTION_BANK_PAGES, Booking, InterviewType, Round
from sessions.scheduling.phases import current_round_number, plan_for, round_window

from . import services
from .context import live_room_context

# The people's colours in the shared editor (frontend/room/index.js COLORS). The
# editor's collaboration layer marks the other person's selection with the
# attribute style="background-color: <colour>33" and their caret with
# style="background-color: <colour>; border-color: <colour>"; CSP allows exactly
# these attribute values ('unsafe-hashes' with their hashes), no other style attribute.
PEOPLE_COLORS = ["#1f6feb", "#d1242f", "#8250df", "#1a7f37", "#bf8700", "#0969da"]


def _style_hash(value: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"


SELECTION_STYLE_HASHES = [
    _style_hash(style)
    for c in PEOPLE_COLORS
    for style in (f"background-color: {c}33", f"background-color: {c}; border-color: {c}")
]


# Stand-ins in the rendered room page for what each response has of its own: the
# CSP nonce and the clock. Derived from the secret key, so no text a person
# writes into the page (notes, names) can match them.
_STAND_IN = salted_hmac("sessions.room.views", "room page stand-ins").hexdigest()[:24]
NONCE_STAND_IN = f"nonce-{_STAND_IN}"
NOW_STAND_IN = f"now-{_STAND_IN}"


def _finish_room(request: HttpRequest, response: HttpResponse) -> None:
    """This response's nonce and clock in the room page, and the CSP it needs."""
    # Reading request.csp_nonce is what puts the nonce in the CSP header.
    response.content = response.content.replace(
        NONCE_STAND_IN.encode(), str(request.csp_nonce).encode()
    ).replace(NOW_STAND_IN.encode(), timezone.now().isoformat().encode())
    # The room's socket, named by its own scheme and host: CSP Level 3 lets 'self'
    # match ws:/wss: of the same host, but not every browser in use does yet.
    socket_scheme = "wss" if request.is_secure() else "ws"
    response._csp_update = {
        "connect-src": [f"{socket_scheme}://{request.get_host()}"],
        "style-src-elem": [SELF, NONCE],
        "style-src-attr": ["'unsafe-hashes'", *SELECTION_STYLE_HASHES],
    }


def _next_change(booking: Booking, rounds: list[Round], now: datetime) -> datetime | None:
    """The first instant after ``now`` (UTC) at which the room page renders
    differently by the clock alone (the interview or a round starts or ends,
    the live room opens or closes), or None when none is left."""
    opens, closes = services.room_window(booking)
    moments = [opens, closes, *(r.starts_at for r in rounds)]
    moments += [r.ends_at for r in rounds]
    return min((m for m in moments if m > now), default=None)


@login_required
@require_GET
# Only a participant's room page itself lets our origin ask for the camera and
# microphone (its WebRTC call); every other answer keeps them off.
@permissions_policy_override(settings.ROOM_PERMISSIONS_POLICY)
@cached_page(shared=[QUESTION_BANK_PAGES], finish=_finish_room)
def room_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The room of a booking, for its two people only (404 for anyone else).

    Served from the page cache until the next round boundary at the latest;
    the nonce and the clock stamp are filled in per response (_finish_room).
    """
    booking = booking_for(request.user, pk)
    if booking.status == Booking.Status.CANCELLED:
        messages.error(request, "This interview was cancelled, so its room is closed.")
        return redirect("sessions:booking", pk=booking.pk)
    now = timezone.now()
    current = current_round_number(booking, now=now)
    # The booking came with both people and their profiles (bookings_of): the
    # rounds take them from it rather than joining them again.
    people = {booking.host_id: booking.host, booking.guest_id: booking.guest}
    rounds = list(booking.rounds.select_related("question"))
    timeline = []
    for r in rounds:
        r.booking = booking
        r.interviewer, r.candidate = people[r.interviewer_id], people[r.candidate_id]
        r.starts_at, r.ends_at = round_window(booking, r.number)
        r.minutes = int((r.ends_at - r.starts_at) / timedelta(minutes=1))
        r.phases = plan_for(booking.interview_type, minutes=r.minutes)
        r.is_interviewer = r.interviewer_id == request.user.pk
        r.is_current = r.number == current
        r.in_progress = r.starts_at <= now < r.ends_at
        r.has_ended = now >= r.ends_at
        if r.is_interviewer and now < r.starts_at:
            # The interviewer may switch the question until the round starts
            # (sessions:change_question).
            r.question_form = QuestionChoiceForm(
                choices=scheduling_services.question_choices(r),
                candidate_name=r.candidate.display_name,
                initial={"question": r.question_id},
                prefix=f"round-{r.number}",
            )
        timeline.append(
            {
                "number": r.number,
                "starts": r.starts_at.isoformat(),
                "ends": r.ends_at.isoformat(),
                "phases": [
                    {"key": p["key"], "title": p["title"], "start": p["start"], "end": p["end"]}
                    for p in r.phases
                ],
            }
        )
    current_round = next(r for r in rounds if r.number == current)
    live = live_room_context(booking=booking, round_=current_round, user=request.user, now=now)
    # The editor (CodeMirror) and the board's dialogs add <style> elements at run
    # time; they carry the response's nonce, which only style-src-elem accepts.
    live["live"]["styleNonce"] = NONCE_STAND_IN
    response = render(
        request,
        "sessions/room/room.html",
        {
            "booking": booking,
            "other": booking.other_participant(request.user),
            "rounds": rounds,
            "current": current,
            "is_system_design": booking.interview_type == InterviewType.SYSTEM_DESIGN,
            "room_now": now,
            "room_data": {"now": NOW_STAND_IN, "current": current, "rounds": timeline},
            **live,
        },
    )
    expire_page_at(response, _next_change(booking, rounds, now))
    return response


@login_required
@require_POST
def checklist(request: HttpRequest, round_id: int) -> HttpResponse:
    """Tick or untick one item: JSON ``{"item": key, "ticked": bool}`` or a form post."""
    round_ = round_for_interviewer(request.user, round_id)
    as_json = request.content_type == "application/json"
    if as_json:
        try:
            body = json.loads(request.body or b"{}")
            item, ticked = body["item"], body["ticked"]
        except (ValueError, KeyError, TypeError):
            return JsonResponse(
                {"error": 'Send {"item": "scale", "ticked": true} as JSON.'}, status=400
            )
        if not isinstance(item, str) or not isinstance(ticked, bool):
            return JsonResponse({"error": "item is text and ticked is true or false."}, status=400)
    else:
        item, ticked = request.POST.get("item", ""), request.POST.get("ticked") == "on"
    try:
        ticks = services.tick_checklist(round_=round_, by=request.user, item=item, ticked=ticked)
    except services.RoomError as exc:
        if as_json:
            return JsonResponse({"error": exc.message}, status=409)
        messages.error(request, exc.message)
        ticks = None
    if as_json:
        return JsonResponse({"checklist": ticks})
    return redirect(reverse("sessions:room", args=[round_.booking_id]) + f"#round-{round_.number}")
