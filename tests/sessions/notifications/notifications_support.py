"""Real infrastructure for the notification tests: an SMTP server, Celery workers.

Nothing here stands in for project code. The SMTP server speaks enough of
RFC 5321 for smtplib (and so Django's SMTP backend) to deliver to it, and can
refuse mail or hold a connection so tests can fail or kill a sender on cue.
"""

import email
import os
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import after_task_publish, task_postrun
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.05, what: str = "it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def flush_broker() -> None:
    """Empty this suite's Redis database: no task left over from another test."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


# --- SMTP ------------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: SMTPServer = self.server.owner  # type: ignore[attr-defined]
        server.connections += 1
        if server.hold_after is not None and len(server.messages) >= server.hold_after:
            server.held.set()
            server.release.wait(60)
            return
        self.reply("220 localhost test SMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                if server.refuse:
                    self.reply("451 4.3.0 Mailbox temporarily unavailable, try again later")
                    continue
                sender, recipients = command[10:].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with server.lock:
                    server.messages.append(
                        {"from": sender, "to": recipients, "raw": b"".join(data)}
                    )
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SMTPServer:
    """A real SMTP server on 127.0.0.1 in a thread, keeping what it accepts.

    refuse: answer MAIL FROM with a temporary failure (451).
    hold_after: once this many messages are in, hold the next connection
    before the greeting until release is set (held is set meanwhile).
    """

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()
        self.refuse = False
        self.hold_after: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.connections = 0
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "SMTPServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def parsed(self) -> list[email.message.Message]:
        with self.lock:
            return [email.message_from_bytes(m["raw"]) for m in self.messages]


def use_smtp(settings_fixture, server: SMTPServer) -> None:
    """Point Django's mail at the server (pytest-django's settings fixture)."""
    settings_fixture.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings_fixture.EMAIL_HOST = "127.0.0.1"
    settings_fixture.EMAIL_PORT = server.port
    settings_fixture.EMAIL_HOST_USER = ""
    settings_fixture.EMAIL_HOST_PASSWORD = ""
    settings_fixture.EMAIL_USE_TLS = False
    settings_fixture.EMAIL_USE_SSL = False
    settings_fixture.EMAIL_TIMEOUT = 10


# --- Celery workers --------------------------------------------------------------------


class TaskTracker:
    """Which tasks this process published and which the in-thread worker finished."""

    def __init__(self) -> None:
        self.published: set[str] = set()
        self.finished: set[str] = set()
        self.lock = threading.Lock()

    def _on_publish(self, sender=None, headers=None, **kwargs) -> None:
        if headers and headers.get("id"):
            with self.lock:
                self.published.add(headers["id"])

    def _on_postrun(self, task_id=None, **kwargs) -> None:
        with self.lock:
            self.finished.add(task_id)

    def connect(self) -> None:
        after_task_publish.connect(self._on_publish, weak=False)
        task_postrun.connect(self._on_postrun, weak=False)

    def disconnect(self) -> None:
        after_task_publish.disconnect(self._on_publish)
        task_postrun.disconnect(self._on_postrun)

    def idle(self) -> bool:
        with self.lock:
            return self.published <= self.finished

    def wait_idle(self, timeout: float = 30.0) -> None:
        wait_for(self.idle, timeout=timeout, what="the worker to finish every queued task")


@contextmanager
def embedded_worker():
    """A real Celery worker in a thread of this process, consuming from Redis.

    Same process, so it shares the settings fixture, time_machine's clock and
    the locmem outbox. Yields a TaskTracker.
    """
    from interviewprep.celery import app

    flush_broker()
    tracker = TaskTracker()
    tracker.connect()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
        ):
            yield tracker
    finally:
        tracker.disconnect()
        # The worker's thread opened its own connection; the test's flush needs it gone.
        connection.close()
        flush_broker()


def worker_database_url() -> str:
    name = connection.settings_dict["NAME"]
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = connection.settings_dict.get("PORT") or 5432
    return f"postgres://{host}:{port}/{name}"


@contextmanager
def worker_process(*, name: str, email_url: str, concurrency: int = 2, pool: str = "prefork"):
    """`celery -A interviewprep worker` as a subprocess against the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "EMAIL_URL": email_url,
        "CELERY_TASK_ALWAYS_EAGER": "",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "interviewprep",
            "worker",
            "--hostname",
            f"{name}@%h",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        for raw in proc.stdout:  # type: ignore[union-attr]
            line = raw.decode(errors="replace")
            lines.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        if not ready.wait(60):
            raise AssertionError("Worker did not start:\n" + "".join(lines[-40:]))
        proc.log = lines  # type: ignore[attr-defined]
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(10)


def kill_hard(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children: no shutdown, no acks, nothing."""
    os.killpg(proc.pid, 9)
    proc.wait(10)


# --- Grading ----------------------------------------------------------------------


def submit_for(round_):
    """The interviewer fills in and submits the scorecard through the grading service."""
    from sessions.grading import services as grading

    scorecard = grading.start_scorecard(round=round_)
    data = {
        "recommendation": "yes",
        "level_calibration": "senior",
        "strengths": "Asked about scale and the SLA before drawing anything.",
        "improvement_1": "Name the trade-off you accept for simplicity.",
        "scores": {
            dimension.pk: {"value": 3, "evidence": f"Seen in the session: {dimension.name}."}
            for dimension in scorecard.rubric.dimensions.all()
        },
    }
    return grading.submit_scorecard(round=round_, grader=round_.interviewer, data=data)
