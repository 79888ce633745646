"""Terms, privacy and contact: public pages in the footer of every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FOOTER_LINKS = ("terms", "privacy", "contact")


@pytest.mark.parametrize("name", FOOTER_LINKS)
def test_each_page_is_public_and_takes_get_only(client, name):
    assert client.get(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


def test_the_contact_address_comes_from_the_setting(client, settings):
    settings.CONTACT_EMAIL = "help@interviewprep.example"
    for name in FOOTER_LINKS:
        assert (
            'href="mailto:help@interviewprep.example"' in client.get(reverse(name)).content.decode()
        )


def test_the_privacy_page_says_what_we_store_who_takes_cards_and_how_to_leave(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "What we store" in html
    assert "Stripe" in html and "card number never reaches our servers" in html
    assert "Download my data" in html and "Delete my account" in html


@pytest.mark.parametrize(
    "page", ["home", "account_login", "terms", "sessions:board", "payments:playbook"]
)
def test_every_page_has_the_footer_links_signed_out(client, page):
    html = client.get(reverse(page)).content.decode()
    for name in FOOTER_LINKS:
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("payments:purchases")}"' not in html


@pytest.mark.parametrize("page", ["sessions:dashboard", "profile", "sessions:find"])
def test_signed_in_pages_link_terms_and_my_purchases(client, user, page):
    client.force_login(user)
    html = client.get(reverse(page)).content.decode()
    for name in FOOTER_LINKS:
        assert f'href="{reverse(name)}"' in html
    assert ">My purchases</a>" in html
    assert f'href="{reverse("payments:purchases")}"' in html


def test_the_account_page_links_my_purchases(client, user):
    from tests.accounts.conftest import element

    client.force_login(user)
    link = element(client.get(reverse("profile")).content, "my-purchases")
    assert link[0]["href"] == reverse("payments:purchases")


def test_the_error_page_has_the_footer_links_too():
    # 500.html renders without template tags; its links are plain paths that must stay right.
    from django.template import loader

    html = loader.get_template("500.html").render()
    for name in FOOTER_LINKS:
        assert f'href="{reverse(name)}"' in html
