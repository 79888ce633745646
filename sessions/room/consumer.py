"""The room's WebSocket consumer: the Yjs sync protocol for one round's document.

Protocol (binary frames, the y-websocket wire format, https://github.com/yjs/y-protocols):
type 0 sync (step 1, step 2, update), 1 awareness, 3 query awareness, and 9, the
room's own JSON messages (WebRTC signalling, notices from the server).

Each consumer keeps a pycrdt copy of the document to answer sync step 1. An
update from the client is relayed at once through the channel layer to the
other sockets of the round (not back to the sender) and stored in the database
in batches of STORE_EVERY seconds (and when the socket closes). A newcomer loads
the database and also receives each present consumer's whole document, which
covers a batch not stored yet. Awareness (cursors, names) is
relayed to everyone, the sender included, and removed for every client id the
socket announced when it closes, so a closed tab disappears at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from pycrdt import (
    Decoder,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    merge_updates,
)

from . import protocol, services

logger = logging.getLogger(__name__)

MSG_SYNC = 0
MSG_AWARENESS = 1
MSG_QUERY_AWARENESS = 3
MSG_ROOM = 9
SYNC_STEP1 = 0
EMPTY_UPDATE = b"\x00\x00"
# How long updates gather before they are written as one row (seconds).
STORE_EVERY = 0.25
# Room messages a client may send; the server relays them to the other side.
RELAYED_ROOM_MESSAGES = frozenset({"signal", "hangup"})


class TokenBucket:
    """Allow ``rate`` units a second on average and bursts of ``burst`` units."""

    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self, amount: float = 1) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < amount:
            return False
        self.tokens -= amount
        return True


def _var_uint(num: int) -> bytes:
    out = []
    while num > 127:
        out.append(128 | (num & 127))
        num >>= 7
    out.append(num)
    return bytes(out)


def _var_string(text: str) -> bytes:
    data = text.encode()
    return _var_uint(len(data)) + data


def parse_awareness(update: bytes) -> list[tuple[int, int, str]]:
    """(client id, clock, state JSON) of each entry of an awareness update."""
    decoder = Decoder(update)
    entries = []
    for _ in range(decoder.read_var_uint()):
        client_id = decoder.read_var_uint()
        clock = decoder.read_var_uint()
        entries.append((client_id, clock, decoder.read_var_string()))
    return entries


def awareness_removal(clocks: dict[int, int]) -> bytes:
    """An awareness message that removes every given client (state ``null``)."""
    body = _var_uint(len(clocks)) + b"".join(
        _var_uint(client_id) + _var_uint(clock + 1) + _var_string("null")
        for client_id, clock in clocks.items()
    )
    return bytes([MSG_AWARENESS]) + _var_uint(len(body)) + body


class RoomConsumer(AsyncWebsocketConsumer):
    """One participant's socket to one round's document.

    Refusals are sent after accepting, as a close code without any message
    (closing before accepting reaches the browser as 1006, which y-websocket
    retries forever); the codes are in ``services``.
    """

    access: services.RoomAccess | None = None
    stopped = False

    async def connect(self) -> None:
        self.access = None
        self.awareness_clocks: dict[int, int] = {}
        self.timers: list[asyncio.Task] = []
        await self.accept()
        user = self.scope.get("user")
        round_id = int(self.scope["url_route"]["kwargs"]["round_id"])
        access = await database_sync_to_async(services.room_access)(user=user, round_id=round_id)
        if not access.allowed:
            await self.close(code=access.close_code)
            return
        self.access = access
        self.user_id = user.pk
        self.round_group = f"room.round.{access.round_id}"
        self.booking_group = f"room.booking.{access.booking_id}"
        self.messages = TokenBucket(
            settings.ROOM_FLOOD_MESSAGES_PER_SECOND, settings.ROOM_FLOOD_BURST
        )
        self.bytes = TokenBucket(
            settings.ROOM_FLOOD_BYTES_PER_SECOND, settings.ROOM_FLOOD_BYTES_PER_SECOND * 4
        )
        self.appended = 0
        self.pending: list[bytes] = []
        self.store_task: asyncio.Task | None = None
        self.read_only_noticed = False
        # Join the group before loading: an update stored after the load is
        # relayed to us, one stored before it is in what we load.
        await self.channel_layer.group_add(self.round_group, self.channel_name)
        await self.channel_layer.group_add(self.booking_group, self.channel_name)
        stored = await database_sync_to_async(services.load_document)(access.document_id)
        self.doc = services.new_doc(stored)
        self.watch_board = (
            access.system_design and access.role == "candidate" and not access.design_started
        )
        now = timezone.now()
        await self.send_room(
            {
                "type": "welcome",
                "role": access.role,
                "writable": now < access.writable_until,
                "writableUntil": access.writable_until.isoformat(),
                "openUntil": access.open_until.isoformat(),
            }
        )
        await self.send(bytes_data=create_sync_message(self.doc))
        await self.channel_layer.group_send(
            self.round_group, {"type": "room.joined", "sender": self.channel_name}
        )
        self.timers.append(asyncio.create_task(self._close_at_end(now)))

    async def _close_at_end(self, now) -> None:
        writable_in = (self.access.writable_until - now).total_seconds()
        if writable_in > 0:
            await asyncio.sleep(writable_in)
            await self.send_room({"type": "read-only"})
        await asyncio.sleep(max(0.0, (self.access.open_until - timezone.now()).total_seconds()))
        await self.stop(protocol.CLOSE_CLOSED)

    async def disconnect(self, code: int) -> None:
        for task in self.timers:
            task.cancel()
        if self.access is None:
            return
        if self.awareness_clocks:
            await self.channel_layer.group_send(
                self.round_group,
                {
                    "type": "room.relay",
                    "sender": self.channel_name,
                    "data": awareness_removal(self.awareness_clocks),
                },
            )
        await self.channel_layer.group_send(
            self.round_group,
            {"type": "room.left", "sender": self.channel_name, "user": self.user_id},
        )
        await self.channel_layer.group_discard(self.round_group, self.channel_name)
        await self.channel_layer.group_discard(self.booking_group, self.channel_name)
        if self.store_task is not None:
            self.store_task.cancel()
        await self.store_pending()
        if self.appended:
            await database_sync_to_async(self._compact_if_needed)(force=True)

    # --- From the client ---------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.access is None or self.stopped:
            return
        data = bytes_data if bytes_data is not None else (text_data or "").encode()
        if len(data) > settings.ROOM_MAX_MESSAGE_BYTES:
            await self.stop(protocol.CLOSE_TOO_LARGE)
            return
        if not self.messages.take() or not self.bytes.take(len(data)):
            logger.warning("Closing a flooding room socket of user %s", self.user_id)
            await self.stop(protocol.CLOSE_FLOOD)
            return
        if bytes_data is None or not data:
            return
        try:
            await self.dispatch_message(data)
        except (RuntimeError, IndexError, ValueError, UnicodeDecodeError) as exc:
            logger.info("Closing a room socket after a malformed message: %s", exc)
            await self.stop(protocol.CLOSE_BAD_MESSAGE)

    async def dispatch_message(self, data: bytes) -> None:
        kind = data[0]
        if kind == MSG_SYNC:
            if data[1] == SYNC_STEP1:
                reply = handle_sync_message(data[1:], self.doc)
                if reply:
                    await self.send(bytes_data=reply)
                return
            update = Decoder(data[2:]).read_message()
            if update:
                await self.apply_client_update(update)
        elif kind == MSG_AWARENESS:
            update = Decoder(data[1:]).read_message() or b""
            for client_id, clock, state in parse_awareness(update):
                if state == "null":
                    self.awareness_clocks.pop(client_id, None)
                else:
                    self.awareness_clocks[client_id] = clock
            await self.channel_layer.group_send(
                self.round_group, {"type": "room.relay", "sender": "", "data": data}
            )
        elif kind == MSG_QUERY_AWARENESS:
            await self.channel_layer.group_send(
                self.round_group, {"type": "room.joined", "sender": self.channel_name}
            )
        elif kind == MSG_ROOM:
            message = json.loads(Decoder(data[1:]).read_var_string())
            if isinstance(message, dict) and message.get("type") in RELAYED_ROOM_MESSAGES:
                await self.channel_layer.group_send(
                    self.round_group,
                    {"type": "room.relay", "sender": self.channel_name, "data": data},
                )

    async def apply_client_update(self, update: bytes) -> None:
        if update == EMPTY_UPDATE:
            return
        now = timezone.now()
        if now >= self.access.writable_until:
            if not self.read_only_noticed:
                self.read_only_noticed = True
                await self.send_room({"type": "read-only"})
            return
        drawn_before = services.board_element_ids(self.doc) if self.watch_board else None
        try:
            self.doc.apply_update(update)
        except Exception as exc:  # pycrdt raises its own errors for bytes it can't read
            raise ValueError(f"not a Yjs update: {exc}") from exc
        await self.channel_layer.group_send(
            self.round_group,
            {"type": "room.update", "sender": self.channel_name, "update": update},
        )
        # Stored in batches (one merged row per STORE_EVERY); a newcomer that joins
        # before a batch lands gets the rest from the others' state (room_joined).
        self.pending.append(update)
        if self.store_task is None:
            self.store_task = asyncio.create_task(self._store_soon())
        if drawn_before is not None and services.board_element_ids(self.doc) - drawn_before:
            await self.design_started()

    async def _store_soon(self) -> None:
        await asyncio.sleep(STORE_EVERY)
        await self.store_pending()

    async def store_pending(self) -> None:
        self.store_task = None
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        update = batch[0] if len(batch) == 1 else merge_updates(*batch)
        # Off the main sync thread: many rooms write at once, each in its own connection.
        await database_sync_to_async(self._store, thread_sensitive=False)(update, timezone.now())

    def _store(self, update: bytes, now) -> None:
        services.append_update(self.access.document_id, update, now=now)
        self.appended += 1
        if self.appended % services.COMPACT_AFTER_ROWS == 0:
            self._compact_if_needed()

    def _compact_if_needed(self, force: bool = False) -> None:
        if force or services.rows_in(self.access.document_id) > services.COMPACT_AFTER_ROWS:
            services.compact_document(self.access.document_id)

    async def design_started(self) -> None:
        minutes = await database_sync_to_async(services.record_design_started_from_board)(
            round_id=self.access.round_id
        )
        if minutes is not None:
            self.watch_board = False
            await self.channel_layer.group_send(
                self.round_group,
                {"type": "room.design_started", "sender": self.channel_name, "minutes": minutes},
            )

    # --- From the channel layer --------------------------------------------------

    async def room_update(self, event: dict) -> None:
        if event["sender"] == self.channel_name:
            return
        self.doc.apply_update(event["update"])
        await self.send(bytes_data=create_update_message(event["update"]))

    async def room_relay(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send(bytes_data=event["data"])

    async def room_joined(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            # Ask our client to announce its cursor and name to the newcomer,
            # and let the video call start again.
            await self.send(bytes_data=bytes([MSG_QUERY_AWARENESS]))
            await self.send_room({"type": "peer-joined"})
            # Everything our client wrote, including what is not stored yet.
            await self.channel_layer.send(
                event["sender"],
                {
                    "type": "room.update",
                    "sender": self.channel_name,
                    "update": self.doc.get_update(),
                },
            )

    async def room_left(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send_room({"type": "peer-left"})

    async def room_design_started(self, event: dict) -> None:
        self.watch_board = False
        await self.send_room({"type": "design-started", "minutes": event.get("minutes")})

    async def room_close(self, event: dict) -> None:
        """The booking was cancelled (or the room closed for another reason)."""
        with contextlib.suppress(Exception):
            await self.send_room({"type": "closed", "reason": event.get("reason", "")})
        await self.stop(event.get("code", protocol.CLOSE_CANCELLED))

    async def stop(self, code: int) -> None:
        """Close with ``code`` and ignore whatever the client still sends."""
        self.stopped = True
        await self.close(code=code)

    async def send_room(self, payload: dict) -> None:
        await self.send(bytes_data=services.encode_app_message(payload))
