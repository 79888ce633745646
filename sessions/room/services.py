"""Who may enter a round's live room and when; storing and reading its shared document.

A round's document is a Yjs document (https://docs.yjs.dev) holding:

- ``code``: a Y.Text, the shared editor's content;
- ``meta``: a Y.Map with the editor's ``language``;
- ``elements``: a Y.Array of Y.Maps ``{"pos": fractional index, "el": Excalidraw element}``,
  the whiteboard as y-excalidraw lays it out.

Every update a participant makes is appended to ``RoomUpdate`` before it is
relayed, so whatever a peer has seen is in the database. All times are UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from pycrdt import Array, Doc, Map, Text, merge_updates

from sessions.scheduling import services as scheduling
from sessions.scheduling.models import Booking, InterviewType, Round
from sessions.scheduling.phases import round_window

from .models import RoomDocument, RoomUpdate
from .protocol import (
    CLOSE_CANCELLED,
    CLOSE_CLOSED,
    CLOSE_FORBIDDEN,
    CLOSE_NOT_LOGGED_IN,
    CLOSE_TOO_EARLY,
)

# The room opens this long before the booking starts ...
OPENS_BEFORE = timedelta(minutes=15)
# ... and stays open, read-only, this long after it ends.
STAYS_OPEN_AFTER = timedelta(minutes=30)
# Old updates are merged into one row per bucket of this length; the replay
# therefore moves in steps of at most this much.
COMPACTION_BUCKET = timedelta(seconds=10)
# How many rows a document may gather before a writer compacts it.
COMPACT_AFTER_ROWS = 300


# What the interviewer ticks while the candidate clarifies a system design.
CLARIFYING_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("use_case", "Use case: who uses it and for which flows"),
    ("scale", "Scale: users, requests per second, data size"),
    ("read_write", "Read/write ratio and access patterns"),
    ("sla", "SLA: latency, availability, consistency"),
    ("simplicity", "What to trade away for simplicity"),
    ("done", "What “done” means for this conversation"),
)
CHECKLIST_KEYS = frozenset(key for key, _label in CLARIFYING_CHECKLIST)

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("python", "Python"),
    ("java", "Java"),
    ("go", "Go"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("cpp", "C++"),
    ("sql", "SQL"),
)


class RoomError(Exception):
    """A change to the room that its rules refuse; ``message`` is for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RoomAccess:
    """The answer to "may this person open this round's room now?".

    ``close_code`` is None when the socket may stay open; ``writable`` says
    whether edits are accepted (until the round ends) or only shown.
    """

    close_code: int | None
    round_id: int = 0
    booking_id: int = 0
    role: str = ""
    writable_until: datetime | None = None
    open_until: datetime | None = None
    system_design: bool = False
    design_started: bool = False
    document_id: int = 0

    @property
    def allowed(self) -> bool:
        return self.close_code is None


def room_window(booking: Booking) -> tuple[datetime, datetime]:
    """When the booking's room accepts connections (UTC): 15 minutes before the
    start until 30 minutes after the end."""
    return booking.starts_at - OPENS_BEFORE, booking.ends_at + STAYS_OPEN_AFTER


def room_access(*, user, round_id: int, now: datetime | None = None) -> RoomAccess:
    """Decide whether ``user`` may connect to round ``round_id``'s document at ``now``.

    Anonymous users get 4401; strangers, unknown rounds and staff who are not
    in the booking get 4403 (the same answer, so nothing leaks); a cancelled
    booking 4409; before the window 4425 and after it 4410.
    """
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return RoomAccess(CLOSE_NOT_LOGGED_IN)
    round_ = (
        Round.objects.select_related("booking")
        .filter(Q(booking__host=user) | Q(booking__guest=user), pk=round_id)
        .first()
    )
    if round_ is None:
        return RoomAccess(CLOSE_FORBIDDEN)
    booking = round_.booking
    if booking.status == Booking.Status.CANCELLED:
        return RoomAccess(CLOSE_CANCELLED)
    opens, closes = room_window(booking)
    if now < opens:
        return RoomAccess(CLOSE_TOO_EARLY)
    if now >= closes:
        return RoomAccess(CLOSE_CLOSED)
    _round_start, round_end = round_window(booking, round_.number)
    document, _created = RoomDocument.objects.get_or_create(round=round_)
    return RoomAccess(
        None,
        round_id=round_.pk,
        booking_id=booking.pk,
        role="interviewer" if round_.interviewer_id == user.pk else "candidate",
        writable_until=round_end,
        open_until=closes,
        system_design=booking.interview_type == InterviewType.SYSTEM_DESIGN,
        design_started=round_.design_started_at is not None,
        document_id=document.pk,
    )


# --- The document ------------------------------------------------------------------


def load_document(document_id: int) -> bytes:
    """Every stored update of the document merged into one Yjs update (v1)."""
    updates = [
        bytes(data)
        for data in RoomUpdate.objects.filter(document_id=document_id)
        .order_by("id")
        .values_list("data", flat=True)
    ]
    if not updates:
        return b""
    if len(updates) == 1:
        return updates[0]
    return merge_updates(*updates)


def append_update(document_id: int, data: bytes, *, now: datetime | None = None) -> int:
    """Store one Yjs update; returns the new row's id."""
    now = now or timezone.now()
    return RoomUpdate.objects.create(document_id=document_id, data=data, created_at=now).pk


def compact_document(document_id: int, *, bucket: timedelta = COMPACTION_BUCKET) -> int:
    """Merge the document's rows into one per ``bucket`` of time; returns rows removed.

    Rows written while this runs are left alone (they are read before the lock
    is taken or after it is released and merged the next time); two compactions
    of the same document queue on the document's row lock.
    """
    with transaction.atomic():
        RoomDocument.objects.select_for_update().filter(pk=document_id).first()
        RoomDocument.objects.filter(pk=document_id).update(updated_at=timezone.now())
        rows = list(
            RoomUpdate.objects.filter(document_id=document_id)
            .order_by("created_at", "id")
            .values_list("id", "created_at", "data")
        )
        groups: dict[int, list[tuple[int, datetime, bytes]]] = {}
        seconds = bucket.total_seconds()
        for row_id, created_at, data in rows:
            key = int(created_at.timestamp() // seconds)
            groups.setdefault(key, []).append((row_id, created_at, bytes(data)))
        removed = 0
        for group in groups.values():
            if len(group) < 2:
                continue
            merged = merge_updates(*(data for _id, _at, data in group))
            RoomUpdate.objects.create(document_id=document_id, data=merged, created_at=group[-1][1])
            removed += RoomUpdate.objects.filter(
                id__in=[row_id for row_id, _at, _d in group]
            ).delete()[0]
            removed -= 1
    return removed


def rows_in(document_id: int) -> int:
    return RoomUpdate.objects.filter(document_id=document_id).count()


def new_doc(update: bytes = b"") -> Doc:
    """A pycrdt document with the room's shared types, loaded from ``update``."""
    doc = Doc()
    doc["code"] = Text()
    doc["meta"] = Map()
    doc["elements"] = Array()
    if update:
        doc.apply_update(update)
    return doc


def board_element_ids(doc: Doc) -> set[str]:
    """Ids of the whiteboard elements that are drawn (not deleted)."""
    ids = set()
    for item in doc["elements"]:
        element = item.get("el") if isinstance(item, Map) else None
        if isinstance(element, dict) and not element.get("isDeleted") and element.get("id"):
            ids.add(element["id"])
    return ids


@dataclass(frozen=True)
class RoundContents:
    """What a round's shared document holds: the editor's text and language, and the
    board's elements (Excalidraw JSON) in drawing order."""

    code: str
    language: str
    elements: list[dict[str, Any]]

    @property
    def is_empty(self) -> bool:
        return not self.code.strip() and not self.elements


def _elements_of(doc: Doc) -> list[dict[str, Any]]:
    items = []
    for item in doc["elements"]:
        if not isinstance(item, Map):
            continue
        element = item.get("el")
        if isinstance(element, dict) and not element.get("isDeleted"):
            items.append((str(item.get("pos") or ""), element))
    items.sort(key=lambda pair: pair[0])
    return [element for _pos, element in items]


def round_contents(round_: Round) -> RoundContents:
    """The round's document as it stands now (or as it was left)."""
    document = RoomDocument.objects.filter(round=round_).first()
    if document is None:
        return RoundContents(code="", language="", elements=[])
    doc = new_doc(load_document(document.pk))
    return RoundContents(
        code=str(doc["code"]),
        language=str(doc["meta"].get("language") or ""),
        elements=_elements_of(doc),
    )


def replay_frames(round_: Round, *, limit: int = 400) -> list[dict[str, str]]:
    """The editor's text after each stored step, oldest first, as
    ``[{"at": ISO 8601 UTC, "code": text}]``; consecutive equal texts are dropped
    and at most ``limit`` frames are kept (evenly spaced, the last always kept)."""
    document = RoomDocument.objects.filter(round=round_).first()
    if document is None:
        return []
    doc = new_doc()
    frames: list[dict[str, str]] = []
    for created_at, data in (
        RoomUpdate.objects.filter(document=document)
        .order_by("created_at", "id")
        .values_list("created_at", "data")
    ):
        doc.apply_update(bytes(data))
        code = str(doc["code"])
        if frames and frames[-1]["code"] == code:
            frames[-1]["at"] = created_at.isoformat()
            continue
        frames.append({"at": created_at.isoformat(), "code": code})
    if len(frames) > limit:
        step = len(frames) / limit
        frames = [frames[int(i * step)] for i in range(limit - 1)] + [frames[-1]]
    return frames


# --- Interview features ------------------------------------------------------------


def record_design_started_from_board(*, round_id: int, now: datetime | None = None) -> str | None:
    """The candidate drew the first element: record when designing began.

    The board is the evidence, so this records on the interviewer's behalf
    through the same rule as their button (system design only, inside the
    round, the first record wins). Returns the clarifying minutes now on
    record (e.g. "6.5"), or None when nothing could be recorded.
    """
    round_ = Round.objects.select_related("booking", "interviewer").get(pk=round_id)
    if round_.design_started_at is None:
        try:
            round_ = scheduling.mark_design_started(round=round_, by=round_.interviewer, now=now)
        except scheduling.SchedulingError:
            return None
    return None if round_.clarifying_minutes is None else str(round_.clarifying_minutes)


def tick_checklist(*, round_: Round, by, item: str, ticked: bool, now=None) -> dict[str, str]:
    """Tick or untick one clarifying-checklist item; returns the whole checklist.

    Only the round's interviewer ticks, only in a system design round that was
    not cancelled. Raises RoomError otherwise, or for an unknown item.
    """
    now = now or timezone.now()
    if round_.interviewer_id != by.pk:
        raise RoomError("Only this round's interviewer ticks the checklist.")
    booking = round_.booking
    if booking.interview_type != InterviewType.SYSTEM_DESIGN:
        raise RoomError("The clarifying checklist belongs to system design rounds.")
    if booking.status == Booking.Status.CANCELLED:
        raise RoomError("This interview was cancelled.")
    if item not in CHECKLIST_KEYS:
        raise RoomError(f"Unknown checklist item {item!r}.")
    with transaction.atomic():
        document, _ = RoomDocument.objects.select_for_update().get_or_create(round=round_)
        checklist = dict(document.checklist or {})
        if ticked:
            checklist.setdefault(item, now.isoformat())
        else:
            checklist.pop(item, None)
        document.checklist = checklist
        document.save(update_fields=["checklist"])
    return checklist


def checklist_evidence(round_: Round) -> str:
    """The ticked items as one sentence for the scorecard's evidence, in the
    checklist's order, each with the minute of the round it was ticked in, e.g.
    "Ticked in the room: Scale: users, … (minute 3); SLA: … (minute 5)."."""
    document = RoomDocument.objects.filter(round=round_).first()
    ticks = (document.checklist if document else None) or {}
    if not ticks:
        return ""
    start, _end = round_window(round_.booking, round_.number)
    parts = []
    for key, label in CLARIFYING_CHECKLIST:
        if key in ticks:
            minute = int((datetime.fromisoformat(ticks[key]) - start).total_seconds() // 60)
            parts.append(f"{label} (minute {max(minute, 0)})")
    return "Ticked in the room: " + "; ".join(parts) + "."


def encode_app_message(payload: dict[str, Any]) -> bytes:
    """A room message (type 9 of the room's protocol): a JSON text after the type."""
    data = json.dumps(payload, separators=(",", ":")).encode()
    return bytes([9]) + _var_uint(len(data)) + data


def _var_uint(num: int) -> bytes:
    out = []
    while num > 127:
        out.append(128 | (num & 127))
        num >>= 7
    out.append(num)
    return bytes(out)
