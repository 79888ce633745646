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
from sessions.matching.models import MatchBlock, MatchRequest, MatchWindow
from sessions.notifications.models import Reminder
from sessions.scheduling.availability_models import (
    AvailabilitySchedule,
    DateOverride,
    WeeklyHours,
)
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
    "AvailabilitySchedule",
    "DateOverride",
    "WeeklyHours",
    "DEFAULT_MINUTES",
    "Booking",
    "BookingParticipant",
    "Calibration",
    "Dimension",
    "HostRole",
    "InterviewType",
    "InterviewerRating",
    "LevelAnchor",
    "MatchBlock",
    "MatchRequest",
    "MatchWindow",
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

# The live room's documents (sessions/room) are registered through this module too.
from sessions.room.models import RoomDocument, RoomUpdate  # noqa: E402

__all__ += ["RoomDocument", "RoomUpdate"]
