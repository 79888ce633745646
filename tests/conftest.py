import os
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
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


# PIN_NOW=2026-03-08T10:30:00Z runs every selected test as if the wall clock
# read that instant (ISO 8601, with an offset or Z). The clock keeps ticking
# from there, in the test thread, the live server thread and in-process Celery
# workers alike, and every browser context starts at the same instant. Used by
# `make test-clock` to show that tests marked `clock` hold at any hour.
PIN_NOW_VARIABLE = "PIN_NOW"


def pinned_now() -> datetime | None:
    """The instant PIN_NOW names (aware, UTC), or None when it is unset or empty.

    Raises pytest.UsageError for a value that is not an ISO 8601 date-time with an offset.
    """
    raw = os.environ.get(PIN_NOW_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(
            f"{PIN_NOW_VARIABLE}={raw!r} is not an ISO 8601 date-time"
        ) from None
    if instant.tzinfo is None:
        raise pytest.UsageError(f"{PIN_NOW_VARIABLE}={raw!r} needs an offset, e.g. Z or +02:00")
    return instant.astimezone(UTC)


def pytest_report_header(config):
    instant = pinned_now()
    if instant is not None:
        return f"clock pinned: every test starts at {instant.isoformat()} ({PIN_NOW_VARIABLE})"


def pytest_configure(config):
    pinned_now()  # a malformed PIN_NOW stops the run before any test
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
    # Page tests read response.context, which a page served from the page cache
    # lacks; tests/accounts/test_pagecache.py and the browser tests turn it on.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    # First autouse fixture, so the data other fixtures build already sees the pinned clock.
    instant = pinned_now()
    if instant is None:
        yield
        return
    if request.node.get_closest_marker("real_clock"):
        pytest.skip(f"{PIN_NOW_VARIABLE}: its worker subprocesses cannot share the pinned clock")
    with time_machine.travel(instant, tick=True):
        yield


@pytest.fixture(autouse=True)
def _page_cache_when_marked(request, settings):
    # A browser reads pages as production serves them: from the page cache when
    # nothing they show has changed; so do the tests marked page_cache.
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("page_cache"):
        settings.PAGE_CACHE_SECONDS = 60


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
def noon_in_los_angeles():
    """The clock moved to 12:00 Los Angeles time on today's date there, and running on.

    For tests whose wording depends on the hour ("in 2 d", "tomorrow at"): the
    hour is then fixed while the date still follows the real or pinned clock, so
    DST changes, year ends and 29 February still come round. Yields the instant.
    """
    zone = ZoneInfo("America/Los_Angeles")
    today = datetime.now(UTC).astimezone(zone).date()
    noon = datetime.combine(today, time(12, 0), tzinfo=zone)
    with time_machine.travel(noon, tick=True):
        yield noon


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
        browser.new_context = _on_python_clock(browser.new_context)
        yield browser
        browser.close()


def _on_python_clock(new_context):
    """Wrap Browser.new_context so each context's clock starts at Python's "now".

    Under time_machine (a test's own travel or PIN_NOW) the pages then read the
    same instant as the server, so countdowns and timers the browser computes
    agree with what the server rendered. The browser clock runs on from there.
    """

    def wrapped(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.clock.install(time=datetime.now(UTC))
        return context

    return wrapped
