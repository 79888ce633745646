"""The first-run step: sign-up and confirmation lead to /welcome/, and until it is
done the publish, book and Practice now pages wait for it and peers see no level."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.models import Profile
from sessions.models import AvailabilitySchedule
from tests.accounts.conftest import deliver_outbox, element, error_beside, link_in
from tests.factories import PASSWORD, UserFactory
from tests.sessions.scheduling.scheduling_support import make_slot

pytestmark = pytest.mark.django_db

WELCOME = reverse("welcome")


def welcome_data(**overrides) -> dict:
    data = {
        "current_level": "staff",
        "target_level": "principal",
        "focus_areas": ["system_design", "behavioral"],
        "timezone": "America/Los_Angeles",
        "clock": "12h",
    }
    data.update(overrides)
    return {f"welcome-{k}": v for k, v in data.items()}


@pytest.fixture
def newcomer(db):
    return UserFactory(email="new@example.com", onboarded=False)


def test_a_new_account_has_no_levels_and_is_not_onboarded(newcomer):
    profile = Profile.objects.get(user=newcomer)
    assert (profile.current_level, profile.target_level, profile.onboarded_at) == ("", "", None)
    assert profile.level_for_peers() == "level not set"


def test_confirming_the_address_after_sign_up_lands_on_the_welcome_step(
    client, newcomer_data, mailoutbox
):
    client.post(reverse("account_signup"), newcomer_data)
    deliver_outbox()
    link = link_in(mailoutbox[0], "/accounts/confirm-email/")

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == WELCOME
    assert client.get(WELCOME).status_code == 200


def test_logging_in_before_finishing_it_lands_on_the_welcome_step(client, newcomer):
    response = client.post(
        reverse("account_login"), {"login": newcomer.email, "password": PASSWORD}
    )
    assert response["Location"] == WELCOME


def test_logging_in_after_finishing_it_lands_on_the_dashboard(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("sessions:dashboard")


def test_it_requires_login_and_takes_get_or_post(client, newcomer):
    assert client.get(WELCOME)["Location"].startswith(reverse("account_login"))
    client.force_login(newcomer)
    assert client.put(WELCOME).status_code == 405
    assert client.delete(WELCOME).status_code == 405


def test_the_form_starts_with_no_level_chosen_and_the_sign_up_zone(client, newcomer):
    Profile.objects.filter(user=newcomer).update(timezone="Europe/Berlin")
    client.force_login(newcomer)

    response = client.get(WELCOME)

    assert element(response.content, "id_welcome-timezone")[0]["value"] == "Europe/Berlin"
    html = response.content.decode()
    assert '<option value="" selected>Choose a level</option>' in html


def test_saving_it_records_the_choices_and_goes_to_the_dashboard(client, newcomer):
    client.force_login(newcomer)

    response = client.post(WELCOME, welcome_data())

    assert response["Location"] == reverse("sessions:dashboard")
    profile = Profile.objects.get(user=newcomer)
    assert (profile.current_level, profile.target_level) == ("staff", "principal")
    assert profile.focus_areas == ["system_design", "behavioral"]
    assert (profile.timezone, profile.clock) == ("America/Los_Angeles", "12h")
    assert profile.onboarded_at is not None
    assert profile.level_for_peers() == "Staff"


def test_it_returns_to_the_page_that_sent_the_person_here(client, newcomer):
    client.force_login(newcomer)
    publish = reverse("sessions:publish")

    response = client.post(WELCOME, {**welcome_data(), "next": publish})

    assert response["Location"] == publish


def test_it_ignores_a_next_address_on_another_site(client, newcomer):
    client.force_login(newcomer)

    response = client.post(WELCOME, {**welcome_data(), "next": "https://evil.example/"})

    assert response["Location"] == reverse("sessions:dashboard")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("current_level", "", "This field is required"),
        ("target_level", "", "This field is required"),
        ("target_level", "mid", "can't be below your current level (Staff)"),
        ("timezone", "US/Pacific", "Pick America/Los_Angeles"),
        ("timezone", "Africa/Asmera", "Pick Africa/Nairobi"),
        ("timezone", "Mars/Base", "not a known time zone"),
    ],
)
def test_bad_choices_get_an_error_beside_the_field_and_save_nothing(
    client, newcomer, field, value, message
):
    client.force_login(newcomer)

    response = client.post(WELCOME, welcome_data(**{field: value}))

    assert response.status_code == 400
    assert message in error_beside(response, f"id_welcome-{field}")
    profile = Profile.objects.get(user=newcomer)
    assert (profile.current_level, profile.onboarded_at) == ("", None)


def test_principal_aiming_for_mid_level_is_refused(client, newcomer):
    client.force_login(newcomer)

    response = client.post(WELCOME, welcome_data(current_level="principal", target_level="mid"))

    assert "can't be below your current level (Principal). Pick Principal or above." in (
        error_beside(response, "id_welcome-target_level")
    )


def test_a_second_visit_keeps_the_first_onboarding_time(client, user):
    first = Profile.objects.get(user=user).onboarded_at
    client.force_login(user)

    client.post(WELCOME, welcome_data())

    assert Profile.objects.get(user=user).onboarded_at == first


@pytest.mark.parametrize(
    "page",
    [
        lambda slot: reverse("sessions:publish"),
        lambda slot: reverse("sessions:book", args=[slot.pk]),
        lambda slot: reverse("matching:practice"),
        lambda slot: reverse("sessions:availability"),
    ],
    ids=["publish", "book", "practice", "weekly-availability"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_publishing_booking_and_practice_wait_for_it(client, newcomer, stranger, page, method):
    slot = make_slot(host=stranger)
    client.force_login(newcomer)
    path = page(slot)

    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"{WELCOME}?next={quote(path, safe='')}"
    slot.refresh_from_db()
    assert slot.status == "open"
    assert not AvailabilitySchedule.objects.filter(host=newcomer).exists()


def test_the_dashboard_asks_a_newcomer_to_finish_it(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("sessions:dashboard"))

    callout = element(response.content, "finish-welcome")
    assert callout and "Set your levels" in callout[1]
    assert element(response.content, "get-started") is None


def test_an_empty_dashboard_offers_publish_find_and_practice_now(client, user):
    client.force_login(user)

    response = client.get(reverse("sessions:dashboard"))

    html = response.content.decode()
    assert element(html, "finish-welcome") is None
    start = element(html, "get-started")
    assert start and "Publish a slot" in start[1] and "Find a peer" in start[1]
    for name in ("sessions:publish", "sessions:find", "matching:practice"):
        assert f'href="{reverse(name)}"' in html


def test_peers_see_level_not_set_until_the_person_chooses(client, newcomer, stranger):
    slot = make_slot(host=newcomer)
    client.force_login(stranger)

    html = client.get(reverse("sessions:book", args=[slot.pk])).content.decode()
    assert "level not set" in html

    Profile.objects.filter(user=newcomer).update(current_level="principal")
    html = client.get(reverse("sessions:book", args=[slot.pk])).content.decode()
    assert "level not set" not in html
    assert "<dd>Principal</dd>" in html


def test_the_top_navigation_offers_publish(client, user):
    client.force_login(user)
    html = client.get(reverse("sessions:find")).content.decode()
    assert f'<a href="{reverse("sessions:publish")}" >Publish</a>' in html


def test_existing_people_count_as_onboarded_from_the_migration():
    # The data migration marks every profile that existed before the step.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0006_profile_onboarding_clock_and_email_sharing")
    person = UserFactory(onboarded=False)
    migration.mark_existing_people_onboarded(apps, None)
    profile = Profile.objects.get(user=person)
    assert profile.onboarded_at == person.date_joined


def test_the_demo_people_are_onboarded_with_their_levels():
    import io

    from accounts import demo

    demo.load(io.StringIO())

    for email, *_rest in demo.PEOPLE:
        profile = Profile.objects.get(user__email=email)
        assert profile.is_onboarded
        assert profile.current_level and profile.target_level
