"""What a page needs to show the live room of a round (the room page includes
templates/sessions/room/_live.html with this context)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from sessions.scheduling.models import Booking, InterviewType, Round
from sessions.scheduling.phases import round_window

from . import services
from .models import RoomDocument


def _excalidraw_asset_path() -> str:
    # A folder, not a file: the manifest storage has no hashed name for it, and
    # Excalidraw asks for the fonts below it by their plain names.
    return settings.STATIC_URL.rstrip("/") + "/room/excalidraw/"


def live_room_context(*, booking: Booking, round_: Round, user, now: datetime) -> dict[str, Any]:
    """The template context of the live panel for ``user`` in ``round_`` (times in UTC)."""
    other = booking.other_participant(user)
    is_interviewer = round_.interviewer_id == user.pk
    _start, ends_at = round_window(booking, round_.number)
    question = None
    if is_interviewer and round_.question_id:
        question = {"title": round_.question.title, "prompt": round_.question.prompt}
    is_system_design = booking.interview_type == InterviewType.SYSTEM_DESIGN
    document = RoomDocument.objects.filter(round=round_).first()
    ticks = (document.checklist if document else None) or {}
    opens, closes = services.room_window(booking)
    config = {
        "wsPath": f"/ws/room/rounds/{round_.pk}/",
        "round": {
            "id": round_.pk,
            "number": round_.number,
            "role": "interviewer" if is_interviewer else "candidate",
            "systemDesign": is_system_design,
            "writable": now < ends_at,
        },
        "me": {"id": user.pk, "name": user.display_name},
        "peer": {"id": other.pk, "name": other.display_name},
        "iceServers": settings.ICE_SERVERS,
        "meetingUrl": booking.meeting_url,
        "question": question,
        "defaultLanguage": "python",
        "assetPath": _excalidraw_asset_path(),
        "boardCss": static("room/board.css"),
    }
    return {
        "live": config,
        "live_round": round_,
        "live_is_open": opens <= now < closes,
        "live_opens_at": opens,
        "live_is_interviewer": is_interviewer,
        "live_languages": services.LANGUAGES,
        "live_show_board": is_system_design,
        "live_checklist": [
            {"key": key, "label": label, "ticked": key in ticks}
            for key, label in services.CLARIFYING_CHECKLIST
        ]
        if is_system_design and is_interviewer
        else [],
        "live_checklist_url": reverse("room:checklist", args=[round_.pk]),
    }


def round_record_context(round_: Round) -> dict[str, Any]:
    """What the live room left for a round, for the scorecard and feedback pages:
    the final code and language, the board's elements, the code's replay frames
    and the ticked checklist (templates/sessions/room/_record.html)."""
    contents = services.round_contents(round_)
    document = RoomDocument.objects.filter(round=round_).first()
    ticks = (document.checklist if document else None) or {}
    return {
        "record": contents,
        "record_round": round_,
        "record_language": dict(services.LANGUAGES).get(contents.language, contents.language),
        "record_elements": contents.elements,
        "record_replay": services.replay_frames(round_) if contents.code else [],
        "record_checklist": [label for key, label in services.CLARIFYING_CHECKLIST if key in ticks],
        "record_asset_path": _excalidraw_asset_path(),
        "record_replay_id": f"replay-{round_.pk}",
        "record_board_id": f"board-{round_.pk}",
    }
