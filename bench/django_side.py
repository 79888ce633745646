"""The bench's steps that run inside Django, with the server's own settings.

`python -m bench.django_side <step> [args]` prints one JSON object on its last
line. Run by bench/run.py with the same environment as the served app.
"""

import json
import statistics
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts.models import User  # noqa: E402

PERSONA_EMAIL = "bench@scale.example"


def _models():
    from django.apps import apps

    return apps.get_model("interviews", "Booking"), apps.get_model("interviews", "Reminder")


def _task(suffix: str):
    from interviewprep.celery import app

    app.loader.import_default_modules()
    names = [name for name in app.tasks if name.endswith(suffix)]
    if len(names) != 1:
        raise SystemExit(f"expected one task ending in {suffix}, found {names}")
    return app, app.tasks[names[0]]


def persona() -> dict:
    """A logged-in session of the persona, made by the configured session engine."""
    Booking, _ = _models()
    from django.apps import apps

    Round = apps.get_model("interviews", "Round")
    Scorecard = apps.get_model("interviews", "Scorecard")
    user = User.objects.select_related("profile").get(email=PERSONA_EMAIL)
    client = Client()
    client.force_login(user)
    now = timezone.now()
    upcoming = (
        Booking.objects.filter(guest=user, status="confirmed", starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    card = (
        Scorecard.objects.filter(candidate=user, status="submitted")
        .order_by("-session_ended_at")
        .first()
    )
    return {
        "session_cookie": f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "csrf_cookie": f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}",
        "booking_id": upcoming.pk,
        "round_id": Round.objects.get(pk=card.round_id).pk,
        "calendar_token": user.profile.calendar_token,
        "webhook_secret": settings.STRIPE_WEBHOOK_SECRET,
    }


def _explain(queries: list[dict]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement, inside a rolled-back transaction."""
    plans = []
    for q in queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH", "(")):
            continue
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                raise _Rollback
        except _Rollback:
            pass
        plans.append(f"-- {sql}\n{plan}")
    return plans


class _Rollback(Exception):
    pass


def sweep(runs: str = "30") -> dict:
    """Time the beat's sweep over the whole reminder table when nothing is due."""
    _, Reminder = _models()
    _, task = _task(".send_due_reminders")
    now = timezone.now()
    due = Reminder.objects.filter(status="pending", due_at__lte=now).count()
    total = Reminder.objects.count()
    task.run()  # warm
    samples = []
    for _ in range(int(runs)):
        started = time.perf_counter()
        sent = task.run()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        task.run()
    return {
        "reminder_rows": total,
        "due_before": due,
        "sent": sent,
        "median_ms": statistics.median(samples),
        "p95_ms": sorted(samples)[int(len(samples) * 0.95) - 1],
        "queries": len(captured.captured_queries),
        "explain": _explain(captured.captured_queries),
    }


def deliver(count: str = "10000", timeout: str = "300") -> dict:
    """Make `count` upcoming-booking reminders due, then have the running worker send them.

    Sweeps are queued back to back (never more than one waiting), as an
    impatient beat would; the clock runs from the first queued sweep until no
    marked row is pending or being sent.
    """
    import redis

    Booking, Reminder = _models()
    app, task = _task(".send_due_reminders")
    count, timeout = int(count), float(timeout)
    now = timezone.now()
    marker = (now - timedelta(minutes=1)).replace(microsecond=123457)
    ids = list(
        Reminder.objects.filter(
            status="pending",
            kind="reminder_24h",
            booking__status="confirmed",
            booking__starts_at__gt=now + timedelta(hours=25),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Reminder.objects.filter(pk__in=ids).update(due_at=marker)
    marked = Reminder.objects.filter(due_at=marker)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    started = time.perf_counter()
    sweeps = 0
    left = len(ids)
    while time.perf_counter() - started < timeout:
        left = marked.filter(status__in=["pending", "sending"]).count()
        if not left:
            break
        if broker.llen("celery") == 0:
            app.send_task(task.name)
            sweeps += 1
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    statuses = dict(
        marked.values_list("status").annotate(n=django.db.models.Count("pk")).order_by()
    )
    return {
        "marked": len(ids),
        "left": left,
        "seconds": elapsed,
        "timed_out": bool(left),
        "sweeps_queued": sweeps,
        "statuses": statuses,
    }


def inprocess(persona_json: str, repeats: str = "40") -> dict:
    """Each page served in this process: median wall and CPU ms, SQL ms and queries.

    A view of the cost that a busy machine distorts less than throughput: CPU
    time counts only while this process runs, and SQL time is what the
    database took for the page's queries.
    """
    info = json.loads(persona_json)
    user = User.objects.get(email=PERSONA_EMAIL)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    anonymous = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    results = {}
    for key, path, auth in info["pages"]:
        c = client if auth else anonymous
        for _ in range(3):
            response = c.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        walls, cpus = [], []
        for _ in range(int(repeats)):
            wall, cpu = time.perf_counter(), time.process_time()
            c.get(path)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        with CaptureQueriesContext(connection) as captured:
            c.get(path)
        results[key] = {
            "wall_ms": statistics.median(walls),
            "cpu_ms": statistics.median(cpus),
            "sql_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
            "queries": len(captured.captured_queries),
        }
    return results


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    steps = {"persona": persona, "sweep": sweep, "deliver": deliver, "inprocess": inprocess}
    result = steps[step](*args)
    print(json.dumps(result, default=str))  # noqa: T201
