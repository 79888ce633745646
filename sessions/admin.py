# Each area registers its own models; this module is what the admin autodiscovers.
from . import grading_admin, notifications_admin, scheduling_admin  # noqa: F401
