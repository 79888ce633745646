"""The page cache: a signed-in person's pages are served again until a change touches them."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.pagecache import people_changed
from sessions.scheduling import services
from sessions.scheduling.models import Slot
from sessions.scheduling.services import book_slot, cancel_booking, publish_slots
from tests.factories import UserFactory, make_booking
from tests.sessions.scheduling.availability_support import save
from tests.sessions.scheduling.scheduling_support import make_slot, soon

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

MINE = reverse("sessions:mine")
FIND = reverse("sessions:find")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(MINE)  # sets the CSRF cookie that cached pages are keyed on
    return client


def test_a_repeat_request_is_served_without_running_the_view(django_assert_num_queries):
    person = UserFactory()
    make_booking(guest=person)
    client = signed_in(person)
    first = client.get(MINE)
    # Session, person and page all come from the cache: no query at all.
    with django_assert_num_queries(0):
        again = client.get(MINE)
    assert again.content == first.content
    assert again.context is None  # not rendered this time
    assert "no-store" in again["Cache-Control"]


def test_a_booking_shows_on_both_peoples_next_request(django_capture_on_commit_callbacks):
    host, guest = UserFactory(), UserFactory()
    slot = make_slot(host=host, starts_at=soon(30))
    host_client, guest_client = signed_in(host), signed_in(guest)
    booking_url = reverse("sessions:booking", args=[0]).replace("/0/", "/{}/")
    assert "Nothing booked yet" in guest_client.get(MINE).content.decode()
    assert "Nothing booked yet" in host_client.get(MINE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_slot(slot=slot, guest=guest)
    for client in (guest_client, host_client):
        page = client.get(MINE).content.decode()
        assert "Nothing booked yet" not in page
        assert booking_url.format(booking.pk) in page


def test_a_cancellation_shows_on_the_booking_page():
    booking = make_booking()
    client = signed_in(booking.guest)
    url = reverse("sessions:booking", args=[booking.pk])
    assert client.get(url).context["can_change"] is True
    client.get(url)
    cancel_booking(booking=booking, by=booking.host, reason="Ill")
    assert "Ill" in client.get(url).content.decode()


def test_the_find_page_follows_the_slot_board():
    viewer, host = UserFactory(), UserFactory()
    make_slot(host=host, starts_at=soon(30))
    client = signed_in(viewer)
    assert len(client.get(FIND).context["page"].object_list) == 1
    # Someone else publishes: the viewer's cached find page is out of date.
    publish_slots(
        host=host,
        first_day=(soon(24 * 3)).date(),
        start_time=time(10, 0),
        interview_type="coding",
        host_role="interviewer",
        level="senior",
    )
    assert len(client.get(FIND).context["page"].object_list) == 2
    # A third person books one: it leaves everyone's find page.
    slot = Slot.objects.filter(interview_type="coding").get()
    book_slot(slot=slot, guest=UserFactory())
    assert len(client.get(FIND).context["page"].object_list) == 1


def test_a_profile_save_renders_in_the_new_zone():
    person = UserFactory()
    client = signed_in(person)
    zone = "Asia/Tokyo" if person.profile.timezone != "Asia/Tokyo" else "Europe/Paris"
    assert zone not in client.get(MINE).content.decode()
    assert client.get(MINE).context is None
    person.profile.timezone = zone
    person.profile.save()
    assert zone in client.get(MINE).content.decode()


def test_another_browser_of_the_same_person_gets_its_own_copy():
    person = UserFactory()
    first, second = signed_in(person), signed_in(person)
    first.get(MINE)
    # Another CSRF cookie: the first browser's form tokens are not handed over.
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    assert second.get(MINE).context is not None
    assert second.get(MINE).context is None


def test_a_page_with_a_message_is_neither_served_nor_kept_from_the_cache():
    person = UserFactory()
    slot = make_slot(host=person, starts_at=soon(30))
    client = signed_in(person)
    client.get(MINE)
    assert client.get(MINE).context is None
    client.post(reverse("sessions:withdraw_slot", args=[slot.pk]), {"confirm": "yes"})
    response = client.get(MINE)
    assert response.context is not None
    assert "The slot is withdrawn." in response.content.decode()
    # The next request renders again (the page with the message was not kept), without it.
    again = client.get(MINE)
    assert again.context is not None
    assert "The slot is withdrawn." not in again.content.decode()


def test_a_change_told_by_hand_invalidates(django_capture_on_commit_callbacks):
    person = UserFactory()
    client = signed_in(person)
    client.get(MINE)
    assert client.get(MINE).context is None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        people_changed(person.pk)
    assert len(callbacks) == 1  # told again once the transaction commits
    assert client.get(MINE).context is not None


def test_a_page_is_never_served_to_someone_else_even_with_the_same_csrf_cookie():
    first, second = UserFactory(), UserFactory()
    booking = make_booking(guest=first)
    first_client, second_client = signed_in(first), signed_in(second)
    second_client.cookies["csrftoken"] = first_client.cookies["csrftoken"].value
    url = reverse("sessions:booking", args=[booking.pk]).replace(str(booking.pk), "{}")
    assert url.format(booking.pk) in first_client.get(MINE).content.decode()
    assert first_client.get(MINE).context is None  # kept
    page = second_client.get(MINE)
    assert page.context is not None
    assert url.format(booking.pk) not in page.content.decode()


def test_weekly_hours_reach_the_find_page_and_the_owners_list():
    """Materialising a schedule writes slots in bulk, without post_save."""
    viewer, host = UserFactory(), UserFactory(tz="Europe/Berlin")
    client, host_client = signed_in(viewer), signed_in(host)
    assert client.get(FIND).context["page"].object_list == []
    before = host_client.get(MINE).content
    tomorrow = (timezone.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin"))
    schedule, report = save(host, weekly={tomorrow.weekday(): "10:00-12:00"}, now=timezone.now())
    assert report.created >= 2
    found = client.get(FIND).context["page"].object_list
    assert {slot.host_id for slot in found} == {host.pk}
    assert host_client.get(MINE).content != before
    # Withdrawing it takes them down again, on the viewer's next request.
    services.withdraw_schedule(schedule=schedule, by=host)
    assert client.get(FIND).context["page"].object_list == []


def test_a_batch_of_bookings_reaches_both_peoples_lists(django_capture_on_commit_callbacks):
    """The matcher's batch is written with COPY, without post_save."""
    host, guest = UserFactory(), UserFactory()
    host_client, guest_client = signed_in(host), signed_in(guest)
    assert "Nothing booked yet" in guest_client.get(MINE).content.decode()
    assert "Nothing booked yet" in host_client.get(MINE).content.decode()
    starts_at = soon(30)
    slot = Slot(
        host=host,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        interview_type="coding",
        host_role="interviewer",
        level="senior",
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [booking] = services.book_new_slots(pairs=[(slot, guest)], now=timezone.now())
    booking_url = reverse("sessions:booking", args=[booking.pk])
    for client in (guest_client, host_client):
        assert booking_url in client.get(MINE).content.decode()


def test_slots_withdrawn_by_staff_in_the_admin_leave_the_find_page_and_the_hosts_list(staff):
    """The admin's bulk action writes with .update(), without post_save."""
    viewer, host = UserFactory(), UserFactory()
    slot = make_slot(host=host, starts_at=soon(30))
    client, host_client = signed_in(viewer), signed_in(host)
    withdraw_url = reverse("sessions:withdraw_slot", args=[slot.pk])
    assert [s.pk for s in client.get(FIND).context["page"].object_list] == [slot.pk]
    assert withdraw_url in host_client.get(MINE).content.decode()
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        reverse("admin:interviews_slot_changelist"),
        {"action": "withdraw", "_selected_action": [slot.pk]},
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.status == Slot.Status.WITHDRAWN
    assert client.get(FIND).context["page"].object_list == []
    assert withdraw_url not in host_client.get(MINE).content.decode()


def test_a_closed_accounts_name_leaves_its_past_partners_pages():
    """Anonymising scrubs a name that a partner's cached pages still show."""
    from accounts.services import anonymise_user
    from sessions.scheduling.models import Booking

    leaver, partner = UserFactory(), UserFactory()
    leaver.profile.display_name = "Zephyrine Quayle"
    leaver.profile.save()
    booking = make_booking(host=leaver, guest=partner, starts_at=soon(-24 * 3))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    client = signed_in(partner)
    booking_url = reverse("sessions:booking", args=[booking.pk])
    assert "Zephyrine Quayle" in client.get(MINE).content.decode()
    assert "Zephyrine Quayle" in client.get(booking_url).content.decode()
    anonymise_user(user=leaver)
    assert "Zephyrine Quayle" not in client.get(MINE).content.decode()
    assert "Zephyrine Quayle" not in client.get(booking_url).content.decode()


def test_a_deactivated_hosts_slots_leave_the_find_page():
    """The find page lists only active hosts; staff untick is_active in the admin."""
    viewer, host = UserFactory(), UserFactory()
    slot = make_slot(host=host, starts_at=soon(30))
    client = signed_in(viewer)
    assert [s.pk for s in client.get(FIND).context["page"].object_list] == [slot.pk]
    Client().force_login(host)  # saves last_login alone: the board stays
    assert client.get(FIND).context is None
    host.is_active = False
    host.save()
    assert client.get(FIND).context["page"].object_list == []
