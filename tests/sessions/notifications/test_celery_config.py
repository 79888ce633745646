"""The Celery app's configuration: broker choice, delivery guarantees, beat."""

import json
import os
import subprocess
import sys
from pathlib import Path

from celery.schedules import crontab
from django.conf import settings

from interviewprep.celery import app

ROOT = Path(__file__).resolve().parents[3]


def test_redis_is_the_broker_when_redis_url_is_set():
    assert settings.REDIS_URL
    assert app.conf.broker_url == settings.REDIS_URL


def test_tasks_are_acknowledged_late_and_taken_one_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_beat_sweeps_reminders_every_minute_and_completes_bookings():
    schedule = app.conf.beat_schedule
    sweep = schedule["send-due-reminders"]
    assert sweep["task"] == "sessions.tasks.send_due_reminders"
    assert sweep["schedule"] == crontab(minute="*")
    assert schedule["complete-finished-bookings"]["task"] == (
        "sessions.tasks.complete_finished_bookings"
    )
    # What a worker does at start-up: find every app's tasks module.
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_without_redis_the_embedded_default_uses_the_filesystem_broker(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}
    }
    code = (
        "import json; from interviewprep.celery import app; "
        "print(json.dumps([app.conf.broker_url, app.conf.task_acks_late]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    broker, acks_late = json.loads(out.stdout.strip().splitlines()[-1])
    assert broker == "filesystem://"
    assert acks_late is True


def test_a_file_email_url_writes_messages_to_that_folder(tmp_path):
    from interviewprep.settings import _email_settings

    assert _email_settings(f"file://{tmp_path}") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
