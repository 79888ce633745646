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
        # turn them into outbox rows. Each domain also takes its part when a
        # person leaves or asks for their data (accounts.signals); scheduling
        # connects first, so the peer's cancellation notice exists before
        # notifications cancels the leaver's own pending emails.
        from sessions import pagecache
        from sessions.grading import receivers as grading_receivers
        from sessions.matching import receivers as matching_receivers
        from sessions.notifications import receivers
        from sessions.room import receivers as room_receivers
        from sessions.scheduling import calendar
        from sessions.scheduling import receivers as scheduling_receivers

        scheduling_receivers.connect()
        grading_receivers.connect()
        receivers.connect()
        # Practice now puts a cancelled pairing's other side back in line.
        matching_receivers.connect()
        # A cached calendar feed is forgotten when its person's bookings change.
        calendar.connect_receivers()
        # A cancelled booking closes its live room's sockets.
        room_receivers.connect()
        # Cached pages (accounts.pagecache) are out of date once their rows change.
        pagecache.connect()
