"""The room's socket: who gets in and when, converging documents, storage, limits."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from sessions.room import protocol, services
from sessions.room.models import RoomDocument, RoomUpdate
from sessions.scheduling import services as scheduling
from tests.factories import UserFactory, make_booking
from tests.sessions.room.support import (
    YClient,
    communicator,
    log_in,
    redis_channel_layer,
    refusal_of,
)

# Channels closes the database connection around each of the consumer's queries,
# which a test wrapped in a transaction cannot survive; serialized_rollback puts
# the seeded questions and rubrics back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
__all__ = ["redis_channel_layer"]


def run(make_coroutine):
    """Run ``make_coroutine()`` (an async function, or a lambda returning a coroutine)."""

    async def main():
        return await make_coroutine()

    return async_to_sync(main)()


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def people(db):
    pair = UserFactory(email="ada@example.com"), UserFactory(email="grace@example.com")
    log_in(*pair)
    return pair


def booking_starting(people, starts_in: timedelta, **kwargs):
    """A booking whose start is ``starts_in`` from now (negative: already started)."""
    host, guest = people
    start = timezone.now() + starts_in
    return make_booking(host=host, guest=guest, starts_at=start, **kwargs)


class TestWhoGetsIn:
    def test_it_closes_an_anonymous_socket_with_4401_and_sends_nothing(self, people):
        round_ = booking_starting(people, minutes(5)).rounds.get()
        first = run(lambda: refusal_of(communicator(round_.pk)))
        assert first == {"type": "websocket.close", "code": protocol.CLOSE_NOT_LOGGED_IN}

    def test_it_closes_a_strangers_socket_with_4403(self, people):
        round_ = booking_starting(people, minutes(5)).rounds.get()
        stranger = UserFactory(email="mallory@example.com")
        ws = communicator(round_.pk, stranger)
        first = run(lambda: refusal_of(ws))
        assert first == {"type": "websocket.close", "code": protocol.CLOSE_FORBIDDEN}
        assert not RoomDocument.objects.exists()

    def test_staff_who_are_not_in_the_booking_are_strangers_too(self, people):
        round_ = booking_starting(people, minutes(5)).rounds.get()
        staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
        ws = communicator(round_.pk, staff)
        first = run(lambda: refusal_of(ws))
        assert first["code"] == protocol.CLOSE_FORBIDDEN

    def test_an_unknown_round_reads_like_a_strangers_one(self, people):
        first = run(lambda: refusal_of(communicator(987654, people[0])))
        assert first["code"] == protocol.CLOSE_FORBIDDEN

    def test_it_refuses_more_than_15_minutes_before_the_start(self, people):
        round_ = booking_starting(people, minutes(16)).rounds.get()
        first = run(lambda: refusal_of(communicator(round_.pk, people[0])))
        assert first == {"type": "websocket.close", "code": protocol.CLOSE_TOO_EARLY}

    def test_it_lets_both_people_in_14_minutes_before_the_start(self, people):
        round_ = booking_starting(people, minutes(14)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            guest = await YClient(round_.pk, people[1]).open()
            await host.close()
            await guest.close()
            return host.welcome, guest.welcome

        host_welcome, guest_welcome = run(scenario)
        assert host_welcome["role"] == "interviewer" and host_welcome["writable"] is True
        assert guest_welcome["role"] == "candidate"

    def test_it_refuses_more_than_30_minutes_after_the_end(self, people):
        round_ = booking_starting(people, -minutes(60 + 31)).rounds.get()
        first = run(lambda: refusal_of(communicator(round_.pk, people[1])))
        assert first == {"type": "websocket.close", "code": protocol.CLOSE_CLOSED}

    def test_after_the_end_the_document_is_read_only(self, people):
        round_ = booking_starting(people, -minutes(70)).rounds.get()

        async def scenario():
            guest = await YClient(round_.pk, people[1]).open()
            await guest.type_text("too late")
            await guest.pump_until(
                lambda: any(m["type"] == "read-only" for m in guest.room_messages)
            )
            await guest.close()
            return guest.welcome

        welcome = run(scenario)
        assert welcome["writable"] is False
        assert not RoomUpdate.objects.exists()

    def test_a_cancelled_booking_is_refused_with_4409(self, people):
        booking = booking_starting(people, minutes(10))
        scheduling.cancel_booking(booking=booking, by=people[1], reason="Ill today")
        first = run(lambda: refusal_of(communicator(booking.rounds.get().pk, people[0])))
        assert first == {"type": "websocket.close", "code": protocol.CLOSE_CANCELLED}

    def test_a_socket_from_another_origin_is_rejected_at_the_handshake(self, people):
        round_ = booking_starting(people, minutes(5)).rounds.get()

        async def scenario():
            ws = communicator(round_.pk, people[0], origin=b"https://evil.example")
            connected, _code = await ws.connect(timeout=5)
            return connected

        assert run(scenario) is False


class TestSharedDocument:
    def test_two_clients_converge_on_concurrent_edits(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            guest = await YClient(round_.pk, people[1]).open()
            await host.type_text("def solve():\n")
            await guest.type_text("# notes\n")
            await host.type_text("    return 42\n")
            both = lambda: host.text == guest.text and "return 42" in host.text  # noqa: E731
            for _ in range(40):
                await host.pump(0.05)
                await guest.pump(0.05)
                if both() and "# notes" in host.text:
                    break
            await host.close()
            await guest.close()
            return host.text, guest.text

        host_text, guest_text = run(scenario)
        assert host_text == guest_text
        assert "def solve():\n" in host_text and "    return 42\n" in host_text
        assert "# notes\n" in host_text

    def test_the_document_survives_a_restart_from_the_database(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def first_visit():
            host = await YClient(round_.pk, people[0]).open()
            await host.type_text("SELECT 1;")
            await host.edit(lambda doc: doc["meta"].__setitem__("language", "sql"))
            await host.pump(0.2)
            await host.close()

        async def after_restart():
            guest = await YClient(round_.pk, people[1]).open()
            await guest.pump_until(lambda: guest.text == "SELECT 1;")
            await guest.close()
            return guest.text, guest.doc["meta"].get("language")

        run(first_visit)
        assert RoomUpdate.objects.filter(document__round=round_).exists()
        # A new consumer (as after a restart of the server) loads only from PostgreSQL.
        assert run(after_restart) == ("SELECT 1;", "sql")
        assert services.round_contents(round_).code == "SELECT 1;"

    def test_a_late_joiner_gets_what_was_written_before(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            await host.type_text("hello")
            await host.pump(0.2)
            guest = await YClient(round_.pk, people[1]).open()
            await guest.pump_until(lambda: guest.text == "hello")
            await host.close()
            await guest.close()

        run(scenario)

    def test_an_update_is_not_echoed_to_its_sender(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            await host.pump(0.2)
            await host.type_text("x")
            quiet = await host.ws.receive_nothing(timeout=0.3)
            await host.close()
            return quiet

        assert run(scenario) is True

    def test_a_closed_tab_removes_its_cursor_for_the_peer(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            guest = await YClient(round_.pk, people[1]).open()
            await guest.announce(client_id=777, clock=3, state={"user": {"name": "grace"}})
            await host.pump_until(lambda: len(host.awareness) >= 1)
            await guest.close()
            await host.pump_until(lambda: b"null" in host.awareness[-1])
            left = any(m["type"] == "peer-left" for m in host.room_messages)
            await host.close()
            return host.awareness[-1], left

        removal, left = run(scenario)
        # client id 777, clock 4 (one past the last), state null
        assert removal.endswith(bytes([1, 0x89, 0x06, 4, 4]) + b"null")
        assert left is True

    def test_compaction_keeps_the_document_and_merges_rows(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            for ch in "compact me":
                await host.type_text(ch)
            await host.pump(0.2)
            await host.close()

        run(scenario)
        document = RoomDocument.objects.get(round=round_)
        # Closing the last socket compacts: ten keystrokes in one 10 s bucket or two.
        assert RoomUpdate.objects.filter(document=document).count() <= 2
        assert services.round_contents(round_).code == "compact me"


class TestLimits:
    def test_an_oversize_message_closes_the_socket_with_4413(self, people, settings):
        settings.ROOM_MAX_MESSAGE_BYTES = 4096
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            await host.pump(0.1)
            await host.type_text("x" * 5000)
            await host.pump_until(lambda: host.closed_with is not None)
            return host.closed_with

        assert run(scenario) == protocol.CLOSE_TOO_LARGE
        assert not RoomUpdate.objects.exists()

    def test_a_flood_closes_the_socket_with_4429(self, people, settings):
        settings.ROOM_FLOOD_MESSAGES_PER_SECOND = 20
        settings.ROOM_FLOOD_BURST = 40
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            for clock in range(200):
                await host.announce(client_id=5, clock=clock, state={"cursor": clock})
            await host.pump_until(lambda: host.closed_with is not None)
            return host.closed_with

        assert run(scenario) == protocol.CLOSE_FLOOD

    def test_bytes_that_are_not_the_protocol_close_the_socket(self, people):
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            await host.ws.send_to(bytes_data=bytes([0, 2, 5, 1, 2, 3, 4, 5]))
            await host.pump_until(lambda: host.closed_with is not None)
            return host.closed_with

        assert run(scenario) == protocol.CLOSE_BAD_MESSAGE
        assert not RoomUpdate.objects.exists()


class TestCancellation:
    def test_cancelling_closes_both_open_sockets(self, people):
        booking = booking_starting(people, minutes(10))
        round_ = booking.rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            guest = await YClient(round_.pk, people[1]).open()
            await database_sync_to_async(scheduling.cancel_booking)(
                booking=booking, by=people[1], reason="Something came up"
            )
            await host.pump_until(lambda: host.closed_with is not None)
            await guest.pump_until(lambda: guest.closed_with is not None)
            return host, guest

        host, guest = run(scenario)
        assert host.closed_with == guest.closed_with == protocol.CLOSE_CANCELLED
        assert any(m["type"] == "closed" for m in host.room_messages)


class TestDesignStarted:
    def test_the_candidates_first_element_records_the_clarifying_minutes(self, people):
        booking = booking_starting(people, -minutes(6))
        round_ = booking.rounds.get()

        async def scenario():
            interviewer = await YClient(round_.pk, people[0]).open()
            candidate = await YClient(round_.pk, people[1]).open()
            # The interviewer's own element (the pushed prompt) does not count.
            await interviewer.draw("prompt")
            await candidate.pump_until(lambda: len(candidate.doc["elements"]) == 1)
            await candidate.pump(0.2)
            assert not await database_sync_to_async(
                lambda: type(round_).objects.get(pk=round_.pk).design_started_at
            )()
            await candidate.draw("first-box", pos="a1")
            await interviewer.pump_until(
                lambda: any(m["type"] == "design-started" for m in interviewer.room_messages)
            )
            await interviewer.close()
            await candidate.close()

        run(scenario)
        round_.refresh_from_db()
        assert round_.design_started_at is not None
        assert 5.9 <= float(round_.clarifying_minutes) <= 6.5

    def test_a_coding_round_records_nothing(self, people):
        round_ = booking_starting(people, -minutes(6), interview_type="coding").rounds.get()

        async def scenario():
            candidate = await YClient(round_.pk, people[1]).open()
            await candidate.draw("box")
            await candidate.pump(0.3)
            await candidate.close()

        run(scenario)
        round_.refresh_from_db()
        assert round_.design_started_at is None


class TestIdleSockets:
    def test_an_idle_socket_outlives_the_redis_read_timeout(self, people):
        # redis-py reads time out after 5 s by default; a quiet room must stay open.
        round_ = booking_starting(people, -minutes(5)).rounds.get()

        async def scenario():
            host = await YClient(round_.pk, people[0]).open()
            guest = await YClient(round_.pk, people[1]).open()
            await host.pump(6.5)
            await guest.type_text("still here")
            await host.pump_until(lambda: host.text == "still here")
            await host.close()
            await guest.close()
            return host.closed_with

        assert run(scenario) is None
