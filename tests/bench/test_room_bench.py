"""The live room under load: 50 rooms x 2 clients typing 5 edits a second each.

One daphne process serves the real application (origin check, session auth,
the Yjs consumer, every update written to PostgreSQL and relayed through the
Redis channel layer) and, in the same process, an echo WebSocket. Both are
driven by the same clients at the same rate, one after the other, and the
figures are printed side by side: relay latency (sender's send to the peer's
receipt) against echo round trip, and the server process's CPU.

BENCH_ROOMS and BENCH_ROOM_SECONDS shrink the run for a quick look.
"""

import asyncio
import os
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
import websockets
from django.utils import timezone
from pycrdt import Decoder, Doc, Text, create_update_message

from sessions.room.models import RoomUpdate
from tests.asgi_server import free_port, start_asgi_server, stop
from tests.factories import make_booking
from tests.sessions.room.support import session_cookie

pytestmark = pytest.mark.bench

ROOMS = int(os.environ.get("BENCH_ROOMS", "50"))
SECONDS = float(os.environ.get("BENCH_ROOM_SECONDS", "60"))
EDITS_PER_SECOND = 5
WARM_UP = 3.0
ROOT = Path(__file__).resolve().parents[2]


def start_server(port: int):
    return start_asgi_server(
        port,
        app="tests.bench.room_asgi:application",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        CHANNEL_LAYER_PREFIX="interviewprep-bench-room",
    )


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1]


class Meter:
    """CPU seconds the server spent between start() and stop(), as % of one core."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)

    def start(self):
        self.cpu, self.wall = sum(self.proc.cpu_times()[:2]), time.monotonic()

    def stop(self) -> float:
        cpu = sum(self.proc.cpu_times()[:2]) - self.cpu
        return 100 * cpu / (time.monotonic() - self.wall)


async def drive(urls_and_cookies, port: int, meter: Meter, *, echo: bool) -> dict:
    """Connect every client, let each send EDITS_PER_SECOND for SECONDS, measure."""
    sent: dict[bytes, float] = {}
    counts = {"sent": 0}
    latencies: list[float] = []
    measuring = False
    stop = asyncio.Event()
    origin = f"http://127.0.0.1:{port}"

    connecting = asyncio.Semaphore(10)  # open sockets ten at a time, like people arriving

    async def client(index: int, url: str, cookie: bytes, ready: asyncio.Event, go: asyncio.Event):
        nonlocal measuring
        await connecting.acquire()
        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie.decode()},
            max_size=None, ping_interval=None, compression=None,
        ) as ws:  # fmt: skip
            doc = Doc()
            doc["code"] = text = Text()

            async def reader():
                async for message in ws:
                    if echo:
                        started = sent.pop(message, None)
                    elif message[:2] == b"\x00\x02":
                        started = sent.pop(Decoder(message[2:]).read_message(), None)
                    else:
                        continue
                    if started is not None and measuring:
                        latencies.append((time.perf_counter() - started) * 1000)

            reading = asyncio.create_task(reader())
            connecting.release()
            ready.set()
            await go.wait()
            await asyncio.sleep(random.random() / EDITS_PER_SECOND)
            counter = 0
            while not stop.is_set():
                counter += 1
                if echo:
                    payload = create_update_message(f"{index}:{counter};".encode() * 2)
                    key = payload
                else:
                    state = doc.get_state()
                    text.insert(len(text), f"{index}:{counter};")
                    key = doc.get_update(state)
                    payload = create_update_message(key)
                sent[key] = time.perf_counter()
                await ws.send(payload)
                if measuring:
                    counts["sent"] += 1
                await asyncio.sleep(1 / EDITS_PER_SECOND)
            await asyncio.sleep(1.0)  # let the last relays arrive
            reading.cancel()

    go = asyncio.Event()
    readies = []
    tasks = []
    for index, (url, cookie) in enumerate(urls_and_cookies):
        ready = asyncio.Event()
        readies.append(ready)
        tasks.append(asyncio.create_task(client(index, url, cookie, ready, go)))
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=300)
    go.set()
    await asyncio.sleep(WARM_UP)
    measuring = True
    meter.start()
    await asyncio.sleep(SECONDS)
    cpu = meter.stop()
    measuring = False
    stop.set()
    await asyncio.gather(*tasks)
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "count": len(latencies),
        "cpu": cpu,
        # What the clients managed to send: below the target when they were starved of CPU.
        "rate": counts["sent"] / SECONDS,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_room_relay_against_echo():
    start = timezone.now() - timedelta(minutes=5)
    rounds = []
    for _ in range(ROOMS):
        booking = make_booking(starts_at=start, minutes=90, interview_type="coding")
        rounds.append(
            (booking.rounds.get(), session_cookie(booking.host), session_cookie(booking.guest))
        )
    port = free_port()
    server = start_server(port)
    try:
        meter = Meter(server.pid)
        base = f"ws://127.0.0.1:{port}"
        echo_clients = [(f"{base}/ws/bench/echo/", c) for _r, h, g in rounds for c in (h, g)]
        room_clients = [(f"{base}/ws/room/rounds/{r.pk}/", c) for r, h, g in rounds for c in (h, g)]
        echo = asyncio.run(drive(echo_clients, port, meter, echo=True))
        relay = asyncio.run(drive(room_clients, port, meter, echo=False))
    finally:
        stop(server)
    stored = RoomUpdate.objects.count()
    assert relay["count"] > 0 and echo["count"] > 0
    assert stored > 0
    shape = f"{ROOMS} rooms x 2 clients, {EDITS_PER_SECOND} edits/s each, {SECONDS:.0f} s"
    print(  # noqa: T201 (the benchmark's output)
        f"\nBENCH room relay ({shape}): p50 = {relay['p50']:.1f} ms, p95 = {relay['p95']:.1f} ms, "
        f"server CPU = {relay['cpu']:.0f}% of a core, {relay['count']} updates relayed, "
        f"clients sent {relay['rate']:.0f}/s of {ROOMS * 2 * EDITS_PER_SECOND}/s"
        f"\nBENCH room echo baseline (same process, clients and rate): p50 = {echo['p50']:.1f} ms, "
        f"p95 = {echo['p95']:.1f} ms, server CPU = {echo['cpu']:.0f}% of a core, "
        f"{echo['count']} round trips, clients sent {echo['rate']:.0f}/s"
        f"\nBENCH room ratio relay/echo: p50 {relay['p50'] / echo['p50']:.2f}x, "
        f"p95 {relay['p95'] / echo['p95']:.2f}x, CPU {relay['cpu'] / max(echo['cpu'], 0.1):.2f}x; "
        f"{stored} update rows in PostgreSQL after compaction"
    )
