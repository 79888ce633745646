"""Book, booking detail, cancel, reschedule, no-show: personas, methods, side effects."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sessions.models import Booking, RescheduleRequest, Slot
from sessions.scheduling import services
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling import scheduling_support as support
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
host, guest = support.host, support.guest


@pytest.fixture
def booking(host, guest):
    return services.book_slot(slot=make_slot(host=host, starts_at=soon(72)), guest=guest)


def login(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


class TestBook:
    def url(self, slot):
        return reverse("sessions:book", args=[slot.pk])

    def test_get_shows_the_confirmation_page_in_the_viewers_zone(self, client, host, guest):
        slot = make_slot(host=host)
        client.force_login(guest)
        response = client.get(self.url(slot))
        assert response.status_code == 200
        local = slot.starts_at.astimezone(guest.profile.zone)
        assert f"{local:%H:%M}" in response.content.decode()
        assert "Confirm booking" in response.content.decode()
        assert not Booking.objects.exists()

    def test_post_books_and_goes_to_the_booking(self, client, host, guest):
        slot = make_slot(host=host)
        client.force_login(guest)
        response = client.post(self.url(slot))
        booking = Booking.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("sessions:booking", args=[booking.pk])
        assert booking.guest == guest

    def test_it_refuses_put(self, client, host, guest):
        client.force_login(guest)
        assert client.put(self.url(make_slot(host=host))).status_code == 405

    def test_it_needs_a_login(self, client, host):
        slot = make_slot(host=host)
        assert client.post(self.url(slot)).status_code == 302
        assert not Booking.objects.exists()

    def test_a_withdrawn_slot_is_404(self, client, host, guest):
        slot = make_slot(host=host, status=Slot.Status.WITHDRAWN)
        client.force_login(guest)
        assert client.get(self.url(slot)).status_code == 404
        assert client.post(self.url(slot)).status_code == 404

    def test_a_taken_slot_says_so(self, client, host, guest):
        slot = make_slot(host=host)
        services.book_slot(slot=slot, guest=UserFactory())
        client.force_login(guest)
        response = client.post(self.url(slot), follow=True)
        assert "This slot was just taken" in response.content.decode()
        assert Booking.objects.count() == 1

    def test_a_suspended_person_is_told_until_when(self, client, host, guest):
        guest.profile.booking_suspended_until = timezone.now() + timedelta(days=3)
        guest.profile.save()
        client.force_login(guest)
        response = client.post(self.url(make_slot(host=host)), follow=True)
        assert "Booking is paused until" in response.content.decode()
        assert not Booking.objects.exists()

    def test_the_host_is_sent_to_their_own_list(self, client, host):
        client.force_login(host)
        response = client.get(self.url(make_slot(host=host)))
        assert response["Location"] == reverse("sessions:mine")


class TestBookingDetail:
    def url(self, booking):
        return reverse("sessions:booking", args=[booking.pk])

    @pytest.mark.parametrize("persona", ["host", "guest"])
    def test_participants_see_it(self, client, booking, persona, request):
        login(client, request, persona)
        response = client.get(self.url(booking))
        assert response.status_code == 200
        assert booking.meeting_url in response.content.decode()

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_everyone_else_gets_404(self, client, booking, persona, request):
        login(client, request, persona)
        assert client.get(self.url(booking)).status_code == 404

    def test_it_refuses_post(self, client, booking, guest):
        client.force_login(guest)
        assert client.post(self.url(booking)).status_code == 405

    def test_a_one_round_booking_says_who_interviews_as_a_sentence(self, client, booking, host):
        client.force_login(host)
        content = client.get(self.url(booking)).content.decode()
        assert f"You interview {booking.guest.display_name}</li>" in content

    def test_it_warns_about_a_late_cancellation(self, client, host, guest):
        soon_booking = services.book_slot(slot=make_slot(host=host, starts_at=soon(5)), guest=guest)
        client.force_login(guest)
        assert (
            "counts as a late cancellation" in client.get(self.url(soon_booking)).content.decode()
        )


class TestCancel:
    def url(self, booking):
        return reverse("sessions:cancel", args=[booking.pk])

    def test_a_participant_cancels_with_a_reason(self, client, booking, guest):
        client.force_login(guest)
        response = client.post(self.url(booking), {"reason": "Got the offer"})
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert booking.cancellation_reason == "Got the offer"

    def test_it_needs_a_reason(self, client, booking, guest):
        client.force_login(guest)
        client.post(self.url(booking), {"reason": ""})
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED

    def test_it_refuses_get(self, client, booking, guest):
        client.force_login(guest)
        assert client.get(self.url(booking)).status_code == 405

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_everyone_else_gets_404(self, client, booking, persona, request):
        login(client, request, persona)
        assert client.post(self.url(booking), {"reason": "x"}).status_code == 404
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED


class TestReschedule:
    def test_a_participant_proposes_a_time_in_their_zone(self, client, booking, guest):
        client.force_login(guest)
        zone = guest.profile.zone
        # Noon the next day there: a time of day that happens once even on a DST
        # change day (the same hour as the booking might fall in a gap or twice).
        new_local = (
            (booking.starts_at + timedelta(days=1))
            .astimezone(zone)
            .replace(hour=12, minute=0, fold=0)
        )
        response = client.post(
            reverse("sessions:reschedule", args=[booking.pk]),
            {
                "day": new_local.date().isoformat(),
                "start_time": f"{new_local:%H:%M}",
                "message": "Sorry",
            },
        )
        assert response.status_code == 302
        proposal = RescheduleRequest.objects.get()
        assert proposal.starts_at == new_local
        assert new_local.utcoffset() != timedelta(0)  # Berlin wall time, not UTC
        assert proposal.proposed_by == guest

    # Pinned a week before the change, so the date is inside the 8-week window.
    @time_machine.travel("2027-03-21 09:00Z", tick=False)
    def test_a_missing_local_time_is_refused_with_its_reason(self, client, host, guest):
        # Guest is in Berlin: 02:30 on 28 Mar 2027 does not exist there.
        booking = make_booking(host=host, guest=guest, starts_at=soon(72))
        client.force_login(guest)
        response = client.post(
            reverse("sessions:reschedule", args=[booking.pk]),
            {"day": "2027-03-28", "start_time": "02:30"},
            follow=True,
        )
        assert "does not exist in Europe/Berlin" in response.content.decode()
        assert not RescheduleRequest.objects.exists()

    def test_the_other_side_accepts(self, client, booking, host, guest):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        client.force_login(host)
        response = client.post(reverse("sessions:accept_reschedule", args=[proposal.pk]))
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.starts_at == proposal.starts_at
        assert booking.calendar_sequence == 1

    def test_the_other_side_declines(self, client, booking, host, guest):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        client.force_login(host)
        client.post(reverse("sessions:decline_reschedule", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == RescheduleRequest.Status.DECLINED

    def test_the_proposer_withdraws(self, client, booking, guest):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        client.force_login(guest)
        client.post(reverse("sessions:withdraw_reschedule", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == RescheduleRequest.Status.WITHDRAWN

    def test_the_proposer_cannot_accept(self, client, booking, guest):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        client.force_login(guest)
        response = client.post(
            reverse("sessions:accept_reschedule", args=[proposal.pk]), follow=True
        )
        assert "Only the other person" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == RescheduleRequest.Status.PENDING

    @pytest.mark.parametrize("answer", ["accept", "decline", "withdraw"])
    def test_answers_refuse_get(self, client, booking, guest, host, answer):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        client.force_login(host)
        assert (
            client.get(reverse(f"sessions:{answer}_reschedule", args=[proposal.pk])).status_code
            == 405
        )

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_everyone_else_gets_404(self, client, booking, guest, persona, request):
        proposal = services.propose_reschedule(
            booking=booking, by=guest, starts_at=booking.starts_at + timedelta(hours=6)
        )
        login(client, request, persona)
        assert (
            client.post(reverse("sessions:accept_reschedule", args=[proposal.pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("sessions:reschedule", args=[booking.pk]),
                {"day": "2030-01-01", "start_time": "10:00"},
            ).status_code
            == 404
        )
        proposal.refresh_from_db()
        assert proposal.status == RescheduleRequest.Status.PENDING


class TestNoShow:
    def url(self, booking):
        return reverse("sessions:no_show", args=[booking.pk])

    def test_after_the_start_a_participant_reports_the_other(self, client, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.2))
        client.force_login(host)
        assert client.post(self.url(booking)).status_code == 302
        booking.refresh_from_db()
        guest.profile.refresh_from_db()
        assert booking.status == Booking.Status.NO_SHOW
        assert guest.profile.no_shows == 1

    def test_it_refuses_get(self, client, host, guest):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.2))
        client.force_login(host)
        assert client.get(self.url(booking)).status_code == 405

    @pytest.mark.parametrize("persona", ["stranger", "staff"])
    def test_everyone_else_gets_404(self, client, host, guest, persona, request):
        booking = make_booking(host=host, guest=guest, starts_at=soon(-0.2))
        login(client, request, persona)
        assert client.post(self.url(booking)).status_code == 404
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED
