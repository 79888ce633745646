import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path, reverse

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


# A URLconf of the real site plus two views that fail, with the real handlers.
urlpatterns = [
    path("test-boom/", boom),
    path("test-forbidden/", forbidden),
    path("", include("interviewprep.urls")),
]
handler403 = "interviewprep.views.permission_denied"
handler404 = "interviewprep.views.page_not_found"
handler500 = "interviewprep.views.server_error"


def test_the_landing_page_explains_the_product_to_visitors(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    text = response.content.decode()
    for idea in ("five to eight", "“we”", "first number", "Create a free account"):
        assert idea in text
    assert reverse("account_signup") in text
    assert "cdn" not in text.lower()


def test_a_logged_in_person_goes_from_the_landing_page_to_the_dashboard(client, user):
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("sessions:dashboard")


def test_every_account_page_uses_the_site_layout(client, user):
    pages = [reverse(n) for n in ("account_login", "account_signup", "account_reset_password")]
    for url in pages:
        content = client.get(url).content.decode()
        assert 'class="site-header"' in content, url
        assert "auth-card" in content, url
    client.force_login(user)
    for name in ("account_email", "account_change_password", "account_logout"):
        content = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in content, name
        assert "auth-card" in content, name
    profile = client.get(reverse("profile")).content.decode()
    assert f'<a href="{reverse("profile")}" aria-current="page">Account</a>' in profile


def test_a_missing_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'class="site-header"' in response.content


def test_a_refusal_gets_the_styled_403(settings):
    settings.ROOT_URLCONF = __name__

    response = Client().get("/test-forbidden/")

    assert response.status_code == 403
    assert b"Not allowed" in response.content
    assert b'class="site-header"' in response.content


def test_a_crash_gets_the_styled_500(settings):
    settings.ROOT_URLCONF = __name__

    response = Client(raise_request_exception=False).get("/test-boom/")

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b'href="/static/css/app.css"' in response.content
    assert b"a bug" not in response.content


def test_the_pages_load_no_asset_from_another_host(client, user):
    client.force_login(user)
    for url in ("/", reverse("profile"), reverse("account_email")):
        content = client.get(url, follow=True).content.decode()
        for attribute in ('src="http', 'src="//', 'href="//'):
            assert attribute not in content, url
        assert '<link rel="stylesheet" href="http' not in content, url
