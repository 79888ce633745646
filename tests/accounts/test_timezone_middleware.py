import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.middleware import TimezoneMiddleware
from accounts.models import Profile

pytestmark = pytest.mark.django_db


def zone_seen_by_view(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    middleware = TimezoneMiddleware(lambda r: HttpResponse(timezone.get_current_timezone_name()))
    return middleware(request).content.decode()


def test_it_activates_the_viewers_zone(user):
    Profile.objects.filter(user=user).update(timezone="Asia/Kolkata")
    user.refresh_from_db()

    assert zone_seen_by_view(user) == "Asia/Kolkata"


def test_a_visitor_sees_utc_even_after_someone_elses_request(user):
    Profile.objects.filter(user=user).update(timezone="Asia/Kolkata")
    user.refresh_from_db()
    zone_seen_by_view(user)

    # The same thread serves the next request: the zone must not leak into it.
    assert zone_seen_by_view(AnonymousUser()) == "UTC"


def test_a_zone_that_no_longer_exists_falls_back_to_utc(user):
    # Written past the validators, as an old row or a removed IANA name would be.
    Profile.objects.filter(user=user).update(timezone="Atlantis/Capital")
    user.refresh_from_db()

    assert zone_seen_by_view(user) == "UTC"


def test_a_user_without_a_profile_sees_utc(user):
    Profile.objects.filter(user=user).delete()
    user.refresh_from_db()

    assert zone_seen_by_view(user) == "UTC"
