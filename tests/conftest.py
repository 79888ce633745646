import os

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    # Only tests/accounts/test_settings.py may touch SQLite, and it does so in
    # subprocesses; the suite itself must run on PostgreSQL and Redis.
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The suite runs on PostgreSQL, not {engine}: use `make test` or `make pytest`."
        )
    if not settings.REDIS_URL:
        raise pytest.UsageError("The suite needs REDIS_URL: use `make test` or `make pytest`.")
    # A live server thread that keeps its connection would block dropping the
    # test database at the end; and slow password hashing only costs time here.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters and cached values live in the test Redis database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_media(settings, tmp_path):
    """Private uploads (the playbook PDF) go to a folder of this test's own."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@example.com")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def browser():
    """Headless Debian Chromium, shared by one test."""
    from playwright.sync_api import sync_playwright

    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"), (
        "browser tests need DJANGO_ALLOW_ASYNC_UNSAFE"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield browser
        browser.close()
