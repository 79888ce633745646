"""A Yjs client in Python for the room's socket, and the channel-layer fixture.

The client speaks the same wire format as y-websocket in the browser, through
pycrdt, against the real ASGI application (origin check, session cookie,
consumer, Redis channel layer, PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
from http.cookies import SimpleCookie

import pytest
import redis
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from pycrdt import Decoder, Map, create_sync_message, create_update_message, handle_sync_message

from interviewprep.asgi import application
from sessions.room.consumer import awareness_removal
from sessions.room.services import new_doc

TEST_PREFIX = "interviewprep-test-room"
ORIGIN = b"http://localhost"


@pytest.fixture(autouse=True)
def redis_channel_layer(settings):
    """The project's Redis channel layer, on the test Redis database with a prefix of its own."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": settings.CHANNEL_LAYERS["default"]["BACKEND"],
            "CONFIG": {
                **settings.CHANNEL_LAYERS["default"]["CONFIG"],
                "prefix": TEST_PREFIX,
            },
        }
    }
    yield
    conn = redis.Redis.from_url(settings.REDIS_URL)
    for key in conn.scan_iter(f"{TEST_PREFIX}*"):
        conn.delete(key)


_cookies: dict[int, bytes] = {}


def log_in(*users) -> None:
    """Open a session for each user, from the test's thread (and transaction)."""
    for user in users:
        _cookies[user.pk] = _new_session_cookie(user)


def session_cookie(user) -> bytes:
    return _cookies.get(user.pk) or _new_session_cookie(user)


def _new_session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    cookie = SimpleCookie()
    cookie[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookie.output(header="", sep="; ").strip().encode()


def room_path(round_id: int) -> str:
    return f"/ws/room/rounds/{round_id}/"


def communicator(round_id: int, user=None, origin: bytes = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if user is not None:
        headers.append((b"cookie", session_cookie(user)))
    return WebsocketCommunicator(application, room_path(round_id), headers=headers)


class YClient:
    """One browser tab: a document, the socket, and what the server said."""

    def __init__(self, round_id: int, user):
        self.ws = communicator(round_id, user)
        self.doc = new_doc()
        self.room_messages: list[dict] = []
        self.awareness: list[bytes] = []
        self.closed_with: int | None = None

    async def open(self) -> YClient:
        connected, _ = await self.ws.connect(timeout=5)
        assert connected
        await self.ws.send_to(bytes_data=create_sync_message(self.doc))
        await self.pump_until(lambda: self.welcome is not None)
        return self

    @property
    def welcome(self) -> dict | None:
        return next((m for m in self.room_messages if m["type"] == "welcome"), None)

    @property
    def text(self) -> str:
        return str(self.doc["code"])

    async def handle(self, output: dict) -> None:
        if output["type"] == "websocket.close":
            self.closed_with = output.get("code")
            return
        data = output["bytes"]
        if data[0] == 0:
            reply = handle_sync_message(data[1:], self.doc)
            if reply is not None:
                await self.ws.send_to(bytes_data=reply)
        elif data[0] == 1:
            self.awareness.append(data)
        elif data[0] == 9:
            self.room_messages.append(json.loads(Decoder(data[1:]).read_var_string()))

    async def pump(self, seconds: float = 0.3) -> None:
        """Handle whatever arrives during ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.closed_with is None:
            left = deadline - loop.time()
            if left <= 0 or await self.ws.receive_nothing(timeout=min(left, 0.05)):
                if left <= 0:
                    return
                continue
            await self.handle(await self.ws.receive_output())

    async def pump_until(self, condition, seconds: float = 5) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not condition():
            if self.closed_with is not None or loop.time() > deadline:
                raise AssertionError(f"gave up waiting (closed with {self.closed_with})")
            await self.pump(0.05)

    async def edit(self, change) -> bytes:
        """Apply ``change(doc)`` locally and send the update; returns it."""
        before = self.doc.get_state()
        change(self.doc)
        update = self.doc.get_update(before)
        await self.ws.send_to(bytes_data=create_update_message(update))
        return update

    async def type_text(self, text: str, at: int | None = None) -> bytes:
        def change(doc):
            code = doc["code"]
            code.insert(len(code) if at is None else at, text)

        return await self.edit(change)

    async def draw(self, element_id: str, pos: str = "a0") -> bytes:
        element = {"id": element_id, "type": "rectangle", "x": 10, "y": 10, "width": 80,
                   "height": 40, "version": 1, "isDeleted": False}  # fmt: skip
        return await self.edit(lambda doc: doc["elements"].append(Map({"pos": pos, "el": element})))

    async def announce(self, client_id: int, clock: int, state: dict) -> None:
        body = json.dumps(state).encode()
        entry = bytes([1]) + _uint(client_id) + _uint(clock) + _uint(len(body)) + body
        await self.ws.send_to(bytes_data=bytes([1]) + _uint(len(entry)) + entry)

    async def close(self) -> None:
        await self.ws.disconnect()


async def refusal_of(ws: WebsocketCommunicator) -> dict:
    """Connect and return the first thing the server sends (expected: a close)."""
    connected, _ = await ws.connect(timeout=5)
    assert connected, "the socket is accepted first, so the browser sees the close code"
    first = await ws.receive_output(timeout=5)
    await ws.wait(timeout=0.2)
    return first


def _uint(num: int) -> bytes:
    out = []
    while num > 127:
        out.append(128 | (num & 127))
        num >>= 7
    out.append(num)
    return bytes(out)


__all__ = ["YClient", "awareness_removal", "communicator", "refusal_of"]
