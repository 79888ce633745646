# Each domain registers its own models; this module is what the admin autodiscovers.
from sessions.grading import admin as grading_admin  # noqa: F401
from sessions.notifications import admin as notifications_admin  # noqa: F401
from sessions.scheduling import admin as scheduling_admin  # noqa: F401
