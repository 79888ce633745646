"""`manage.py seed_scale --members N`: a large, realistic data set for load benchmarks.

Scaled by one number. Per member, on average: 10 slots over the 8 weeks before
and after today, 3 bookings (completed, no-show, cancelled, upcoming) with
their participants and rounds, about 2 submitted scorecards with a score per
rubric dimension, an interviewer rating for most graded rounds, half an order
of the playbook, and 50 reminder rows (1,000,000 at 20,000 members).

One persona, ``bench@scale.example`` (password ``SCALE_PASSWORD``), has the same
figures at every scale: 200 bookings in the calendar feed window (13 upcoming,
100 past, 87 cancelled) and 50 revealed scorecards about them.

Rows are loaded in bulk (PostgreSQL COPY through psycopg 3; multi-row INSERTs
elsewhere), so the database checks every constraint, including the exclusion
constraint on overlapping live bookings. The generator never produces such an
overlap: time is cut into 2-hour cells, each cell belongs to one of six
families, and within a family every member is in at most one live booking
(one random pairing of all members per family). Live bookings keep at least
26 hours away from the moment of seeding on both sides, so no reminder row
becomes due, and none is left overdue, while a benchmark runs after the load.

Every choice comes from one seeded random generator: the same --members and
--seed give the same rows relative to the moment of seeding (times in UTC).
"""

import json
import random
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Level, Profile, User
from payments.models import PLAYBOOK_SLUG, Order, Product
from sessions.grading.models import Dimension, InterviewerRating, Rubric, Score, Scorecard
from sessions.notifications.models import Reminder
from sessions.scheduling.models import (
    DEFAULT_MINUTES,
    Booking,
    BookingParticipant,
    HostRole,
    InterviewType,
    Question,
    Round,
    Slot,
)

EMAIL_DOMAIN = "scale.example"
PERSONA_EMAIL = f"bench@{EMAIL_DOMAIN}"
SCALE_PASSWORD = "scale-bench-password-2026"  # noqa: S105 (synthetic members of a bench database)

SLOTS_PER_MEMBER = 10
LIVE_FAMILIES = 5  # live bookings per member = LIVE_FAMILIES / 2 * 2 participants
CANCELLED_PER_MEMBER = 0.5
ORDERS_PER_MEMBER = 0.5
REMINDERS_PER_MEMBER = 50
WINDOW = timedelta(weeks=8)
CELL = timedelta(hours=2)
QUIET = timedelta(hours=26)
# No pending row falls due this soon after the load (the 24 h reminders keep 2 h away).
QUIET_DUE = timedelta(hours=2)
PAST_SHARE = 0.7

PERSONA_UPCOMING = 13
PERSONA_PAST = 100
PERSONA_CANCELLED = 87
PERSONA_SCORECARDS = 50

ZONES = [
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]
FIRST = [
    "Ada",
    "Ben",
    "Chioma",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Tanaka",
    "Novak",
    "Mehta",
    "Garcia",
    "Schmidt",
    "Osei",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Chen",
]
STRENGTHS = [
    "Pinned down scale and the read/write mix before drawing anything.",
    "Told the story in the first person and named the decision they drove.",
    "Anchored high with a reasoned number and held it calmly.",
    "Talked through trade-offs out loud and changed course when the data said so.",
]
IMPROVEMENTS = [
    "Agree on what done means before choosing a database.",
    "Say 'I' when describing your own part, not 'we'.",
    "Ask for the full offer in writing before answering.",
    "Leave five minutes to walk the interviewer through failure modes.",
    "Quantify the outcome: latency, revenue or hours saved.",
]
FOCUS = ["system_design", "behavioral", "coding", "compensation"]
TYPES = list(InterviewType.values)
LEVELS = list(Level.values)
# Every table the command writes (the playbook product is created, if missing, normally).
SEEDED = [
    User,
    Profile,
    EmailAddress,
    Slot,
    Booking,
    BookingParticipant,
    Round,
    Scorecard,
    Score,
    InterviewerRating,
    Order,
    Reminder,
]


@dataclass
class BookingRow:
    pk: int
    slot_id: int
    host: int
    guest: int
    interview_type: str
    host_role: str
    starts_at: datetime
    ends_at: datetime
    status: str
    created_at: datetime
    level: str
    rounds: list[tuple[int, int, int, int]] = field(default_factory=list)  # pk, n, iv, cand


class Loader:
    """Writes rows of one table at a time: COPY on PostgreSQL, INSERTs elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def defer_checks(self, seeded: list[type[models.Model]]) -> None:
        """PostgreSQL: set foreign keys and plain indexes of the loaded tables aside.

        As a restore does: COPY into the bare tables, then `restore_checks` adds
        every foreign key back, which validates all rows in one pass (instead of
        one deferred trigger per row at commit), and rebuilds the indexes. Unique,
        check and exclusion constraints stay in place and check each row as it
        arrives. All of it runs in the command's one transaction.
        """
        if not self.postgres:
            return
        tables = [m._meta.db_table for m in seeded]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            self.foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
            self.indexes = cursor.fetchall()
            quote = connection.ops.quote_name
            for table, name, _ in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")

    def restore_checks(self) -> None:
        if not self.postgres:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )

    def next_id(self, model: type[models.Model]) -> int:
        return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def load(self, model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> int:
        """COPY (or INSERT) `rows`, tuples in the order of the field `names`.

        A NOT NULL field left out of `names` gets the model's default (or "" for
        a text field without one) in every row, so a field added later needs no
        change here.
        """
        table = model._meta.db_table
        quote = connection.ops.quote_name
        table = quote(table)
        given = {model._meta.get_field(n).attname for n in names}
        filled = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in given
            and not f.null
            and not f.primary_key
            and (f.has_default() or f.empty_strings_allowed)
        ]
        if filled:
            names = [*names, *(f.name for f in filled)]
            rows = (tuple(row) + tuple(f.get_default() for f in filled) for row in rows)
        columns = [quote(model._meta.get_field(n).column) for n in names]
        count = 0
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(columns))
                # Table and column names come from the models, never from input.
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                batch: list[tuple] = []
                for row in rows:
                    batch.append(tuple(self._adapt(v) for v in row))
                    if len(batch) >= 2000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        self.seconds[table] = self.seconds.get(table, 0) + time.monotonic() - started
        return count

    @staticmethod
    def _adapt(value):
        if isinstance(value, datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, uuid.UUID):
            return value.hex
        return value


class Command(BaseCommand):
    help = "Load a large synthetic data set (members, slots, bookings, scorecards, reminders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="How many members (>= 20).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args, members: int, seed: int, **options) -> None:
        if members < 20:
            raise CommandError("--members must be at least 20 (the persona needs partners).")
        if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
            raise CommandError(
                f"This database already holds members @{EMAIL_DOMAIN}; seed an empty database."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.loader = Loader()
        phases = {}
        with transaction.atomic():
            self.loader.defer_checks(SEEDED)
            self._load(members)
            mark = time.monotonic()
            self.loader.restore_checks()
            self._reset_sequences()
            phases["keys and indexes"] = time.monotonic() - mark
            mark = time.monotonic()
        phases["commit"] = time.monotonic() - mark
        if connection.vendor == "postgresql":
            mark = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            phases["analyze"] = time.monotonic() - mark
        elapsed = time.monotonic() - started
        summary = ", ".join(
            f"{t} {n} ({self.loader.seconds[t]:.1f} s)" for t, n in self.loader.counts.items()
        )
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
        self.stdout.write(f"Seeded {members} members in {elapsed:.1f} s: {summary}; {steps}")

    # --- reference data -------------------------------------------------------------

    def _reference(self) -> None:
        self.rubrics = {r.interview_type: r for r in Rubric.objects.filter(active=True)}
        missing = set(TYPES) - set(self.rubrics)
        if missing:
            raise CommandError(f"No active rubric for {', '.join(sorted(missing))}: migrate first.")
        self.dimensions: dict[int, list[int]] = {}
        for dim in Dimension.objects.filter(rubric__in=self.rubrics.values()).order_by("order"):
            self.dimensions.setdefault(dim.rubric_id, []).append(dim.pk)
        self.questions: dict[str, list[int]] = {t: [] for t in TYPES}
        for pk, kind in Question.objects.filter(active=True).values_list("pk", "interview_type"):
            self.questions[kind].append(pk)
        product = Product.objects.active().first()
        if product is None:
            product = Product.objects.create(
                slug=PLAYBOOK_SLUG,
                title="The Senior Engineer Interview Playbook",
                price_cents=3700,
                currency="usd",
            )
        self.product = product

    # --- the load -------------------------------------------------------------------

    def _load(self, n: int) -> None:
        self._reference()
        load = self.loader
        user0 = load.next_id(User)
        self.users = list(range(user0, user0 + n))
        self.persona = self.users[0]
        self._members(n)
        self.bookings: list[BookingRow] = []
        self.slot_next = load.next_id(Slot)
        self.booking_next = load.next_id(Booking)
        self.round_next = load.next_id(Round)
        self._live_bookings()
        self._persona_bookings()
        self._cancelled_bookings(int(n * CANCELLED_PER_MEMBER))
        slots = self._slot_rows(n)
        load.load(
            Slot,
            [
                "id",
                "host",
                "starts_at",
                "ends_at",
                "interview_type",
                "host_role",
                "level",
                "note",
                "status",
                "created_at",
            ],
            slots,
        )
        self._booking_tables()
        graded = self._grading_tables()
        self._orders(n)
        self._reminders(n, graded)

    def _members(self, n: int) -> None:
        rng, now = self.rng, self.now
        password = make_password(SCALE_PASSWORD)
        emails = [PERSONA_EMAIL] + [f"member{i:05d}@{EMAIL_DOMAIN}" for i in range(1, n)]
        self.emails = emails
        joined = [now - timedelta(days=rng.randint(60, 900)) for _ in range(n)]
        self.loader.load(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
                "email",
            ],
            (
                (pk, password, False, False, True, joined[i], emails[i])
                for i, pk in enumerate(self.users)
            ),
        )
        self.loader.load(
            EmailAddress,
            ["user", "email", "verified", "primary"],
            ((pk, emails[i], True, True) for i, pk in enumerate(self.users)),
        )
        profile0 = self.loader.next_id(Profile)
        self.zones = {}

        def profiles() -> Iterator[tuple]:
            for i, pk in enumerate(self.users):
                zone = "Europe/Berlin" if i == 0 else rng.choice(ZONES)
                self.zones[pk] = zone
                name = "Bench Persona" if i == 0 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                current = rng.choice(LEVELS[:3])
                focus = rng.sample(FOCUS, rng.randint(1, 3))
                yield (
                    profile0 + i,
                    pk,
                    name,
                    zone,
                    current,
                    LEVELS[min(LEVELS.index(current) + 1, 3)],
                    rng.randint(4, 22),
                    json.dumps(focus),
                    "",
                    0,
                    0,
                    0,
                    None,
                    f"scale{rng.getrandbits(128):032x}",
                    True,
                    True,
                    True,
                    joined[i],
                )

        self.loader.load(
            Profile,
            [
                "id",
                "user",
                "display_name",
                "timezone",
                "current_level",
                "target_level",
                "years_of_experience",
                "focus_areas",
                "bio",
                "completed_sessions",
                "late_cancellations",
                "no_shows",
                "booking_suspended_until",
                "calendar_token",
                "email_reminder_24h",
                "email_reminder_1h",
                "email_feedback",
                "onboarded_at",
            ],
            profiles(),
        )

    # --- bookings ---------------------------------------------------------------------

    def _cells(self, family: int) -> tuple[list[datetime], list[datetime]]:
        start = (self.now - WINDOW).replace(hour=0)
        past, future = [], []
        for c in range(int(2 * WINDOW / CELL)):
            if c % (LIVE_FAMILIES + 1) != family:
                continue
            at = start + c * CELL
            if at + CELL <= self.now - QUIET:
                past.append(at)
            elif at >= self.now + QUIET:
                future.append(at)
        return past, future

    def _new_booking(
        self,
        host: int,
        guest: int,
        cell: datetime | None,
        *,
        cancelled: bool = False,
        host_role: str | None = None,
        at: datetime | None = None,
    ) -> BookingRow:
        rng = self.rng
        kind = rng.choice(TYPES)
        role = (
            host_role
            or rng.choices([HostRole.INTERVIEWER, HostRole.CANDIDATE, HostRole.SWAP], [4, 2, 4])[0]
        )
        length = timedelta(minutes=DEFAULT_MINUTES[kind] * (2 if role == HostRole.SWAP else 1))
        if cell is not None:
            steps = int((CELL - length) / timedelta(minutes=15))
            starts = cell + timedelta(minutes=15 * rng.randint(0, steps))
        else:
            starts = at
        ends = starts + length
        if cancelled:
            status = Booking.Status.CANCELLED
        elif ends <= self.now:
            status = Booking.Status.NO_SHOW if rng.random() < 0.06 else Booking.Status.COMPLETED
        else:
            status = Booking.Status.CONFIRMED
        created = min(starts - timedelta(days=rng.randint(1, 14)), self.now - timedelta(days=1))
        row = BookingRow(
            pk=self.booking_next,
            slot_id=self.slot_next,
            host=host,
            guest=guest,
            interview_type=kind,
            host_role=role,
            starts_at=starts,
            ends_at=ends,
            status=status,
            created_at=created,
            level=rng.choice(LEVELS[1:3]),
        )
        self.booking_next += 1
        self.slot_next += 1
        if role == HostRole.CANDIDATE:
            pairs = [(guest, host)]
        elif role == HostRole.SWAP:
            pairs = [(host, guest), (guest, host)]
        else:
            pairs = [(host, guest)]
        for number, (interviewer, candidate) in enumerate(pairs, start=1):
            row.rounds.append((self.round_next, number, interviewer, candidate))
            self.round_next += 1
        self.bookings.append(row)
        return row

    def _pick_cell(self, past: list[datetime], future: list[datetime]) -> datetime:
        pool = past if (self.rng.random() < PAST_SHARE or not future) else future
        return self.rng.choice(pool)

    def _live_bookings(self) -> None:
        others = self.users[1:]
        for family in range(LIVE_FAMILIES):
            past, future = self._cells(family)
            order = others[:]
            self.rng.shuffle(order)
            for i in range(0, len(order) - 1, 2):
                self._new_booking(order[i], order[i + 1], self._pick_cell(past, future))

    def _persona_bookings(self) -> None:
        rng, persona, others = self.rng, self.persona, self.users[1:]
        past, future = self._cells(LIVE_FAMILIES)
        cells = [(c, False) for c in rng.sample(past, PERSONA_PAST)]
        cells += [(c, False) for c in rng.sample(future, PERSONA_UPCOMING)]
        self.persona_candidate_rounds: list[int] = []
        for cell, _ in cells:
            partner = rng.choice(others)
            pick = rng.random()
            if pick < 0.7:  # the persona is interviewed by the host
                row = self._new_booking(partner, persona, cell, host_role=HostRole.INTERVIEWER)
            elif pick < 0.9:
                row = self._new_booking(partner, persona, cell, host_role=HostRole.SWAP)
            else:
                row = self._new_booking(persona, partner, cell, host_role=HostRole.INTERVIEWER)
            if row.status == Booking.Status.NO_SHOW:
                row.status = Booking.Status.COMPLETED
        start = self.now - WINDOW + timedelta(days=2)
        for _ in range(PERSONA_CANCELLED):
            at = start + timedelta(
                minutes=15 * rng.randint(0, int(2 * WINDOW / timedelta(minutes=15)) - 400)
            )
            self._new_booking(rng.choice(others), persona, None, cancelled=True, at=at)

    def _cancelled_bookings(self, count: int) -> None:
        rng, others = self.rng, self.users[1:]
        start = self.now - WINDOW
        quarter_hours = int(2 * WINDOW / timedelta(minutes=15)) - 16
        for _ in range(count):
            host, guest = rng.sample(others, 2)
            at = start + timedelta(minutes=15 * rng.randint(0, quarter_hours))
            self._new_booking(host, guest, None, cancelled=True, at=at)

    def _slot_rows(self, n: int) -> Iterator[tuple]:
        rng, now = self.rng, self.now
        for b in self.bookings:
            status = (
                Slot.Status.WITHDRAWN
                if b.status == Booking.Status.CANCELLED
                else Slot.Status.BOOKED
            )
            yield (
                b.slot_id,
                b.host,
                b.starts_at,
                b.ends_at,
                b.interview_type,
                b.host_role,
                b.level,
                "",
                status,
                b.created_at - timedelta(days=1),
            )
        extra = max(SLOTS_PER_MEMBER * n - len(self.bookings), 0)
        quarter_hours = int(WINDOW / timedelta(minutes=15))
        notes = ["", "", "Happy to go deep on storage.", "Bring a real offer sheet.", ""]
        for i in range(extra):
            kind = rng.choice(TYPES)
            role = rng.choice(HostRole.values)
            length = timedelta(minutes=DEFAULT_MINUTES[kind] * (2 if role == HostRole.SWAP else 1))
            offset = timedelta(minutes=15 * rng.randint(1, quarter_hours))
            starts = now - offset if i % 10 < 4 else now + offset
            yield (
                self.slot_next + i,
                rng.choice(self.users),
                starts,
                starts + length,
                kind,
                role,
                rng.choice(LEVELS),
                rng.choice(notes),
                Slot.Status.OPEN if rng.random() < 0.93 else Slot.Status.WITHDRAWN,
                min(starts, now) - timedelta(days=rng.randint(1, 10)),
            )

    def _booking_tables(self) -> None:
        rng, load = self.rng, self.loader
        base = settings.MEETING_BASE_URL
        load.load(
            Booking,
            [
                "id",
                "slot",
                "host",
                "guest",
                "interview_type",
                "host_role",
                "starts_at",
                "ends_at",
                "status",
                "meeting_url",
                "calendar_uid",
                "calendar_sequence",
                "created_at",
                "cancelled_by",
                "cancellation_reason",
                "cancelled_at",
                "late_cancellation",
            ],
            (
                (
                    b.pk,
                    b.slot_id,
                    b.host,
                    b.guest,
                    b.interview_type,
                    b.host_role,
                    b.starts_at,
                    b.ends_at,
                    b.status,
                    f"{base}interviewprep-scale-{b.pk}",
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    1 if b.status == Booking.Status.CANCELLED else 0,
                    b.created_at,
                    b.guest if b.status == Booking.Status.CANCELLED else None,
                    "Something came up at work." if b.status == Booking.Status.CANCELLED else "",
                    b.created_at + timedelta(hours=6)
                    if b.status == Booking.Status.CANCELLED
                    else None,
                    False,
                )
                for b in self.bookings
            ),
        )
        load.load(
            BookingParticipant,
            ["booking", "user", "starts_at", "ends_at", "live"],
            (
                (b.pk, person, b.starts_at, b.ends_at, b.status != Booking.Status.CANCELLED)
                for b in self.bookings
                for person in (b.host, b.guest)
            ),
        )

        def rounds() -> Iterator[tuple]:
            for b in self.bookings:
                questions = self.questions[b.interview_type] or [None]
                for pk, number, interviewer, candidate in b.rounds:
                    minutes = None
                    if (
                        b.interview_type == InterviewType.SYSTEM_DESIGN
                        and b.status == Booking.Status.COMPLETED
                        and rng.random() < 0.7
                    ):
                        minutes = f"{rng.uniform(2, 12):.1f}"
                    yield (
                        pk,
                        b.pk,
                        number,
                        interviewer,
                        candidate,
                        rng.choice(questions),
                        "",
                        minutes,
                    )

        load.load(
            Round,
            [
                "id",
                "booking",
                "number",
                "interviewer",
                "candidate",
                "question",
                "notes",
                "clarifying_minutes",
            ],
            rounds(),
        )

    # --- grading ----------------------------------------------------------------------

    def _round_end(self, b: BookingRow, number: int) -> datetime:
        if b.host_role == HostRole.SWAP and number == 1:
            return b.starts_at + (b.ends_at - b.starts_at) / 2
        return b.ends_at

    def _grading_tables(self) -> set[int]:
        """Scorecards, scores and ratings; returns the pks of rounds with a submitted card."""
        rng, load, now, persona = self.rng, self.loader, self.now, self.persona
        cards: list[tuple] = []
        scores: list[tuple] = []
        ratings: list[tuple] = []
        graded: set[int] = set()
        card_id = load.next_id(Scorecard)
        persona_cards = 0
        # The persona's oldest candidate rounds first, so theirs are all past the reveal deadline.
        for b in sorted(self.bookings, key=lambda b: b.starts_at):
            if b.status != Booking.Status.COMPLETED:
                continue
            rubric = self.rubrics[b.interview_type]
            for round_pk, number, interviewer, candidate in b.rounds:
                if candidate == persona:
                    if persona_cards >= PERSONA_SCORECARDS:
                        continue
                    persona_cards += 1
                elif rng.random() > 0.92:
                    continue
                ended = self._round_end(b, number)
                submitted = min(ended + timedelta(hours=rng.randint(1, 40)), now)
                improvements = rng.sample(IMPROVEMENTS, 3)
                cards.append(
                    (
                        card_id,
                        round_pk,
                        b.pk,
                        interviewer,
                        candidate,
                        rubric.pk,
                        b.interview_type,
                        Scorecard.Status.SUBMITTED,
                        rng.choice(["strong_no", "no", "yes", "yes", "strong_yes"]),
                        rng.choice(["below_senior", "senior", "senior", "staff"]),
                        rng.choice(STRENGTHS),
                        improvements[0],
                        improvements[1],
                        improvements[2],
                        "",
                        None,
                        ended,
                        ended,
                        submitted,
                        submitted,
                    )
                )
                for dim in self.dimensions.get(rubric.pk, []):
                    scores.append((card_id, dim, rng.choice([1, 2, 2, 3, 3, 3, 4]), "Observed."))
                if rng.random() < 0.6:
                    ratings.append(
                        (
                            round_pk,
                            candidate,
                            interviewer,
                            rng.randint(3, 5),
                            rng.randint(2, 5),
                            "",
                            submitted,
                        )
                    )
                graded.add(round_pk)
                card_id += 1
        load.load(
            Scorecard,
            [
                "id",
                "round",
                "booking",
                "grader",
                "candidate",
                "rubric",
                "interview_type",
                "status",
                "recommendation",
                "level_calibration",
                "strengths",
                "improvement_1",
                "improvement_2",
                "improvement_3",
                "notes",
                "clarifying_minutes",
                "session_ended_at",
                "created_at",
                "updated_at",
                "submitted_at",
            ],
            cards,
        )
        load.load(Score, ["scorecard", "dimension", "value", "evidence"], scores)
        load.load(
            InterviewerRating,
            [
                "round",
                "rater",
                "interviewer",
                "helpfulness",
                "preparation",
                "comment",
                "created_at",
            ],
            ratings,
        )
        return graded

    # --- orders and reminders ------------------------------------------------------------

    def _orders(self, n: int) -> None:
        rng, now, product = self.rng, self.now, self.product
        buyers = [self.persona] + rng.sample(self.users[1:], max(int(n * ORDERS_PER_MEMBER) - 1, 0))

        def rows() -> Iterator[tuple]:
            for i, user in enumerate(buyers):
                created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 120))
                status = (
                    "paid"
                    if i == 0
                    else rng.choices(["paid", "refunded", "failed", "pending"], [85, 5, 5, 5])[0]
                )
                done = created + timedelta(minutes=2)
                yield (
                    user,
                    product.pk,
                    status,
                    product.price_cents,
                    product.currency,
                    f"cs_test_scale_{i:06d}",
                    f"pi_scale_{i:06d}" if status in ("paid", "refunded") else "",
                    False,
                    created,
                    done if status in ("paid", "refunded") else None,
                    done + timedelta(days=3) if status == "refunded" else None,
                    done if status == "failed" else None,
                    done if status in ("paid", "refunded") else None,
                    False,
                    "",
                )

        self.loader.load(
            Order,
            [
                "user",
                "product",
                "status",
                "amount_cents",
                "currency",
                "stripe_checkout_session_id",
                "stripe_payment_intent_id",
                "complimentary",
                "created_at",
                "fulfilled_at",
                "refunded_at",
                "closed_at",
                "receipt_sent_at",
                "needs_attention",
                "attention_note",
            ],
            rows(),
        )

    def _reminders(self, n: int, graded: set[int]) -> None:
        rng, now = self.rng, self.now
        K = Reminder.Kind
        natural = sum(
            2 + (2 if b.status == Booking.Status.CANCELLED else 4) + 2 * len(b.rounds) + 1
            for b in self.bookings
        )
        extra_total = max(REMINDERS_PER_MEMBER * n - natural, 0)
        per_booking, remainder = divmod(extra_total, len(self.bookings))

        def row(b: BookingRow, recipient: int, kind: str, due: datetime, state: str | None = None):
            if state is None and now < due <= now + QUIET_DUE:
                # Feedback due within the quiet hours (the reveal deadline of a session
                # that ended three days ago) went out early: both scorecards came in.
                due = now - timedelta(hours=1)
            if state is None:
                if due > now:
                    state = "cancelled" if b.status == Booking.Status.CANCELLED else "pending"
                else:
                    state = rng.choices(["sent", "cancelled", "dropped"], [88, 9, 3])[0]
            sent = due + timedelta(seconds=rng.randint(1, 50)) if state == "sent" else None
            return (
                b.pk,
                recipient,
                kind,
                due,
                state,
                None,
                sent,
                1 if sent else 0,
                "",
                min(b.created_at, due),
            )

        def rows() -> Iterator[tuple]:
            for index, b in enumerate(self.bookings):
                people = (b.host, b.guest)
                cancelled = b.status == Booking.Status.CANCELLED
                for person in people:
                    yield row(b, person, K.CONFIRMATION, b.created_at, "sent")
                if cancelled:
                    cancelled_at = b.created_at + timedelta(hours=6)
                    for person in people:
                        yield row(b, person, K.CANCELLATION, cancelled_at, "sent")
                else:
                    for kind, offset in ((K.REMINDER_24H, 24), (K.REMINDER_1H, 1)):
                        due = b.starts_at - timedelta(hours=offset)
                        for person in people:
                            yield row(b, person, kind, due)
                for round_pk, number, interviewer, _candidate in b.rounds:
                    ends = self._round_end(b, number)
                    done = "cancelled" if (cancelled or round_pk in graded) else None
                    yield row(b, interviewer, K.FEEDBACK_REQUEST, ends, done)
                    yield row(b, interviewer, K.FEEDBACK_NUDGE, ends + timedelta(hours=24), done)
                candidate = b.rounds[0][3]
                yield row(
                    b,
                    candidate,
                    K.FEEDBACK_READY,
                    b.ends_at + timedelta(hours=72),
                    "cancelled" if cancelled else None,
                )
                # Earlier notices about the booking (moves proposed, accepted, declined):
                # always sent already, before the booking's current time was set.
                for j in range(per_booking + (1 if index < remainder else 0)):
                    kind = (K.RESCHEDULE_PROPOSED, K.RESCHEDULED, K.RESCHEDULE_DECLINED)[j % 3]
                    due = min(b.created_at + timedelta(hours=j + 1), now - timedelta(hours=1))
                    yield row(b, people[j % 2], kind, due, "sent")

        self.loader.load(
            Reminder,
            [
                "booking",
                "recipient",
                "kind",
                "due_at",
                "status",
                "claimed_until",
                "sent_at",
                "attempts",
                "last_error",
                "created_at",
            ],
            rows(),
        )

    def _reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), SEEDED):
                cursor.execute(sql)
