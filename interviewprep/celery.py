import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")

app = Celery("interviewprep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One sweep a minute; the sweep claims due reminder rows itself, so overlapping
# sweeps and extra workers never send a reminder twice.
app.conf.beat_schedule = {
    "send-due-reminders": {
        "task": "sessions.tasks.send_due_reminders",
        "schedule": crontab(minute="*"),
    },
}
