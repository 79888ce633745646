"""Find, publish, My interviews and withdraw, through the views."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sessions.models import InterviewerRating, Rubric, Scorecard, Slot
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
host, guest = support.host, support.guest

FIND = reverse("sessions:find")


def slot_ids(response) -> list[int]:
    return [s.pk for s in response.context["page"].object_list]


class TestFind:
    def test_it_needs_a_login(self, client):
        assert client.get(FIND).status_code == 302

    def test_it_refuses_post(self, client, guest):
        client.force_login(guest)
        assert client.post(FIND).status_code == 405

    def test_it_lists_other_peoples_open_future_slots(self, client, host, guest):
        mine = make_slot(host=guest, starts_at=soon(30))
        theirs = make_slot(host=host, starts_at=soon(30))
        make_slot(host=host, starts_at=soon(-1))  # past
        make_slot(host=host, starts_at=soon(50), status=Slot.Status.WITHDRAWN)
        make_slot(host=host, starts_at=soon(70), status=Slot.Status.BOOKED)
        client.force_login(guest)
        response = client.get(FIND)
        assert slot_ids(response) == [theirs.pk]
        assert mine.pk not in slot_ids(response)

    def test_it_leaves_out_slots_that_overlap_the_viewers_bookings(self, client, host, guest):
        make_booking(guest=guest, starts_at=soon(48))
        clash = make_slot(host=host, starts_at=soon(48) + timedelta(minutes=30))
        free = make_slot(host=host, starts_at=soon(49))
        client.force_login(guest)
        ids = slot_ids(client.get(FIND))
        assert clash.pk not in ids
        assert free.pk in ids

    def test_it_leaves_out_slots_whose_host_is_busy_then(self, client, host, guest):
        make_booking(guest=host, starts_at=soon(48))
        busy = make_slot(host=host, starts_at=soon(48))
        client.force_login(guest)
        assert busy.pk not in slot_ids(client.get(FIND))

    def test_it_filters_by_type_level_and_role(self, client, host, guest):
        sd = make_slot(host=host, starts_at=soon(30))
        staff_coding = make_slot(
            host=host, starts_at=soon(40), interview_type="coding", level="staff"
        )
        candidate = make_slot(host=host, starts_at=soon(50), host_role="candidate")
        client.force_login(guest)
        assert slot_ids(client.get(FIND, {"interview_type": "coding"})) == [staff_coding.pk]
        assert slot_ids(client.get(FIND, {"level": "staff"})) == [staff_coding.pk]
        # "I want to be the interviewer" finds hosts who are the candidate.
        assert slot_ids(client.get(FIND, {"viewer_role": "interviewer"})) == [candidate.pk]
        assert candidate.pk not in slot_ids(client.get(FIND, {"viewer_role": "candidate"}))
        assert sd.pk in slot_ids(client.get(FIND, {"viewer_role": "candidate"}))

    @time_machine.travel("2026-02-02 12:00Z", tick=False)
    def test_dates_and_times_of_day_are_read_in_the_viewers_zone(self, client, host, guest):
        # 21:30 UTC on 10 Feb is 22:30 in Berlin (night there), 13:30 in Los Angeles.
        late = make_slot(host=host, starts_at=datetime(2026, 2, 10, 21, 30, tzinfo=UTC))
        # 23:30 UTC on 10 Feb is already 11 Feb in Berlin.
        next_day = make_slot(host=host, starts_at=datetime(2026, 2, 10, 23, 30, tzinfo=UTC))
        client.force_login(guest)
        on_the_10th = {"date_from": "2026-02-10", "date_to": "2026-02-10"}
        assert slot_ids(client.get(FIND, on_the_10th)) == [late.pk]
        assert slot_ids(client.get(FIND, {"date_from": "2026-02-11"})) == [next_day.pk]
        assert slot_ids(client.get(FIND, {"times_of_day": ["evening"]})) == []
        assert slot_ids(client.get(FIND, {"times_of_day": ["night"]})) == [late.pk, next_day.pk]
        other = UserFactory(tz="America/Los_Angeles")
        client.force_login(other)
        assert slot_ids(client.get(FIND, {"times_of_day": ["afternoon"]})) == [late.pk, next_day.pk]

    @time_machine.travel("2026-02-25 12:00Z", tick=False)
    def test_a_reversed_date_range_is_an_error_beside_the_field(self, client, guest):
        client.force_login(guest)
        response = client.get(FIND, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
        assert response.status_code == 200
        assert "The end date is before the start date." in response.content.decode()

    def test_it_paginates(self, client, host, guest):
        for i in range(25):
            make_slot(host=host, starts_at=soon(24 + i * 2))
        client.force_login(guest)
        assert len(slot_ids(client.get(FIND))) == 20
        assert len(slot_ids(client.get(FIND, {"page": 2}))) == 5

    def test_it_shows_the_hosts_record_and_rating_from_three_ratings(self, client, host, guest):
        host.profile.completed_sessions, host.profile.late_cancellations = 7, 2
        host.profile.no_shows = 1
        host.profile.save()
        make_slot(host=host)
        client.force_login(guest)
        body = client.get(FIND).content.decode()
        assert "Completed</dt><dd>7" in body
        assert "Late cancellations</dt><dd>2" in body
        assert "No-shows</dt><dd>1" in body
        assert "Interviewer rating" not in body
        for days, (helpfulness, preparation) in enumerate(((5, 4), (4, 4), (3, 5)), start=1):
            past = make_booking(host=host, starts_at=soon(-24 * days))
            InterviewerRating.objects.create(
                round=past.rounds.get(),
                rater=past.guest,
                interviewer=host,
                helpfulness=helpfulness,
                preparation=preparation,
            )
        body = client.get(FIND).content.decode()
        assert "Interviewer rating</dt><dd>4.2 / 5" in body

    def test_the_listing_runs_a_constant_number_of_queries(
        self, client, host, guest, django_assert_max_num_queries
    ):
        for i in range(20):
            make_slot(host=UserFactory(), starts_at=soon(24 + i))
        client.force_login(guest)
        client.get(FIND)
        with django_assert_max_num_queries(12):
            client.get(FIND)


class TestPublish:
    URL = reverse("sessions:publish")

    def test_it_shows_the_form(self, client, host):
        client.force_login(host)
        response = client.get(self.URL)
        assert response.status_code == 200
        assert "America/Los_Angeles" in response.content.decode()

    def test_it_refuses_put(self, client, host):
        client.force_login(host)
        assert client.put(self.URL).status_code == 405

    def test_it_publishes_one_slot_and_leaves_repeats_to_weekly_availability(self, client, host):
        client.force_login(host)
        day = (timezone.localtime(timezone=host.profile.zone) + timedelta(days=2)).date()
        response = client.post(
            self.URL,
            {
                "day": day.isoformat(),
                "start_time": "18:00",
                "interview_type": "behavioral",
                "minutes": "",
                "host_role": "candidate",
                "level": "staff",
                "note": "Leadership stories",
                "weekdays": [day.weekday()],
                "weeks": "3",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("sessions:mine")
        # The form no longer repeats a slot: a weekly schedule does (sessions:availability).
        slots = Slot.objects.filter(host=host)
        assert slots.count() == 1
        assert {s.ends_at - s.starts_at for s in slots} == {timedelta(minutes=45)}

    def test_it_shows_every_problem_and_creates_nothing(self, client, host):
        client.force_login(host)
        yesterday = (timezone.localtime(timezone=host.profile.zone) - timedelta(days=1)).date()
        response = client.post(
            self.URL,
            {
                "day": yesterday.isoformat(),
                "start_time": "18:00",
                "interview_type": "coding",
                "host_role": "interviewer",
                "level": "senior",
                "weeks": "1",
            },
        )
        assert response.status_code == 200
        assert "is in the past" in response.content.decode()
        assert not Slot.objects.exists()

    def test_missing_fields_are_marked(self, client, host):
        client.force_login(host)
        response = client.post(self.URL, {"interview_type": "coding"})
        assert response.status_code == 200
        assert response.context["form"].errors.keys() >= {"day", "start_time", "host_role"}


class TestMine:
    URL = reverse("sessions:mine")

    def test_it_refuses_post(self, client, guest):
        client.force_login(guest)
        assert client.post(self.URL).status_code == 405

    def test_it_sorts_bookings_into_upcoming_past_and_cancelled(self, client, host, guest):
        upcoming = services.book_slot(slot=make_slot(host=host), guest=guest)
        cancelled = services.book_slot(slot=make_slot(host=host, starts_at=soon(72)), guest=guest)
        services.cancel_booking(booking=cancelled, by=host, reason="x")
        past = make_booking(host=guest, guest=host, starts_at=soon(-30))
        make_booking(starts_at=soon(30))  # a stranger's
        client.force_login(guest)
        context = client.get(self.URL).context
        assert [b.pk for b in context["upcoming"]] == [upcoming.pk]
        assert [b.pk for b in context["past"]] == [past.pk]
        assert [b.pk for b in context["cancelled"]] == [cancelled.pk]

    def test_needs_feedback_lists_started_rounds_without_a_submitted_scorecard(
        self, client, host, guest
    ):
        done = make_booking(host=guest, guest=host, starts_at=soon(-3))
        graded = make_booking(host=guest, guest=host, starts_at=soon(-6))
        make_booking(host=guest, guest=host, starts_at=soon(24))  # not started
        as_candidate = make_booking(host=host, guest=guest, starts_at=soon(-9))
        cancelled = services.book_slot(slot=make_slot(host=guest, starts_at=soon(100)), guest=host)
        services.cancel_booking(booking=cancelled, by=host, reason="x")
        swap = make_booking(host=host, guest=guest, starts_at=soon(-12), host_role="swap")
        round_ = graded.rounds.get()
        Scorecard.objects.create(
            round=round_,
            booking=graded,
            grader=guest,
            candidate=host,
            rubric=Rubric.objects.get(interview_type="system_design", active=True),
            interview_type="system_design",
            status=Scorecard.Status.SUBMITTED,
            submitted_at=timezone.now(),
            session_ended_at=graded.ends_at,
        )
        client.force_login(guest)
        rounds = list(client.get(self.URL).context["feedback_rounds"])
        assert [r.pk for r in rounds] == [
            done.rounds.get().pk,
            swap.rounds.get(number=2).pk,
        ]
        assert as_candidate.pk not in [r.booking_id for r in rounds]

    def test_it_lists_incoming_proposals_to_answer(self, client, host, guest):
        booking = services.book_slot(slot=make_slot(host=host), guest=guest)
        services.propose_reschedule(
            booking=booking, by=host, starts_at=booking.starts_at + timedelta(hours=4)
        )
        client.force_login(guest)
        assert len(client.get(self.URL).context["incoming"]) == 1
        client.force_login(host)
        assert client.get(self.URL).context["incoming"] == []


class TestWithdraw:
    def url(self, slot):
        return reverse("sessions:withdraw_slot", args=[slot.pk])

    def test_it_withdraws_an_own_open_slot_once_confirmed(self, client, host):
        slot = make_slot(host=host)
        client.force_login(host)
        assert client.post(self.url(slot)).status_code == 200  # the confirm page
        slot.refresh_from_db()
        assert slot.status == Slot.Status.OPEN
        response = client.post(self.url(slot), {"confirm": "yes"})
        assert response["Location"] == reverse("sessions:withdrawn_slots")
        slot.refresh_from_db()
        assert slot.status == Slot.Status.WITHDRAWN

    def test_get_asks_for_confirmation_and_put_is_refused(self, client, host):
        slot = make_slot(host=host)
        client.force_login(host)
        assert b"Yes, withdraw it" in client.get(self.url(slot)).content
        assert client.put(self.url(slot)).status_code == 405

    @pytest.mark.parametrize("persona", ["guest", "stranger", "staff"])
    def test_it_is_404_for_anyone_but_the_host(self, client, host, persona, request):
        slot = make_slot(host=host)
        client.force_login(request.getfixturevalue(persona))
        assert client.post(self.url(slot), {"confirm": "yes"}).status_code == 404
        slot.refresh_from_db()
        assert slot.status == Slot.Status.OPEN
