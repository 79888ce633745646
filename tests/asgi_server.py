"""Run the ASGI application (daphne) in a subprocess against the test database.

pytest-django's live_server speaks WSGI only, so pages that open WebSockets
(the live room) are tested against this server instead. It sees whatever the
test committed: use it with transactional tests.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_asgi_server(
    port: int, *, app: str = "interviewprep.asgi:application", **env_overrides: str
) -> subprocess.Popen:
    """Start daphne on 127.0.0.1:``port`` and wait until it accepts connections."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CHANNEL_LAYER_PREFIX": f"interviewprep-test-asgi-{port}",
        "ICE_SERVERS": "[]",
        "LOG_LEVEL": "WARNING",
        **env_overrides,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
         "--websocket_connect_timeout", "60", app],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("daphne exited at start-up")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("daphne did not start within 90 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
