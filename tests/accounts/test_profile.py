from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from accounts import urls as account_urls
from accounts.models import Profile
from tests.accounts.conftest import element, error_beside

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")


def valid_data(**overrides) -> dict:
    data = {
        "display_name": "Ada L.",
        "timezone": "Europe/Berlin",
        "current_level": "senior",
        "target_level": "staff",
        "years_of_experience": "11",
        "focus_areas": ["system_design", "compensation"],
        "bio": "Backend lead.",
        "clock": "24h",
    }
    data.update(overrides)
    return {f"profile-{k}": v for k, v in data.items()}


def snapshot(profile: Profile) -> dict:
    profile.refresh_from_db()
    return {f.name: getattr(profile, f.name) for f in Profile._meta.concrete_fields}


def test_it_requires_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_refuses_other_methods(client, user):
    client.force_login(user)

    assert client.put(PROFILE).status_code == 405
    assert client.delete(PROFILE).status_code == 405


def test_it_shows_the_requesters_own_profile(client, user, stranger):
    stranger.profile.display_name = "Someone Else"
    stranger.profile.save(update_fields=["display_name"])
    client.force_login(user)

    response = client.get(PROFILE)

    assert response.status_code == 200
    assert response.context["form"].instance == user.profile
    assert b"owner@example.com" in response.content
    assert b"Someone Else" not in response.content
    assert b"stranger@example.com" not in response.content


def test_no_account_address_carries_a_person_id():
    # The profile pages act on request.user only; there is nothing to guess.
    assert all(not p.pattern.converters for p in account_urls.urlpatterns)


def test_it_saves_the_profile(client, user):
    client.force_login(user)
    response = client.post(PROFILE, valid_data())
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Ada L."
    assert user.profile.timezone == "Europe/Berlin"
    assert user.profile.focus_areas == ["system_design", "compensation"]
    assert user.profile.years_of_experience == 11
    assert b"Your profile is saved." in client.get(PROFILE).content


def test_a_post_only_ever_changes_the_requesters_profile(client, user, stranger):
    before = snapshot(user.profile)
    client.force_login(stranger)

    data = valid_data(display_name="Mallory")
    # Fields a form could be tricked with: none of them is accepted.
    data.update(
        {
            "profile-user": str(user.pk),
            "user": str(user.pk),
            "profile-id": str(user.profile.pk),
            "profile-calendar_token": user.profile.calendar_token,
            "profile-no_shows": "0",
        }
    )
    client.post(PROFILE, data)

    assert snapshot(user.profile) == before
    stranger.profile.refresh_from_db()
    assert stranger.profile.display_name == "Mallory"
    assert stranger.profile.calendar_token != user.profile.calendar_token


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus_Mons", "not a known time zone"),
        ("timezone", "Factory", "not a known time zone"),
        ("timezone", "", "This field is required"),
        ("display_name", "A" * 61, "at most 60 characters"),
        ("bio", "b" * 601, "at most 600 characters"),
        ("years_of_experience", "61", "less than or equal to 60"),
        ("years_of_experience", "-1", "greater than or equal to 0"),
        ("years_of_experience", "ten", "whole number"),
        ("current_level", "intern", "Select a valid choice"),
        ("current_level", "", "This field is required"),
        ("target_level", "mid", "can't be below your current level (Senior)"),
        ("timezone", "US/Pacific", "Pick America/Los_Angeles"),
        ("timezone", "Asia/Calcutta", "Pick Asia/Kolkata"),
        ("timezone", "Etc/UTC", "Pick UTC"),
        ("timezone", "GMT", "Pick UTC"),
        ("clock", "25h", "Select a valid choice"),
        ("focus_areas", ["system_design", "astrology"], "Select a valid choice"),
    ],
)
def test_bad_input_gets_an_error_beside_the_field_and_saves_nothing(
    client, user, field, value, message
):
    before = snapshot(user.profile)
    client.force_login(user)

    response = client.post(PROFILE, valid_data(**{field: value}))

    assert response.status_code == 200
    if field in ("focus_areas", "clock"):
        # A checkbox or radio group: the error sits in its fieldset, tied by aria-describedby.
        fieldset = element(response.content, f"id_profile-{field}_error")
        assert fieldset and message in fieldset[1]
    else:
        assert message in error_beside(response, f"id_profile-{field}")
    assert snapshot(user.profile) == before


def test_a_rejected_form_does_not_change_the_zone_of_the_page(client, user):
    client.force_login(user)

    response = client.post(PROFILE, valid_data(timezone="Asia/Tokyo", bio="b" * 601))

    local_time = element(response.content, "local-time")
    assert "Times are shown in UTC" in local_time[1]


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(
    ("zone", "suspended", "joined"),
    [
        ("Europe/Berlin", "Tue 10 Mar, 13:00", "Sun 1 Feb 2026, 00:30"),
        ("America/Los_Angeles", "Tue 10 Mar, 05:00", "Sat 31 Jan 2026, 15:30"),
    ],
)
def test_times_are_rendered_in_the_viewers_zone(client, user, zone, suspended, joined):
    profile = user.profile
    profile.timezone = zone
    profile.booking_suspended_until = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    profile.save(update_fields=["timezone", "booking_suspended_until"])
    user.date_joined = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    user.save(update_fields=["date_joined"])
    client.force_login(user)

    response = client.get(PROFILE)

    assert suspended in element(response.content, "booking-suspended")[1]
    assert element(response.content, "member-since")[1] == joined
    assert f"Times are shown in {zone}" in element(response.content, "local-time")[1]


def test_the_email_preferences_are_saved(client, user):
    client.force_login(user)

    response = client.post(
        reverse("notification_preferences"),
        {"prefs-email_reminder_24h": "on", "prefs-email_feedback": "on"},
    )

    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.email_reminder_24h is True
    assert user.profile.email_reminder_1h is False
    assert user.profile.email_feedback is True


def test_the_email_preferences_take_a_post(client, user):
    client.force_login(user)

    assert client.get(reverse("notification_preferences")).status_code == 405


def test_replacing_the_calendar_address_changes_only_the_requesters(client, user, stranger):
    owner_token = user.profile.calendar_token
    stranger_token = stranger.profile.calendar_token
    client.force_login(stranger)

    response = client.post(reverse("rotate_calendar_token"))

    assert response.status_code == 302
    user.profile.refresh_from_db()
    stranger.profile.refresh_from_db()
    assert user.profile.calendar_token == owner_token
    assert stranger.profile.calendar_token != stranger_token


def test_replacing_the_calendar_address_takes_a_post(client, user):
    client.force_login(user)

    assert client.get(reverse("rotate_calendar_token")).status_code == 405


def test_principal_aiming_for_mid_level_is_refused_on_the_target_field(client, user):
    before = snapshot(user.profile)
    client.force_login(user)

    response = client.post(PROFILE, valid_data(current_level="principal", target_level="mid"))

    assert "can't be below your current level (Principal). Pick Principal or above." in (
        error_beside(response, "id_profile-target_level")
    )
    assert snapshot(user.profile) == before


def test_a_target_at_the_current_level_is_fine(client, user):
    client.force_login(user)

    response = client.post(PROFILE, valid_data(current_level="principal", target_level="principal"))

    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert (user.profile.current_level, user.profile.target_level) == ("principal", "principal")


def test_a_zone_saved_under_an_old_alias_keeps_working_and_the_form_offers_the_current_name(
    client, user
):
    Profile.objects.filter(user=user).update(timezone="US/Pacific")
    client.force_login(user)

    response = client.get(PROFILE)

    assert response.status_code == 200
    zone_input = element(response.content, "id_profile-timezone")[0]
    assert zone_input["value"] == "America/Los_Angeles"
    assert zone_input["list"] == "id_profile-timezone_zones"
    assert "Times are shown in US/Pacific" in element(response.content, "local-time")[1]


def test_the_zone_list_offers_current_names_only(client, user):
    client.force_login(user)

    html = client.get(PROFILE).content.decode()

    assert '<option value="America/Los_Angeles">' in html
    assert '<option value="Africa/Asmara">' in html
    assert '<option value="UTC">' in html
    for alias in ("US/Pacific", "Africa/Asmera", "Asia/Calcutta", "Etc/GMT+5", "Factory"):
        assert f'<option value="{alias}">' not in html


def test_the_clock_and_email_sharing_are_saved(client, user):
    client.force_login(user)
    assert user.profile.share_email_with_peers is False

    response = client.post(PROFILE, valid_data(clock="12h", share_email_with_peers="on"))

    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.clock == "12h"
    assert user.profile.share_email_with_peers is True


@time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_times_on_the_page_follow_the_12_hour_clock(client, user):
    profile = user.profile
    profile.timezone = "Europe/Berlin"
    profile.clock = "12h"
    profile.booking_suspended_until = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    profile.save(update_fields=["timezone", "clock", "booking_suspended_until"])
    client.force_login(user)

    response = client.get(PROFILE)

    assert "Tue 10 Mar, 1:00 PM" in element(response.content, "booking-suspended")[1]
