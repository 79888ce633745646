"""The app's models module: Django registers the models each domain defines.

Code inside sessions/ imports models from its own domain (for example
`sessions.scheduling.models`), never from here; this module exists for Django,
the admin and callers outside the app.
"""

from sessions.grading.models import (
    Calibration,
    Dimension,
    InterviewerRating,
    LevelAnchor,
    PlaybookSection,
    Recommendation,
    Rubric,
    Score,
    Scorecard,
)
from sessions.notifications.models import Reminder
from sessions.scheduling.models import (
    DEFAULT_MINUTES,
    Booking,
    BookingParticipant,
    HostRole,
    InterviewType,
    NoShowReport,
    Question,
    RescheduleRequest,
    Round,
    Slot,
)

__all__ = [
    "DEFAULT_MINUTES",
    "Booking",
    "BookingParticipant",
    "Calibration",
    "Dimension",
    "HostRole",
    "InterviewType",
    "InterviewerRating",
    "LevelAnchor",
    "NoShowReport",
    "PlaybookSection",
    "Question",
    "Recommendation",
    "Reminder",
    "RescheduleRequest",
    "Round",
    "Rubric",
    "Score",
    "Scorecard",
    "Slot",
]
