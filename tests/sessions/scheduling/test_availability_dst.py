"""Weekly availability across the weeks the clocks change, in Berlin and Los Angeles.

Wall-clock hours stay put in the host's zone (their UTC moments move by an
hour); a start that does not exist, or happens twice, is skipped with the very
message publishing gives for it.
"""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sessions.models import Slot
from sessions.scheduling import services
from tests.factories import UserFactory
from tests.sessions.scheduling.availability_support import save

pytestmark = pytest.mark.clock

MONDAY, SUNDAY = 0, 6


def z(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


CASES = {
    # zone, now (a Monday), Sunday's hours, the change day, the skipped local time,
    # and every start expected over two weeks, in UTC.
    "Berlin spring forward": (
        "Europe/Berlin", z(2027, 3, 22, 8), "01:00-04:00", date(2027, 3, 28), time(2, 0),
        [
            z(2027, 3, 22, 17),  # Mon 18:00 CET (+01:00)
            z(2027, 3, 28, 0), z(2027, 3, 28, 1),  # Sun 01:00 CET, 03:00 CEST; 02:00 is missing
            z(2027, 3, 29, 16),  # Mon 18:00 CEST (+02:00)
            z(2027, 4, 3, 23), z(2027, 4, 4, 0), z(2027, 4, 4, 1),  # Sun 01:00, 02:00, 03:00 CEST
        ],
    ),
    "Berlin fall back": (
        "Europe/Berlin", z(2027, 10, 25, 8), "01:00-04:00", date(2027, 10, 31), time(2, 0),
        [
            z(2027, 10, 25, 16),  # Mon 18:00 CEST
            z(2027, 10, 30, 23), z(2027, 10, 31, 2),  # Sun 01:00 CEST, 03:00 CET; 02:00 twice
            z(2027, 11, 1, 17),  # Mon 18:00 CET
            z(2027, 11, 7, 0), z(2027, 11, 7, 1), z(2027, 11, 7, 2),
        ],
    ),
    "Los Angeles spring forward": (
        "America/Los_Angeles", z(2027, 3, 8, 16), "00:00-03:00", date(2027, 3, 14), time(2, 0),
        [
            z(2027, 3, 9, 2),  # Mon 18:00 PST (-08:00)
            z(2027, 3, 14, 8), z(2027, 3, 14, 9),  # Sun 00:00, 01:00 PST; 02:00 is missing
            z(2027, 3, 16, 1),  # Mon 18:00 PDT (-07:00)
            z(2027, 3, 21, 7), z(2027, 3, 21, 8), z(2027, 3, 21, 9),
        ],
    ),
    "Los Angeles fall back": (
        "America/Los_Angeles", z(2027, 11, 1, 16), "00:00-03:00", date(2027, 11, 7), time(1, 0),
        [
            z(2027, 11, 2, 1),  # Mon 18:00 PDT
            z(2027, 11, 7, 7), z(2027, 11, 7, 10),  # Sun 00:00 PDT, 02:00 PST; 01:00 twice
            z(2027, 11, 9, 2),  # Mon 18:00 PST
            z(2027, 11, 14, 8), z(2027, 11, 14, 9), z(2027, 11, 14, 10),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_change_week_keeps_local_hours_and_skips_what_publishing_refuses(db, case):
    zone, now, sunday, change_day, skipped_at, expected = case
    host = UserFactory(tz=zone)
    with time_machine.travel(now, tick=False):
        _, report = save(host, weekly={SUNDAY: sunday, MONDAY: "18:00-19:00"}, now=now)
        starts = list(
            Slot.objects.filter(host=host, status="open")
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        assert starts == expected
        # The one-off publisher refuses that local time with the same words.
        with pytest.raises(ValidationError) as refused:
            services.publish_slots(
                host=UserFactory(tz=zone),
                first_day=change_day,
                start_time=skipped_at,
                interview_type="system_design",
                host_role="interviewer",
                level="senior",
                now=now,
            )
        assert report.skipped == refused.value.messages
