import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_requires_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_saves_the_profile(client, user):
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "profile-display_name": "Ada L.",
            "profile-timezone": "Europe/Berlin",
            "profile-current_level": "senior",
            "profile-target_level": "staff",
            "profile-years_of_experience": "11",
            "profile-focus_areas": ["system_design", "compensation"],
            "profile-bio": "Backend lead.",
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.timezone == "Europe/Berlin"
    assert user.profile.focus_areas == ["system_design", "compensation"]
    assert user.profile.years_of_experience == 11
