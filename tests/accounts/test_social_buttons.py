"""'Continue with GitHub / Google' appear only when their client id and secret are set.

Settings read the environment once, at import, so the configured case runs the
app in a subprocess against this test run's PostgreSQL database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

RENDER_LOGIN = """
import json, django
django.setup()
from django.test import Client
client = Client()
page = client.get("/accounts/login/").content.decode()
signup = client.get("/accounts/signup/").content.decode()
started = client.post("/accounts/github/login/?process=login")
print(json.dumps({
    "login": page, "signup": signup,
    "status": started.status_code, "location": started.get("Location", ""),
}))
"""


def run_with(env: dict) -> dict:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "GOOGLE_")) and k != "DEBUG"
    }
    result = subprocess.run(
        [sys.executable, "-c", RENDER_LOGIN],
        cwd=ROOT,
        env={**base, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_there_are_no_provider_buttons_without_configuration(client):
    for url in (reverse("account_login"), reverse("account_signup")):
        content = client.get(url).content
        assert b"Continue with" not in content
        assert b"or with your email address" not in content


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_configured_providers_get_a_button_that_starts_their_login():
    out = run_with(
        {
            "GITHUB_CLIENT_ID": "gh-client-id",
            "GITHUB_CLIENT_SECRET": "gh-secret",
            "GOOGLE_CLIENT_ID": "google-client-id",
            "GOOGLE_CLIENT_SECRET": "google-secret",
        }
    )

    for page in (out["login"], out["signup"]):
        assert "Continue with GitHub" in page
        assert "Continue with Google" in page
        assert "or with your email address" in page
    assert out["status"] == 302
    location = urlparse(out["location"])
    assert (location.netloc, location.path) == ("github.com", "/login/oauth/authorize")
    assert parse_qs(location.query)["client_id"] == ["gh-client-id"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_provider_needs_both_its_id_and_its_secret():
    out = run_with({"GITHUB_CLIENT_ID": "gh-client-id", "GOOGLE_CLIENT_SECRET": "orphan"})

    assert "Continue with" not in out["login"]
    assert out["status"] == 404
