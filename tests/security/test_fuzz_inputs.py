"""Hypothesis against every form and JSON endpoint: never a 5xx, never a partial write.

Each example posts generated input (NUL bytes, megabyte strings, dates in year
9999, numbers where text goes, JSON of every shape) as the person allowed to
use the endpoint, inside a transaction that is rolled back afterwards. It
checks that:
- the answer is never a 5xx (the test client re-raises any exception a view
  lets escape, so a crash fails the example too);
- a refusal (4xx) changes no row;
- whatever was written is whole: no NUL byte, no text beyond its field's limit.

FUZZ_EXAMPLES (environment) sets the examples per endpoint; CASES counts them.
"""

import json
import os
import string
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.security.world import World, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CASES: Counter = Counter()

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Values that broke forms like these before: NUL, huge text, far dates, odd numbers.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "23:59",
    "24:00",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u0000\ud7ff",
    "x" * 5_000,
    "y" * 70_000,
    "system_design",
    "swap",
    "senior",
    "submit",
    "Europe/Berlin",
]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=string.printable + "\x00", max_size=50),
    st.integers().map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
)
form_value = st.one_of(text_values, st.lists(text_values, max_size=4))
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        text_values,
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


def form_data(fields: list[str]):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, form_value))


def json_body(fields: list[str]):
    keyed = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, json_value))
    return st.one_of(keyed, json_value)


# --- What a whole write looks like -------------------------------------------


def _models():
    labels = ("accounts", "account", "interviews", "payments")
    return [m for m in apps.get_models() if m._meta.app_label in labels]


def snapshot() -> dict[str, str]:
    """A fingerprint of every table of ours, in one query (PostgreSQL md5 of the rows)."""
    tables = [m._meta.db_table for m in _models()]
    columns = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "  # noqa: S608
        f'FROM "{table}" t)'
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip([m._meta.label for m in _models()], cursor.fetchone(), strict=True))


def assert_whole(before: dict[str, str], after: dict[str, str], where: str) -> None:
    for model in _models():
        label = model._meta.label
        if before[label] == after[label]:
            continue
        limits = {
            f.attname: f.max_length
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.max_length
        }
        for obj in model._default_manager.all():
            for field, limit in limits.items():
                value = getattr(obj, field)
                assert len(value or "") <= limit, f"{where}: {label}.{field} holds {len(value)}"
            for f in model._meta.concrete_fields:
                value = getattr(obj, f.attname)
                if isinstance(value, str):
                    assert "\x00" not in value, f"{where}: NUL stored in {label}.{f.attname}"


class _Rollback(Exception):
    pass


def attempt(name: str, send: Callable[[], object]) -> None:
    """Send one request inside a transaction that is always rolled back."""
    CASES[name] += 1
    try:
        with transaction.atomic():
            before = snapshot()
            response = send()
            status = response.status_code
            assert status < 500, f"{name}: {status}"
            after = snapshot()
            if status >= 400:
                changed = {k for k in before if before[k] != after[k]}
                # A refused request may still record the attempt (rate limits live in Redis).
                assert not changed, f"{name}: refused with {status} but changed {changed}"
            else:
                assert_whole(before, after, name)
            raise _Rollback
    except _Rollback:
        pass


@pytest.fixture
def world(db, settings) -> World:
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzz"
    return build_world()


def _as(user, *, reauthenticated: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if reauthenticated:
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


# --- Accounts ----------------------------------------------------------------------


PROFILE_FIELDS = [
    "profile-display_name",
    "profile-timezone",
    "profile-current_level",
    "profile-target_level",
    "profile-years_of_experience",
    "profile-focus_areas",
    "profile-bio",
    "profile-clock",
    "profile-share_email_with_peers",
]

WELCOME_FIELDS = [
    "welcome-current_level",
    "welcome-target_level",
    "welcome-focus_areas",
    "welcome-timezone",
    "welcome-clock",
    "next",
]


@FUZZ
@given(data=form_data(PROFILE_FIELDS))
def test_profile_form(world, data):
    client = _as(world.host)
    attempt("profile", lambda: client.post("/profile/", data))


@FUZZ
@given(data=form_data(WELCOME_FIELDS))
def test_welcome_form(world, data):
    client = _as(world.host)
    attempt("welcome", lambda: client.post("/welcome/", data))


@FUZZ
@given(
    data=form_data(["prefs-email_reminder_24h", "prefs-email_reminder_1h", "prefs-email_feedback"])
)
def test_email_preferences_form(world, data):
    client = _as(world.host)
    attempt("email preferences", lambda: client.post("/profile/emails/", data))


@FUZZ
@given(data=form_data(["confirmation"]))
def test_delete_account_form(world, data):
    client = _as(world.host, reauthenticated=True)
    attempt("delete account", lambda: client.post("/profile/delete/", data))


@FUZZ
@given(
    path=st.sampled_from(["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    data=form_data(["login", "email", "password", "password1", "password2", "remember"]),
)
def test_sign_in_forms(world, path, data):
    attempt(f"allauth {path}", lambda: Client().post(path, data))


@FUZZ
@given(
    path=st.sampled_from(
        ["/accounts/password/change/", "/accounts/email/", "/accounts/reauthenticate/"]
    ),
    data=form_data(["oldpassword", "password", "password1", "password2", "email", "action_add"]),
)
def test_account_settings_forms(world, path, data):
    client = _as(world.guest)
    attempt(f"allauth {path}", lambda: client.post(path, data))


# --- Scheduling ----------------------------------------------------------------------


@FUZZ
@example(query={"date_to": "9999-12-31"})
@example(query={"date_from": "9999-12-31", "date_to": "9999-12-31", "times_of_day": ["morning"]})
@example(query={"date_from": "0001-01-01"})
@given(
    query=form_data(
        ["interview_type", "level", "viewer_role", "date_from", "date_to", "times_of_day", "page"]
    )
)
def test_find_filters(world, query):
    client = _as(world.guest)
    attempt("find", lambda: client.get("/interviews/find/", query))


PUBLISHABLE = {
    "day": (date.today() + timedelta(days=9)).isoformat(),
    "start_time": "10:00",
    "interview_type": "behavioral",
    "host_role": "interviewer",
    "level": "senior",
}
PUBLISH_FIELDS = [
    "day",
    "start_time",
    "interview_type",
    "minutes",
    "host_role",
    "level",
    "note",
]


@FUZZ
@example(
    data={
        "day": "9999-12-31",
        "start_time": "10:00",
        "interview_type": "system_design",
        "host_role": "interviewer",
        "level": "senior",
    }
)
@example(data={**PUBLISHABLE, "note": "practise \x00 payments"})
@given(data=form_data(PUBLISH_FIELDS))
def test_publish_form(world, data):
    client = _as(world.host)
    attempt("publish", lambda: client.post("/interviews/publish/", data))


AVAILABLE = {
    "tuesday": "18:00-20:00",
    "interview_type": "coding",
    "minutes": "60",
    "host_role": "interviewer",
    "level": "senior",
    "buffer_before": "0",
    "buffer_after": "15",
    "min_notice_hours": "12",
    "horizon_weeks": "4",
}
AVAILABILITY_FIELDS = [
    *["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "overrides",
    "interview_type",
    "minutes",
    "host_role",
    "level",
    "note",
    "question",
    "topic",
    "buffer_before",
    "buffer_after",
    "min_notice_hours",
    "daily_cap",
    "horizon_weeks",
]


@FUZZ
@example(data=AVAILABLE)
# Each of these passes the form and is refused by the service: nothing may be written.
@example(data={**AVAILABLE, "tuesday": "09:00-12:00, 11:00-13:00"})
@example(data={**AVAILABLE, "overrides": "9999-12-31 off"})
@example(data={**AVAILABLE, "overrides": "2026-02-30 off"})
@example(data={**AVAILABLE, "tuesday": "", "overrides": ""})
@example(data={**AVAILABLE, "note": "pay\x00ments", "tuesday": "25:00-26:00"})
@example(data={**AVAILABLE, "overrides": "\n".join(["2027-01-05 off"] * 61)})
@example(data={**AVAILABLE, "topic": "t" * 5000, "daily_cap": "0"})
@given(data=form_data(AVAILABILITY_FIELDS))
def test_availability_form(world, data):
    client = _as(world.stranger)  # someone without a schedule: a refusal must create none
    attempt("availability", lambda: client.post("/interviews/availability/", data))
    client = _as(world.host)  # the owner editing theirs
    attempt("availability (edit)", lambda: client.post("/interviews/availability/", data))


@FUZZ
@given(confirm=form_value)
def test_withdraw_and_restore_posts(world, confirm):
    client = _as(world.host)
    for url in (
        "/interviews/availability/withdraw/",
        "/interviews/availability/restore/",
        f"/interviews/slots/{world.withdrawn_slot.pk}/restore/",
        f"/interviews/slots/{world.open_slot.pk}/withdraw/",
    ):
        attempt("withdraw and restore", lambda url=url: client.post(url, {"confirm": confirm}))


@FUZZ
@given(data=form_data(["reason"]))
def test_cancel_form(world, data):
    client = _as(world.guest)
    attempt("cancel", lambda: client.post(f"/interviews/{world.upcoming.pk}/cancel/", data))


@FUZZ
@given(data=form_data(["day", "start_time", "message"]))
def test_reschedule_form(world, data):
    client = _as(world.guest)
    attempt("reschedule", lambda: client.post(f"/interviews/{world.upcoming.pk}/reschedule/", data))


@FUZZ
@example(data={"notes": "clarified \x00 first"})
@example(data={"notes": "n" * 100_001})
@given(data=form_data(["notes"]))
def test_room_notes_form(world, data):
    client = _as(world.host)
    url = f"/interviews/rounds/{world.upcoming_round.pk}/notes/"
    attempt("room notes (form)", lambda: client.post(url, data))


@FUZZ
@example(body={"notes": "clarified \x00 first"})
@example(body={"notes": "n" * 100_001})
@example(body=["notes"])
@given(body=json_body(["notes"]))
def test_room_notes_json(world, body):
    client = _as(world.host)
    url = f"/interviews/rounds/{world.upcoming_round.pk}/notes/"
    attempt(
        "room notes (JSON)",
        lambda: client.post(url, json.dumps(body), content_type="application/json"),
    )


@FUZZ
@example(token="\x00")
@example(token="a" * 5000)
@given(token=text_values)
def test_calendar_and_unsubscribe_tokens(world, token):
    from urllib.parse import quote

    client = Client()
    attempt("calendar token", lambda: client.get(f"/calendar/{quote(token, safe='')}.ics"))
    attempt(
        "unsubscribe token",
        lambda: client.post(f"/emails/unsubscribe/{quote(token, safe='')}/"),
    )


# --- Grading ---------------------------------------------------------------------------


def _scorecard_fields(world: World) -> list[str]:
    keys = world.scorecard.rubric.dimensions.values_list("key", flat=True)
    fields = [
        "action",
        "recommendation",
        "level_calibration",
        "strengths",
        "improvement_1",
        "improvement_2",
        "improvement_3",
        "notes",
        "clarifying_minutes",
    ]
    return fields + [f"score_{k}" for k in keys] + [f"evidence_{k}" for k in keys]


@FUZZ
@given(data=st.data())
def test_scorecard_form_and_autosave(world, data):
    from sessions.models import Scorecard

    # A round still to grade: the world's swap partner grades the host.
    Scorecard.objects.filter(round=world.past_round).update(status="draft", submitted_at=None)
    fields = _scorecard_fields(world)
    client = _as(world.host)
    base = f"/interviews/rounds/{world.past_round.pk}/scorecard/"
    form = data.draw(form_data(fields))
    attempt("scorecard (form)", lambda: client.post(base, form))
    attempt("scorecard autosave (form)", lambda: client.post(f"{base}autosave/", form))
    body = data.draw(json_body(fields))
    attempt(
        "scorecard autosave (JSON)",
        lambda: client.post(f"{base}autosave/", json.dumps(body), content_type="application/json"),
    )


@FUZZ
@example(data={"helpfulness": "5", "preparation": "4", "comment": "c\x00"})
@example(data={"helpfulness": "5", "preparation": "4", "comment": "c" * 5000})
@given(data=form_data(["helpfulness", "preparation", "comment"]))
def test_rating_form(world, data):
    client = _as(world.guest)
    attempt("rate", lambda: client.post(f"/interviews/rounds/{world.past_round.pk}/rate/", data))


# --- Payments -----------------------------------------------------------------------------


@FUZZ
@given(body=json_value, signature=text_values)
def test_stripe_webhook(world, body, signature):
    client = Client()
    attempt(
        "stripe webhook",
        lambda: client.post(
            "/playbook/stripe/webhook/",
            json.dumps(body),
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature.replace("\x00", ""),
        ),
    )
