"""With the signed-in person read from the cache, every change to them is seen on the next request.

The person (user and profile) comes from the cache while their version token
holds (accounts.pagecache.signed_in_person). These tests change the person
through the site's own flows, each from another device or process, and check
that the next request acts on the person as the database now has them.
"""

import io
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.backends import ModelBackend
from accounts.models import User
from sessions.scheduling import services
from tests.accounts.conftest import deliver_outbox, link_in
from tests.factories import PASSWORD, UserFactory, make_booking

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

MINE = reverse("sessions:mine")
PROFILE = reverse("profile")
ADMIN = reverse("admin:accounts_user_changelist")
NEW = "a-brand-new-passphrase-42"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(MINE).status_code == 200  # the person is now in the cache
    return client


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_unticking_staff_in_the_admin_ends_admin_access_at_once(staff):
    colleague = UserFactory(is_staff=True, is_superuser=True)
    theirs = signed_in(colleague)
    assert theirs.get(ADMIN).status_code == 200
    admin = signed_in(staff)
    change = reverse("admin:accounts_user_change", args=[colleague.pk])
    form = admin.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "email": colleague.email,
            "is_active": "on",
            "groups": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-id": str(colleague.profile.pk),
            "profile-0-user": str(colleague.pk),
            "profile-0-timezone": "UTC",
            "profile-0-clock": "24h",
            "profile-0-completed_sessions": "0",
            "profile-0-late_cancellations": "0",
            "profile-0-no_shows": "0",
        }
    )
    data.pop("is_staff", None)
    data.pop("is_superuser", None)
    response = admin.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=colleague.pk).is_staff
    response = theirs.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_password_change_signs_the_other_devices_out(user):
    other = signed_in(user)
    this = signed_in(user)
    response = this.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    assert this.get(MINE).status_code == 200  # the device that changed it stays in
    assert signed_out(other.get(MINE))


def test_a_password_reset_signs_every_device_out(user, mailoutbox):
    other = signed_in(user)
    anonymous = Client()
    anonymous.post(reverse("account_reset_password"), {"email": user.email})
    deliver_outbox()
    link = link_in(mailoutbox[-1], "/accounts/password/reset/key/")
    form_page = anonymous.get(link, follow=True)
    done = anonymous.post(form_page.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    assert done.status_code == 302
    assert signed_out(other.get(MINE))


def test_changepassword_from_the_command_line_signs_every_device_out(user, monkeypatch):
    other = signed_in(user)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW)
    call_command("changepassword", user.email, stdout=io.StringIO())
    assert signed_out(other.get(MINE))


def test_closing_the_account_signs_the_other_devices_out(user):
    other = signed_in(user)
    this = signed_in(user)
    response = this.get("/profile/delete/")
    this.post(response["Location"], {"password": PASSWORD})
    this.post("/profile/delete/", {"confirmation": "delete my account"})
    assert User.objects.get(pk=user.pk).is_anonymised
    assert signed_out(other.get(MINE))


def test_signing_out_and_in_as_another_person_shows_the_other_person(user, stranger):
    client = signed_in(user)
    client.logout()
    client.post(reverse("account_login"), {"login": stranger.email, "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(stranger.pk)
    page = client.get(PROFILE)
    assert page.context["user"].pk == stranger.pk
    assert stranger.email.encode() in page.content


def test_a_late_cancellation_shows_on_the_next_profile_page():
    booking = make_booking(starts_at=timezone.now() + timedelta(hours=3))
    guest = signed_in(booking.guest)
    guest.get(PROFILE)
    services.cancel_booking(booking=booking, by=booking.guest, reason="Ill")
    page = guest.get(PROFILE)
    assert page.context["user"].profile.late_cancellations == 1


def test_a_finished_session_counts_on_the_next_profile_page():
    booking = make_booking(starts_at=timezone.now() - timedelta(hours=3))
    host = signed_in(booking.host)
    services.complete_finished_bookings()
    assert host.get(PROFILE).context["user"].profile.completed_sessions == 1


def test_a_confirmed_new_address_is_the_signed_in_email_at_once(user, mailoutbox):
    other = signed_in(user)
    this = Client()
    this.force_login(user)
    this.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    this.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    deliver_outbox()
    this.post(link_in(mailoutbox[-1], "/accounts/confirm-email/"))
    assert User.objects.get(pk=user.pk).email == "new@example.com"
    assert other.get(PROFILE).context["user"].email == "new@example.com"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deactivation_committed_while_another_request_loads_is_seen_next():
    person = UserFactory()
    backend = ModelBackend()
    saved, commit = threading.Event(), threading.Event()

    def deactivate() -> None:
        try:
            with transaction.atomic():
                user = User.objects.get(pk=person.pk)
                user.is_active = False
                user.save()
                saved.set()
                commit.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=deactivate)
    writer.start()
    assert saved.wait(10)
    # Read meanwhile: the row is not committed yet, so the person loads active and is kept.
    assert backend.get_user(person.pk) is not None
    commit.set()
    writer.join(10)
    assert backend.get_user(person.pk) is None


def test_a_flushed_cache_keeps_people_signed_in_as_themselves(user):
    client = signed_in(user)
    cache.clear()  # sessions are written through to the database (cached_db)
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert page.context["user"].pk == user.pk


def test_with_redis_stopped_signed_in_pages_work_and_read_the_database(user, redis_server):
    client = signed_in(user)
    redis_server.stop()
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert page.context["user"].pk == user.pk
    User.objects.filter(pk=user.pk).update(is_active=False)  # nothing is told: Redis is down
    assert signed_out(client.get(MINE))


def test_a_new_time_zone_is_the_next_pages_zone(user):
    client = signed_in(user)
    form = client.get(PROFILE).context["form"]
    data = {f"profile-{k}": v for k, v in form.initial.items() if v not in (None, "")}
    data["profile-timezone"] = "Asia/Tokyo"
    data["profile-focus_areas"] = form.initial["focus_areas"] or []
    assert client.post(PROFILE, data).status_code == 302
    page = client.get(MINE)
    assert b"Times are shown in Asia/Tokyo" in page.content


def test_finishing_the_welcome_step_opens_the_pages_that_need_it():
    person = UserFactory(onboarded=False)
    client = signed_in(person)
    publish = reverse("sessions:publish")
    assert client.get(publish)["Location"].startswith(reverse("welcome"))
    response = client.post(
        reverse("welcome"),
        {
            "welcome-current_level": "senior",
            "welcome-target_level": "staff",
            "welcome-focus_areas": ["coding"],
            "welcome-timezone": "UTC",
            "welcome-clock": "24h",
        },
    )
    assert response.status_code == 302, response.content
    assert client.get(publish).status_code == 200


def test_a_second_upheld_no_show_pauses_booking_on_the_next_request(staff):
    guest = UserFactory()
    client = signed_in(guest)
    for hours in (3, 6):
        booking = make_booking(guest=guest, starts_at=timezone.now() - timedelta(hours=hours))
        report = services.report_no_show(booking=booking, by=booking.host)
        services.uphold_no_show(report=report, by=staff)
    page = client.get(PROFILE)
    assert page.context["user"].profile.is_booking_suspended()
    assert b'id="booking-suspended"' in page.content


def test_an_upheld_no_show_uncounts_the_finished_session_on_the_next_request(staff):
    booking = make_booking(starts_at=timezone.now() - timedelta(hours=3))
    services.complete_finished_bookings()
    host = signed_in(booking.host)
    assert host.get(PROFILE).context["user"].profile.completed_sessions == 1
    report = services.report_no_show(booking=booking, by=booking.host)
    services.uphold_no_show(report=report, by=staff)
    # The count falls by a bulk UPDATE; the saves of the booking and the report tell.
    assert host.get(PROFILE).context["user"].profile.completed_sessions == 0
