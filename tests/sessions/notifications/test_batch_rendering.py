"""A batch sends each row the very email the row gets on its own, in a fixed number of reads."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Clock
from sessions.models import NoShowReport, Reminder
from sessions.notifications import emails
from sessions.notifications import services as notifications
from tests.factories import UserFactory, make_booking

pytestmark = pytest.mark.django_db
Kind, Status = Reminder.Kind, Reminder.Status
NOW = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)


def person(email: str, zone: str, clock: str):
    user = UserFactory(email=email, tz=zone)
    user.profile.clock = clock
    user.profile.save(update_fields=["clock"])
    return user


def due_rows(bookings, kinds=(Kind.REMINDER_24H,)) -> list[Reminder]:
    return Reminder.objects.bulk_create(
        Reminder(booking=booking, recipient=someone, kind=kind, due_at=NOW - timedelta(minutes=1))
        for booking in bookings
        for someone in (booking.host, booking.guest)
        for kind in kinds
    )


def parts(message) -> tuple:
    """Everything an email carries but its random MIME boundaries."""
    return (
        message.subject,
        message.body,
        message.alternatives,
        message.to,
        message.from_email,
        message.extra_headers,
        [part.as_string() for part in message.attachments],
    )


def deliver_one_batch() -> int:
    ids, lease = notifications.claim_batch(now=NOW)
    return notifications.deliver_batch(ids=ids, lease=lease, now=NOW)


def test_each_email_of_a_batch_is_the_one_its_row_gets_alone():
    ada = person("ada@example.com", "Europe/Berlin", Clock.H24)
    ben = person("ben@example.com", "America/Los_Angeles", Clock.H12)
    cy = person("cy@example.com", "Asia/Kolkata", Clock.H12)
    start = datetime(2026, 6, 4, 7, 0, tzinfo=UTC)
    bookings = [
        make_booking(host=ada, guest=ben, starts_at=start),
        make_booking(host=ben, guest=cy, starts_at=start + timedelta(hours=3), host_role="swap"),
        make_booking(
            host=cy, guest=ada, starts_at=start + timedelta(hours=6), host_role="candidate"
        ),
    ]
    rows = due_rows(bookings, kinds=(Kind.REMINDER_24H, Kind.CONFIRMATION))
    with time_machine.travel(NOW, tick=False):
        alone = {
            row.pk: parts(emails.build_message(Reminder.objects.get(pk=row.pk), now=NOW))
            for row in rows
        }
        mail.outbox = []
        assert deliver_one_batch() == len(rows)
    in_batch = {
        int(m.extra_headers["Message-ID"].split(".")[2].split("@")[0]): parts(m)
        for m in mail.outbox
    }
    assert in_batch == alone
    # Both clocks and three zones are in there.
    bodies = " ".join(body for _, body, *_ in in_batch.values())
    assert "AM" in bodies and "America/Los_Angeles" in bodies and "Asia/Kolkata" in bodies


def statements_for_a_batch_of(count: int) -> tuple[int, int]:
    """(other statements, marks) of one batch of `count` bookings' day-before reminders."""
    start = datetime(2026, 6, 4, 7, 0, tzinfo=UTC) + timedelta(days=count)
    host = UserFactory()
    roles = ["interviewer", "swap", "candidate"]
    bookings = [
        make_booking(host=host, starts_at=start + timedelta(hours=2 * i), host_role=roles[i % 3])
        for i in range(count)
    ]
    due_rows(bookings)
    ids, lease = notifications.claim_batch(now=NOW)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        assert notifications.deliver_batch(ids=ids, lease=lease, now=NOW) == 2 * count
    marks = [q for q in queries if q["sql"].startswith("UPDATE") and '"sent_at" =' in q["sql"]]
    return len(queries) - len(marks), len(marks)


def test_a_batch_reads_the_same_number_of_times_however_many_rows_it_holds():
    few = statements_for_a_batch_of(2)
    many = statements_for_a_batch_of(9)
    # One mark for each sent row, committed as it goes; everything else is per batch.
    assert few[1] == 4 and many[1] == 18
    assert many[0] == few[0]


def test_after_a_batch_its_connection_waits_for_the_disk_again():
    due_rows([make_booking(starts_at=NOW + timedelta(days=1))])
    with time_machine.travel(NOW, tick=False):
        assert deliver_one_batch() == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_a_batch_of_every_kind_and_a_recipient_outside_the_booking_sends_the_lone_emails():
    ada = person("ada@example.com", "Europe/Berlin", Clock.H24)
    ben = person("ben@example.com", "America/Los_Angeles", Clock.H12)
    outsider = person("olu@example.com", "Asia/Kolkata", Clock.H12)
    booking = make_booking(host=ada, guest=ben, starts_at=datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    later = make_booking(host=ben, guest=ada, starts_at=NOW + timedelta(hours=20))
    kinds = [Kind.CONFIRMATION, Kind.REMINDER_1H, Kind.FEEDBACK_REQUEST, Kind.NO_SHOW_REPORTED]
    missed = make_booking(host=ben, guest=ada, starts_at=datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    NoShowReport.objects.create(
        booking=missed, reporter=ben, accused=ada, dispute_until=NOW + timedelta(days=2)
    )
    rows = due_rows([later], kinds=kinds[:2]) + due_rows([booking], kinds=[Kind.FEEDBACK_REQUEST])
    rows += due_rows([missed], kinds=[Kind.NO_SHOW_REPORTED])
    rows += Reminder.objects.bulk_create(
        [
            Reminder(booking=later, recipient=outsider, kind=k, due_at=NOW - timedelta(minutes=1))
            for k in (Kind.CONFIRMATION, Kind.REMINDER_24H)
        ]
    )
    with time_machine.travel(NOW, tick=False):
        alone = {}
        for row in rows:
            row = Reminder.objects.get(pk=row.pk)
            if notifications.reason_not_to_send(row, NOW) is None:
                alone[row.pk] = parts(emails.build_message(row, now=NOW))
        mail.outbox = []
        assert deliver_one_batch() == len(alone)
    in_batch = {
        int(m.extra_headers["Message-ID"].split(".")[2].split("@")[0]): parts(m)
        for m in mail.outbox
    }
    assert in_batch == alone
    assert {row.pk for row in rows[-2:]} <= set(in_batch)
    sent_kinds = set(Reminder.objects.filter(pk__in=in_batch).values_list("kind", flat=True))
    assert sent_kinds == {*kinds, Kind.REMINDER_24H}
    assert any("PM" in parts_[1] or "AM" in parts_[1] for parts_ in in_batch.values())


class StoppedMidSend(BaseEmailBackend):
    """An email backend whose worker is told to stop while handing over the second email."""

    handed_over = 0

    def send_messages(self, messages):
        StoppedMidSend.handed_over += 1
        if StoppedMidSend.handed_over == 2:
            raise SystemExit("worker stopping")
        return len(messages)


def test_a_batch_stopped_mid_loop_leaves_its_connection_waiting_for_the_disk(settings):
    settings.EMAIL_BACKEND = f"{__name__}.StoppedMidSend"
    StoppedMidSend.handed_over = 0
    due_rows([make_booking(starts_at=NOW + timedelta(days=1))])
    with time_machine.travel(NOW, tick=False), pytest.raises(SystemExit):
        deliver_one_batch()
    assert Reminder.objects.filter(status=Status.SENT).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_a_sent_mark_on_sqlite_stores_its_time_as_the_orm_does(monkeypatch):
    # `make run` keeps the embedded SQLite default: a mark written as SQL must
    # store sent_at as the ORM does (naive UTC text), not with an offset.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    sqlite = DatabaseWrapper({**connection.settings_dict, "NAME": ":memory:"}, alias="sqlite")
    sqlite.settings_dict.update(ENGINE="django.db.backends.sqlite3", OPTIONS={})
    with sqlite.schema_editor(atomic=False) as editor:
        editor.create_model(Reminder)
    table = Reminder._meta.db_table
    with sqlite.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        cursor.execute(
            f"INSERT INTO {table} (id, booking_id, recipient_id, kind, status, due_at, attempts,"  # noqa: S608
            " last_error, created_at) VALUES (1, 1, 1, 'confirmation', 'sending', %s, 1, '', %s)",
            [sqlite.ops.adapt_datetimefield_value(NOW)] * 2,
        )
    monkeypatch.setattr(notifications, "connection", sqlite)
    reminder = Reminder(pk=1, attempts=1)
    sent_at = NOW + timedelta(seconds=5, microseconds=7)
    assert notifications._mark_sent(reminder, sent_at=sent_at)
    with sqlite.cursor() as cursor:
        cursor.execute(f"SELECT CAST(sent_at AS TEXT), status FROM {table}")  # noqa: S608
        assert cursor.fetchone() == (sqlite.ops.adapt_datetimefield_value(sent_at), "sent")
    sqlite.close()
