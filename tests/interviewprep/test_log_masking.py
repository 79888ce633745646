"""Credentials that travel in URLs never reach a log line."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from interviewprep.logmasking import MASK, GunicornLogger, mask_secrets, masking_action_logger

SECRETS = {
    "/calendar/Zx9_secret-TOKEN.ics": "/calendar/[masked].ics",
    "/emails/unsubscribe/eyJ1IjoxfQ:1abc:sig_nature/": "/emails/unsubscribe/[masked]/",
    "/accounts/password/reset/key/2s-c1x2y3-0123abcd/": "/accounts/password/reset/key/[masked]/",
    "/accounts/confirm-email/MQ:1t0k3n:abc/": "/accounts/confirm-email/[masked]/",
    "/playbook/success/?session_id=cs_test_a1b2c3": "/playbook/success/?session_id=[masked]",
    "/playbook/success/?x=1&session_id=cs_live_9&y=2": "/playbook/success/?x=1&session_id=[masked]&y=2",
}


@pytest.mark.parametrize(("url", "masked"), SECRETS.items())
def test_it_masks_each_kind_of_secret(url, masked):
    assert mask_secrets(f'"GET {url} HTTP/1.1" 200') == f'"GET {masked} HTTP/1.1" 200'


@pytest.mark.parametrize(
    "url",
    [
        "/interviews/12/",
        "/accounts/password/reset/key/done/",
        "/accounts/confirm-email/",
        "/playbook/",
        "/calendar/",
    ],
)
def test_it_leaves_urls_without_secrets_alone(url):
    assert mask_secrets(url) == url


def _gunicorn_atoms(raw_uri: str) -> dict:
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": f"https://example.com{raw_uri}",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("REFERER", f"https://example.com{raw_uri}")])
    return GunicornLogger(Config()).atoms(resp, req, environ, timedelta(milliseconds=3))


@pytest.mark.parametrize("url", list(SECRETS))
def test_gunicorns_access_log_atoms_are_masked(url):
    atoms = _gunicorn_atoms(url)
    secret_free = [atoms["r"], atoms["U"], atoms["q"], atoms["f"], atoms["{referer}i"]]
    assert any(MASK in value for value in secret_free)
    for value in secret_free:
        assert value == mask_secrets(value)
    assert atoms["h"] == "203.0.113.7"


def test_the_procfile_runs_daphne_with_the_masked_access_log():
    from django.conf import settings

    procfile = (settings.BASE_DIR / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert "python -m interviewprep.serve interviewprep.asgi:application" in web
    assert "--access-log" in web
    assert " daphne " not in web  # daphne's own command writes raw paths


@pytest.mark.parametrize("url", list(SECRETS))
def test_daphnes_access_log_lines_are_masked(url):
    from daphne.access import AccessLogGenerator

    stream = io.StringIO()
    log = masking_action_logger(AccessLogGenerator(stream))
    details = {"client": "203.0.113.7:5123", "method": "GET", "path": url, "status": 200}
    log("http", "complete", {**details, "size": 10})
    log("websocket", "connecting", details)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert f'"GET {SECRETS[url]}" 200 10' in lines[0]
    assert f'"WSCONNECTING {SECRETS[url]}"' in lines[1]
    assert lines[0].startswith("203.0.113.7:5123 - - [")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_production_web_process_logs_masked_paths():
    """The Procfile's entry point, started for real: a request with a calendar
    token leaves "[masked]" in daphne's access log, and the token nowhere."""
    from django.conf import settings

    from tests.asgi_server import free_port

    port = free_port()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "interviewprep.serve", "interviewprep.asgi:application"]
    command += ["--bind", "127.0.0.1", "--port", str(port), "--access-log", "-"]
    proc = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the web process did not start"
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/calendar/leaked-Token_value.ics?x=1"
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(url, timeout=20)
        assert answer.value.code == 404
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode()
    assert '"GET /calendar/[masked].ics?x=1" 404' in output
    assert "leaked-Token_value" not in output


@pytest.mark.django_db
def test_djangos_request_log_masks_a_calendar_token(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/calendar/leaked-token-value.ics")
    assert response.status_code == 404
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "django.request")
    assert "/calendar/[masked].ics" in logged
    assert "leaked-token-value" not in logged


def test_runservers_request_lines_are_masked(caplog):
    logger = logging.getLogger("django.server")
    caplog.set_level(logging.INFO, logger="django.server")
    logger.propagate = True  # so caplog's root handler sees it; the config says False
    try:
        logger.info('"%s" %s %s', "GET /emails/unsubscribe/secret-token/ HTTP/1.1", "200", "12")
    finally:
        logger.propagate = False
    assert caplog.records[-1].getMessage() == '"GET /emails/unsubscribe/[masked]/ HTTP/1.1" 200 12'
