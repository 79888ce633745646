"""The signed-in person is read from the cache while their version token holds (accounts.pagecache)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.backends import ModelBackend
from accounts.models import User
from accounts.pagecache import people_changed, signed_in_person
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

MINE = reverse("sessions:mine")


class Loader:
    """Loads the person as the backends do, counting the loads."""

    def __init__(self, user_id: int) -> None:
        self.user_id, self.loads = user_id, 0

    def __call__(self) -> User | None:
        self.loads += 1
        return User.objects.select_related("profile").filter(pk=self.user_id).first()


def test_the_second_read_comes_from_the_cache_with_the_profile(django_assert_num_queries):
    person = UserFactory()
    load = Loader(person.pk)
    signed_in_person(person.pk, load)
    with django_assert_num_queries(0):
        again = signed_in_person(person.pk, load)
        zone = again.profile.timezone  # joined: no query for the profile either
    assert load.loads == 1
    assert (again.pk, again.email, zone) == (person.pk, person.email, person.profile.timezone)
    # Each read is its own copy: changing one never reaches the next request.
    again.profile.timezone = "Asia/Tokyo"
    assert signed_in_person(person.pk, load).profile.timezone == person.profile.timezone


@pytest.mark.parametrize("change", ["profile save", "user save", "people_changed"])
def test_a_change_to_the_person_is_read_again(change):
    person = UserFactory()
    load = Loader(person.pk)
    signed_in_person(person.pk, load)
    profile = User.objects.get(pk=person.pk).profile
    if change == "profile save":
        profile.timezone = "Europe/Berlin"
        profile.save()
    elif change == "user save":
        User.objects.filter(pk=person.pk).update(email="renamed@example.com")
        User.objects.get(pk=person.pk).save()
    else:
        # A bulk .update() sends no signal; its code says so itself.
        type(profile).objects.filter(pk=profile.pk).update(timezone="Europe/Berlin")
        people_changed(person.pk)
    fresh = signed_in_person(person.pk, load)
    assert load.loads == 2
    if change == "user save":
        assert fresh.email == "renamed@example.com"
    else:
        assert fresh.profile.timezone == "Europe/Berlin"


def test_a_change_made_while_loading_is_not_kept_as_current():
    person = UserFactory()

    def load_then_change():
        found = User.objects.select_related("profile").get(pk=person.pk)
        people_changed(person.pk)  # another request changed the person meanwhile
        return found

    signed_in_person(person.pk, load_then_change)
    load = Loader(person.pk)
    signed_in_person(person.pk, load)
    assert load.loads == 1


def test_with_the_page_cache_off_every_read_loads(settings):
    settings.PAGE_CACHE_SECONDS = 0
    person = UserFactory()
    load = Loader(person.pk)
    signed_in_person(person.pk, load)
    signed_in_person(person.pk, load)
    assert load.loads == 2


def test_no_such_person_is_not_kept():
    load = Loader(10**12)
    assert signed_in_person(10**12, load) is None
    assert signed_in_person(10**12, load) is None
    assert load.loads == 2


def test_a_signed_in_page_runs_no_sql_before_its_view(django_assert_num_queries):
    person = UserFactory()
    client = Client()
    client.force_login(person)
    client.get(MINE)
    client.get(MINE)
    with django_assert_num_queries(0):  # session, user and page all from the cache
        assert client.get(MINE).status_code == 200


def test_deactivating_an_account_signs_its_sessions_out_at_once():
    person = UserFactory()
    client = Client()
    client.force_login(person)
    assert client.get(MINE).status_code == 200
    person.refresh_from_db()
    person.is_active = False
    person.save()  # as the admin's change form does
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_new_password_signs_other_sessions_out_at_once():
    person = UserFactory()
    other_device = Client()
    other_device.force_login(person)
    assert other_device.get(MINE).status_code == 200
    person.refresh_from_db()
    person.set_password("a-brand-new-passphrase-42")
    person.save()
    response = other_device.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_backends_check_the_cached_person_can_still_sign_in():
    person = UserFactory()
    backend = ModelBackend()
    assert backend.get_user(person.pk).pk == person.pk
    User.objects.filter(pk=person.pk).update(is_active=False)
    people_changed(person.pk)
    assert backend.get_user(person.pk) is None
