"""Serve the app and a Celery worker with beat for local development.

Ctrl-C stops all of them. Uses whatever settings the environment gives; with
none set, the embedded default (SQLite, filesystem broker, console email).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ADDR = os.environ.get("RUN_ADDR", "127.0.0.1:8000")

COMMANDS = {
    "web": [PY, "manage.py", "runserver", ADDR],
    "worker": [
        PY, "-m", "celery", "-A", "interviewprep", "worker", "-B",
        "--loglevel", "INFO", "--concurrency", "2",
        "--schedule", str(ROOT / "var" / "celerybeat-schedule"),
    ],
}  # fmt: skip


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    procs = {
        name: subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)  # noqa: S603
        for name, cmd in COMMANDS.items()
    }
    print(f"interviewprep is running at http://{ADDR}/ (Ctrl-C stops the web server and worker)")

    def stop(*_args) -> None:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    # Ctrl-C must work even when started with SIGINT ignored (e.g. from a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parent = os.getppid()
    try:
        # Stop with the parent too (e.g. `make` killed), never leave orphans.
        while all(proc.poll() is None for proc in procs.values()) and os.getppid() == parent:
            time.sleep(0.5)
        if os.getppid() != parent:
            return 0
        failed = [name for name, proc in procs.items() if proc.poll() is not None]
        print(f"{', '.join(failed)} stopped; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
