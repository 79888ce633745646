import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_staff_can_find_people_by_email_and_name(client, staff, user):
    user.profile.display_name = "Ada"
    user.profile.save(update_fields=["display_name"])
    client.force_login(staff)

    by_email = client.get(reverse("admin:accounts_user_changelist"), {"q": "owner@"})
    by_name = client.get(reverse("admin:accounts_profile_changelist"), {"q": "Ada"})

    assert by_email.status_code == 200
    assert list(by_email.context["cl"].result_list) == [user]
    assert [p.user for p in by_name.context["cl"].result_list] == [user]


def test_staff_see_a_person_with_their_profile(client, staff, user):
    client.force_login(staff)

    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert response.status_code == 200
    assert b"owner@example.com" in response.content
    assert b"Time zone" in response.content or b"Timezone" in response.content
    assert b"username" not in response.content.lower()


def test_staff_can_add_a_person_without_a_username(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.com",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    added = User.objects.get(email="added@example.com")
    assert added.check_password("a-long-enough-passphrase")
    # The profile comes with the user; staff edit it on the next page.
    assert added.profile.timezone == "UTC"
    change_page = client.get(response["Location"])
    assert b"profile-0-timezone" in change_page.content


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, user):
    client.force_login(user)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
