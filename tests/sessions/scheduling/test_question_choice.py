"""The right question: chosen when publishing or booking, matched from a topic,
switched by the interviewer before the round, never a repeat when asked."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Question, Round, Slot
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db
host, guest = support.host, support.guest

NOW = datetime(2026, 4, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def question(title_start: str) -> Question:
    return Question.objects.get(title__startswith=title_start)


def slot_at(host, hours=48, **kwargs) -> Slot:
    return make_slot(host=host, starts_at=NOW + timedelta(hours=hours), **kwargs)


class TestMatchingATopic:
    def test_a_topic_finds_the_bank_question_it_names(self):
        pool = Question.objects.filter(interview_type="system_design")
        match = services.match_topic("Design a rate limiter, staff-level depth please", pool)
        assert match == question("Rate limiter for a public API")

    def test_a_topic_about_something_else_finds_nothing(self):
        pool = Question.objects.filter(interview_type="system_design")
        assert services.match_topic("Design a sourdough bakery's oven rota", pool) is None
        assert services.match_topic("staff depth please", pool) is None


class TestPublishing:
    def test_the_host_publishes_with_a_question_and_a_topic(self, client, host):
        client.force_login(host)
        wanted = question("Payments ledger")
        response = client.post(
            reverse("sessions:publish"),
            {
                "day": (NOW + timedelta(days=2)).date().isoformat(),
                "start_time": "10:00",
                "interview_type": "system_design",
                "host_role": "interviewer",
                "level": "staff",
                "question": wanted.pk,
                "topic": "Double-entry, staff depth",
                "weeks": 1,
            },
        )
        assert response.status_code == 302
        slot = Slot.objects.get()
        assert (slot.question, slot.topic) == (wanted, "Double-entry, staff depth")

    def test_a_question_of_another_type_is_refused_beside_the_field(self, client, host):
        client.force_login(host)
        response = client.post(
            reverse("sessions:publish"),
            {
                "day": (NOW + timedelta(days=2)).date().isoformat(),
                "start_time": "10:00",
                "interview_type": "system_design",
                "host_role": "interviewer",
                "level": "senior",
                "question": question("LRU cache").pk,
                "weeks": 1,
            },
        )
        assert response.status_code == 200
        assert "is a coding question" in str(response.context["form"].errors["question"])
        assert not Slot.objects.exists()


class TestBooking:
    def test_the_hosts_topic_becomes_the_rounds_topic_and_its_matching_question(self, host, guest):
        slot = slot_at(host, host_role="candidate")
        Slot.objects.filter(pk=slot.pk).update(topic="Design a rate limiter, staff depth")
        booking = services.book_slot(slot=slot, guest=guest)
        round_ = booking.rounds.get()
        assert round_.topic == "Design a rate limiter, staff depth"
        assert round_.question == question("Rate limiter for a public API")

    def test_an_unmatched_topic_is_shown_to_the_interviewer_only(self, client, host, guest):
        slot = slot_at(host, host_role="candidate")
        Slot.objects.filter(pk=slot.pk).update(topic="A sourdough bakery's oven rota")
        booking = services.book_slot(slot=slot, guest=guest)
        assert booking.rounds.get().question is None
        room = reverse("sessions:room", args=[booking.pk])
        client.force_login(guest)  # the interviewer
        body = client.get(room).content.decode()
        assert "Topic for this round: “A sourdough bakery&#x27;s oven rota”" in body
        assert "No bank question matches this topic" in body
        client.force_login(host)  # the candidate
        assert "No bank question matches" not in client.get(room).content.decode()

    def test_the_guest_chooses_when_the_slot_left_it_open(self, client, host, guest):
        slot = slot_at(host)  # the host interviews; nothing chosen
        client.force_login(guest)
        page = client.get(reverse("sessions:book", args=[slot.pk])).content.decode()
        assert "What you want to be asked" in page
        client.post(
            reverse("sessions:book", args=[slot.pk]),
            {"question": "", "topic": "Notification fan-out to millions"},
        )
        round_ = Round.objects.get()
        assert round_.topic == "Notification fan-out to millions"
        assert round_.question == question("Notification fan-out")

    def test_the_guest_cannot_override_what_the_host_chose(self, client, host, guest):
        slot = slot_at(host)
        Slot.objects.filter(pk=slot.pk).update(question=question("Payments ledger"))
        client.force_login(guest)
        page = client.get(reverse("sessions:book", args=[slot.pk])).content.decode()
        assert "has picked a question for you" in page
        assert "Payments ledger" not in page  # the candidate is not told the question
        assert 'name="topic"' not in page
        slot.refresh_from_db()
        with pytest.raises(services.SchedulingError, match="already chose"):
            services.book_slot(slot=slot, guest=guest, topic="Something else")
        assert not Round.objects.exists()

    def test_in_a_swap_each_chooses_for_their_own_round(self, host, guest):
        slot = slot_at(host, host_role="swap")
        Slot.objects.filter(pk=slot.pk).update(question=question("Payments ledger"))
        slot.refresh_from_db()
        booking = services.book_slot(
            slot=slot, guest=guest, question=question("Distributed job scheduler")
        )
        first, second = booking.rounds.order_by("number")
        assert (first.candidate, first.question) == (guest, question("Distributed job"))
        assert (second.candidate, second.question) == (host, question("Payments ledger"))


class TestSwitchingInTheRoom:
    @pytest.fixture
    def booking(self, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=NOW + timedelta(hours=2))
        Round.objects.filter(booking=booking).update(question=question("Ride dispatch"))
        return booking

    def url(self, booking):
        return reverse("sessions:change_question", args=[booking.rounds.get().pk])

    def test_the_interviewer_switches_before_the_round_starts(self, client, booking, host):
        client.force_login(host)
        wanted = question("Rate limiter for a public API")
        response = client.post(self.url(booking), {"round-1-question": wanted.pk})
        assert response.status_code == 302
        assert booking.rounds.get().question == wanted

    def test_it_is_refused_once_the_round_has_started(self, client, booking, host, clock):
        clock.move_to(booking.starts_at + timedelta(minutes=1))
        client.force_login(host)
        wanted = question("Rate limiter for a public API")
        response = client.post(self.url(booking), {"round-1-question": wanted.pk}, follow=True)
        assert "its question stays" in response.content.decode()
        assert booking.rounds.get().question == question("Ride dispatch")

    @pytest.mark.parametrize("persona", ["guest", "stranger"])
    def test_the_candidate_and_strangers_get_404(self, client, booking, persona, request):
        client.force_login(request.getfixturevalue(persona))
        wanted = question("Rate limiter for a public API")
        assert client.post(self.url(booking), {"round-1-question": wanted.pk}).status_code == 404
        assert booking.rounds.get().question == question("Ride dispatch")

    def test_questions_the_candidate_has_seen_are_listed_last(self, client, booking, host, guest):
        seen = question("Notification fan-out")
        earlier = make_booking(host=UserFactory(), guest=guest, starts_at=NOW - timedelta(days=9))
        Round.objects.filter(booking=earlier).update(question=seen)
        choices = services.question_choices(booking.rounds.get())
        assert choices[-1] == (seen, True)
        assert all(not was_seen for _, was_seen in choices[:-1])
        client.force_login(host)
        body = client.get(reverse("sessions:room", args=[booking.pk])).content.decode()
        assert f"{seen.title} (Senior), already asked to {guest.display_name}" in body

    def test_the_room_offers_no_switch_once_the_round_started(self, client, booking, host, clock):
        clock.move_to(booking.starts_at)
        client.force_login(host)
        body = client.get(reverse("sessions:room", args=[booking.pk])).content.decode()
        assert "Use this question" not in body


class TestNoRepeats:
    @pytest.mark.parametrize("avoid", [True, False])
    def test_a_candidate_who_asks_never_gets_a_question_they_have_had(self, host, guest, avoid):
        guest.profile.avoid_seen_questions = avoid
        guest.profile.save(update_fields=["avoid_seen_questions"])
        pool = list(Question.objects.filter(interview_type="system_design", active=True))
        unseen = pool[-1]  # a staff question; every other one was asked before
        assert unseen.level == "staff"
        for number, seen in enumerate(pool[:-1]):
            earlier = make_booking(
                host=UserFactory(), guest=guest, starts_at=NOW - timedelta(days=30 - number)
            )
            Round.objects.filter(booking=earlier).update(question=seen)
        booking = services.book_slot(slot=slot_at(host, level="senior"), guest=guest)
        picked = booking.rounds.get().question
        if avoid:
            assert picked == unseen
        else:
            # Without the request the slot's level comes first, even if seen before.
            assert picked.level == "senior"

    def test_with_every_question_seen_the_room_asks_the_interviewer_to_bring_one(
        self, client, host, guest
    ):
        guest.profile.avoid_seen_questions = True
        guest.profile.save(update_fields=["avoid_seen_questions"])
        for number, seen in enumerate(Question.objects.filter(interview_type="behavioral")):
            earlier = make_booking(
                host=UserFactory(),
                guest=guest,
                interview_type="behavioral",
                starts_at=NOW - timedelta(days=40 - number),
            )
            Round.objects.filter(booking=earlier).update(question=seen)
        booking = services.book_slot(
            slot=slot_at(host, interview_type="behavioral", minutes=45), guest=guest
        )
        assert booking.rounds.get().question is None

    def test_the_profile_page_offers_the_setting(self, client, guest):
        client.force_login(guest)
        page = client.get(reverse("profile")).content.decode()
        assert "Don&#x27;t give me a question I&#x27;ve already had" in page

    def test_a_cancelled_booking_does_not_count_as_seen(self, host, guest):
        cancelled = make_booking(host=UserFactory(), guest=guest, starts_at=NOW - timedelta(days=3))
        cancelled.status = "cancelled"
        cancelled.save(update_fields=["status"])
        Round.objects.filter(booking=cancelled).update(question=question("Ride dispatch"))
        assert services.questions_seen_by(guest) == set()


def test_a_published_day_uses_the_hosts_zone(host):
    # Sanity for the publish fixture above: 10:00 Los Angeles on the chosen day.
    slots = services.publish_slots(
        host=host,
        first_day=date(2026, 4, 16),
        start_time=time(10, 0),
        interview_type="system_design",
        host_role="candidate",
        level="senior",
        topic="Ledger reconciliation",
    )
    assert slots[0].topic == "Ledger reconciliation"
    assert slots[0].starts_at == datetime(2026, 4, 16, 17, 0, tzinfo=UTC)
