from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    # django.contrib.sessions owns the label "sessions"; this app keeps its
    # folder name and uses "interviews" for its label, migrations and tables.
    name = "sessions"
    label = "interviews"
    verbose_name = "Mock interviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Scheduling and grading announce changes with signals; notifications
        # turn them into outbox rows.
        from sessions.notifications import receivers

        receivers.connect()
        # Grading answers scheduling's "did this session take place?" (no-show reports).
        from sessions.grading import receivers as grading_receivers

        grading_receivers.connect()
