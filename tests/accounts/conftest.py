import re
from html.parser import HTMLParser

import pytest

from tests.factories import PASSWORD
from tests.outages import RedisServer

VOID = {"input", "br", "img", "meta", "link", "hr", "area", "base", "col", "source", "wbr"}


class _ElementById(HTMLParser):
    def __init__(self, element_id: str):
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.attrs: dict | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            return
        if dict(attrs).get("id") == self.element_id and self.attrs is None:
            self.attrs = dict(attrs)
            if tag not in VOID:
                self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element(html: str | bytes, element_id: str) -> tuple[dict, str] | None:
    """The attributes and whitespace-normalised text of the element with this id."""
    if isinstance(html, bytes):
        html = html.decode()
    parser = _ElementById(element_id)
    parser.feed(html)
    if parser.attrs is None:
        return None
    return parser.attrs, " ".join("".join(parser.parts).split())


def error_beside(response, field_id: str) -> str:
    """The error text rendered next to a field, checked to be tied to the input.

    Fails when the field has no error, or when the input does not point
    screen readers at it with aria-describedby.
    """
    html = response.content.decode()
    found = element(html, f"{field_id}_error")
    assert found, f"no error is shown beside {field_id}"
    control = element(html, field_id)
    assert control, f"no control with id {field_id}"
    described_by = control[0].get("aria-describedby", "")
    assert f"{field_id}_error" in described_by.split(), described_by
    return found[1]


def link_in(message, path_prefix: str) -> str:
    """The first absolute link in an email whose path starts with path_prefix."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S*)", message.body)
    assert match, f"no {path_prefix} link in: {message.body}"
    return match.group(1)


@pytest.fixture
def newcomer_data() -> dict:
    return {
        "email": "newcomer@example.com",
        "display_name": "Nia",
        "timezone": "America/Sao_Paulo",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }


def deliver_outbox() -> list:
    """Do what the worker does: send every due outbox row. Returns mail.outbox."""
    from django.core import mail

    from accounts.outbox import send_due_emails

    send_due_emails()
    return mail.outbox


def log_in_for_changes(client, user, password: str = PASSWORD) -> None:
    """Log in, then give the password again, as before changing the email address.

    allauth asks for a fresh confirmation (ACCOUNT_REAUTHENTICATION_REQUIRED)
    before security changes; a plain log-in does not count as one.
    """
    from django.contrib.auth import SESSION_KEY
    from django.urls import reverse

    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication failed"
    assert client.session.get(SESSION_KEY) == str(user.pk)


@pytest.fixture
def redis_server(settings):
    """A redis-server of the test's own, the cache pointed at it; stop it to cut Redis off."""
    server = RedisServer().start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url, "KEY_PREFIX": "outage"}
    }
    yield server
    server.stop()
