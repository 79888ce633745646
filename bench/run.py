"""The load bench: the real server on production settings, driven by wrk.

For a small and a large data set (`seed_scale`), it serves the app with
gunicorn (-w 2, DEBUG off, PostgreSQL, Redis) and measures each key page with
`wrk -t2 -c20 -d10s --timeout 30s` from a separate process, next to two
floors measured in the same run: "ok" views through the whole middleware
stack, one anonymous and one login-required, that only the bench's URLconf
registers (bench/urls.py). /healthz, which answers before any middleware, is
measured beside them for reference. It then
times the reminder sweep with nothing due over the large reminder table,
prints its EXPLAIN (ANALYZE), and has one real Celery worker deliver 10,000
due reminders (locmem email backend).

Prints a table and writes bench/results.json. Figures are only comparable as
ratios within one run: other work on the machine moves the absolute ones.

    python bench/run.py                      # fresh databases, seeded, then measured
    python bench/run.py --reuse              # keep databases already seeded
    python bench/run.py --scales small --pages find,mine
    python bench/run.py --scales large --reuse --reminders-only
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SCALES = {"small": 50, "large": 20000}
SHARE_TARGET, P95_TARGET, FLOOR_TARGET, FLAT_TARGET = 0.5, 3.0, 0.5, 0.8
SWEEP_TARGET_MS, DELIVERY_TARGET_S = 5.0, 20.0
# Measured in every run, whatever --pages says, and not judged against the targets.
REFERENCES = ("healthz", "floor_anon", "floor_auth")


def log(message: str) -> None:
    print(message, flush=True)  # noqa: T201


def page_list(p: dict) -> list[dict]:
    """Every measured request: name, path, whether logged in, expected status."""
    return [
        {"name": "healthz (no middleware)", "key": "healthz", "path": "/healthz", "auth": False},
        {
            "name": "anonymous floor",
            "key": "floor_anon",
            "path": "/bench/anonymous-floor/",
            "auth": False,
        },
        {"name": "logged-in floor", "key": "floor_auth", "path": "/bench/floor/", "auth": True},
        {"name": "landing", "key": "landing", "path": "/", "auth": False},
        {"name": "find", "key": "find", "path": "/interviews/find/", "auth": True},
        {
            "name": "find (type+level+time)",
            "key": "find_filtered",
            "path": "/interviews/find/?interview_type=system_design&level=senior"
            "&times_of_day=morning&times_of_day=evening",
            "auth": True,
        },
        {"name": "my interviews", "key": "mine", "path": "/interviews/mine/", "auth": True},
        {
            "name": "booking detail",
            "key": "booking",
            "path": f"/interviews/{p['booking_id']}/",
            "auth": True,
        },
        {
            "name": "room",
            "key": "room",
            "path": f"/interviews/{p['booking_id']}/room/",
            "auth": True,
        },
        {"name": "dashboard", "key": "dashboard", "path": "/dashboard/", "auth": True},
        {
            "name": "feedback",
            "key": "feedback",
            "path": f"/interviews/rounds/{p['round_id']}/feedback/",
            "auth": True,
        },
        {"name": "playbook", "key": "playbook", "path": "/playbook/", "auth": True},
        {
            "name": "calendar feed",
            "key": "calendar",
            "path": f"/calendar/{p['calendar_token']}.ics",
            "auth": False,
        },
        {
            "name": "calendar feed, repeat poll",
            "key": "calendar_repeat",
            "path": f"/calendar/{p['calendar_token']}.ics",
            "auth": False,
            "conditional": True,
        },
        {
            "name": "stripe webhook (signed)",
            "key": "webhook",
            "path": "/playbook/stripe/webhook/",
            "auth": False,
            "webhook": True,
        },
    ]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="ip-bench-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.secret_key = secrets.token_urlsafe(60)
        self.webhook_secret = "whsec_" + secrets.token_hex(16)
        self.results: dict = {"scales": {}, "machine": machine()}

    # --- environment and processes --------------------------------------------

    def env(self, scale: str) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DEBUG": "0",
                "SECRET_KEY": self.secret_key,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": "https://127.0.0.1",
                "DATABASE_URL": f"{self.args.pg_url}/{self.args.prefix}_{scale}",
                "REDIS_URL": f"{self.args.redis_url}/{self.args.redis_db}",
                "EMAIL_URL": "locmem://",
                "STRIPE_SECRET_KEY": "sk_test_bench_not_used",
                "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
                "STRIPE_API_BASE": "http://127.0.0.1:9",
                "STATIC_ROOT": str(self.tmp / "static"),
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
            }
        )
        return env

    def django(self, scale: str, *args: str, timeout: float = 900) -> dict:
        out = subprocess.run(
            [PY, "-m", "bench.django_side", *args],
            cwd=ROOT,
            env=self.env(scale),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if out.returncode:
            raise SystemExit(
                f"bench step {args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
            )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def manage(self, scale: str, *args: str) -> str:
        out = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(scale),
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(
                f"manage.py {args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
            )
        return out.stdout

    def prepare(self, scale: str) -> dict:
        db = f"{self.args.prefix}_{scale}"
        members = SCALES[scale] if scale != "large" else self.args.large
        info: dict = {"members": members, "database": db}
        if self.args.reuse and database_exists(self.args.pg_url, db):
            log(f"[{scale}] reusing database {db}")
            self.manage(scale, "migrate", "--noinput", "-v0")
            return info
        log(f"[{scale}] creating {db} and seeding {members} members")
        psql(self.args.pg_url, f'DROP DATABASE IF EXISTS "{db}"')
        psql(self.args.pg_url, f'CREATE DATABASE "{db}"')
        self.manage(scale, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        out = self.manage(scale, "seed_scale", "--members", str(members))
        info["seed_seconds"] = round(time.perf_counter() - started, 1)
        info["seed_output"] = out.strip()
        log(f"[{scale}] {out.strip()} (wall {info['seed_seconds']} s)")
        return info

    def serve(self, scale: str) -> subprocess.Popen:
        self.manage(scale, "collectstatic", "--noinput", "-v0")
        flush_redis(self.args.redis_url, self.args.redis_db)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "interviewprep.wsgi:application",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env(scale),
            stdout=open(self.tmp / f"gunicorn-{scale}.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                if fetch(self.base + "/healthz", {})[0] == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.1)
        stop(server)
        raise SystemExit("gunicorn did not answer /healthz")

    # --- one page ------------------------------------------------------------------

    def headers(self, page: dict, persona: dict) -> dict:
        # A TLS-terminating proxy in front says https, as in production.
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        if page["auth"]:
            # DEBUG off makes the cookies Secure; a plain-http client sends them itself.
            headers["Cookie"] = f"{persona['session_cookie']}; {persona['csrf_cookie']}"
        return headers

    def webhook_bodies(self, count: int) -> Path:
        path = self.tmp / "webhook-bodies.txt"
        stamp = int(time.time())
        lines = []
        for i in range(count):
            body = json.dumps(
                {
                    "id": f"evt_bench_{stamp}_{i:06d}",
                    "object": "event",
                    "type": "customer.created",
                    "created": stamp,
                    "data": {"object": {"id": f"cus_bench_{i}", "object": "customer"}},
                },
                separators=(",", ":"),
            )
            signature = hmac.new(
                self.webhook_secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256
            ).hexdigest()
            lines += [f"t={stamp},v1={signature}", body]
        path.write_text("\n".join(lines) + "\n")
        return path

    def measure(self, page: dict, persona: dict) -> dict:
        headers = self.headers(page, persona)
        url = self.base + page["path"]
        env = dict(os.environ)
        bodies = None
        if page.get("webhook"):
            bodies = self.webhook_bodies(60000)
            env["BENCH_BODIES"] = str(bodies)
        # Warm with a few single requests (never a burst) and check the answer.
        status, response_headers = 0, {}
        for _ in range(3):
            if bodies:
                signature, body = bodies.read_text().splitlines()[-2:]
                status, response_headers = fetch(
                    url,
                    {**headers, "Stripe-Signature": signature, "Content-Type": "application/json"},
                    data=body.encode(),
                )
            else:
                status, response_headers = fetch(url, headers)
        expected = 200
        extra = {}
        if page.get("conditional"):
            validator = response_headers.get("etag")
            if validator:
                headers["If-None-Match"] = validator
                status, _ = fetch(url, headers)
                expected = 304
            extra["repeat_status"] = status
        if status != expected:
            raise SystemExit(f"{page['name']}: {url} answered {status}, expected {expected}")
        header_file = self.tmp / "headers.txt"
        header_file.write_text("".join(f"{k}: {v}\n" for k, v in headers.items()))
        env["BENCH_HEADERS"] = str(header_file)
        out = subprocess.run(
            [
                WRK,
                f"-t{self.args.threads}",
                f"-c{self.args.connections}",
                f"-d{self.args.duration}s",
                "--timeout",
                "30s",
                "-s",
                str(ROOT / "bench" / "wrk.lua"),
                url,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        match = re.search(r"BENCH_RESULT (.*)", out.stdout)
        if not match:
            raise SystemExit(f"wrk failed for {url}:\n{out.stdout}\n{out.stderr}")
        figures = dict(pair.split("=") for pair in match.group(1).split())
        seconds = int(figures["duration_us"]) / 1e6
        result = {
            "path": page["path"],
            "rps": int(figures["requests"]) / seconds,
            "p50_ms": int(figures["p50_us"]) / 1000,
            "p95_ms": int(figures["p95_us"]) / 1000,
            "p99_ms": int(figures["p99_us"]) / 1000,
            "requests": int(figures["requests"]),
            "non_2xx_3xx": int(figures["status_errors"]),
            "timeouts": int(figures["timeouts"]),
            "status": status,
            **extra,
        }
        # Let the server's queue drain before the next page.
        time.sleep(1)
        return result

    # --- reminders ------------------------------------------------------------------

    def reminders(self, scale: str) -> dict:
        log(f"[{scale}] timing the reminder sweep with nothing due")
        sweep = self.django(scale, "sweep", "30")
        log(f"[{scale}] delivering 10,000 due reminders with one worker")
        worker_log = self.tmp / f"worker-{scale}.log"
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "interviewprep",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env={**self.env(scale), "DJANGO_SETTINGS_MODULE": "interviewprep.settings"},
            stdout=open(worker_log, "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            for _ in range(600):
                if "ready." in worker_log.read_text():
                    break
                time.sleep(0.1)
            else:
                raise SystemExit(f"the worker did not start:\n{worker_log.read_text()[-2000:]}")
            cpu = worker_cpu_seconds(worker.pid)
            delivery = self.django(scale, "deliver", "10000", "300")
            delivery["worker_cpu_seconds"] = worker_cpu_seconds(worker.pid) - cpu
        finally:
            stop(worker)
        return {"sweep": sweep, "delivery": delivery}

    # --- the run --------------------------------------------------------------------

    def run(self) -> None:
        scales = self.args.scales.split(",")
        only = set(self.args.pages.split(",")) if self.args.pages else None
        for scale in scales:
            info = self.prepare(scale)
            if self.args.reminders_only:
                info["pages"] = {}
                info["reminders"] = self.reminders(scale)
                self.results["scales"][scale] = info
                continue
            if self.args.inprocess_only:
                self.manage(scale, "collectstatic", "--noinput", "-v0")
                flush_redis(self.args.redis_url, self.args.redis_db)
                persona = self.django(scale, "persona")
                listed = [
                    [page["key"], page["path"], page["auth"]]
                    for page in page_list(persona)
                    if not page.get("webhook") and not page.get("conditional")
                ]
                info["inprocess"] = self.django(
                    scale, "inprocess", json.dumps({"pages": listed}), "40"
                )
                info["pages"] = {}
                self.results["scales"][scale] = info
                continue
            server = self.serve(scale)
            try:
                persona = self.django(scale, "persona")
                persona["webhook_secret"] = self.webhook_secret
                pages = {}
                for page in page_list(persona):
                    if only and page["key"] not in only and page["key"] not in REFERENCES:
                        continue
                    pages[page["key"]] = {"name": page["name"], **self.measure(page, persona)}
                    r = pages[page["key"]]
                    log(
                        f"[{scale}] {page['name']:<28} {r['rps']:8.1f} req/s  "
                        f"p95 {r['p95_ms']:8.1f} ms"
                    )
            finally:
                stop(server)
            if not self.args.no_inprocess:
                log(f"[{scale}] serving each page in one process (wall, CPU and SQL time)")
                listed = [
                    [page["key"], page["path"], page["auth"]]
                    for page in page_list(persona)
                    if not page.get("webhook")
                    and not page.get("conditional")
                    and (not only or page["key"] in only or page["key"] in REFERENCES)
                ]
                info["inprocess"] = self.django(
                    scale, "inprocess", json.dumps({"pages": listed}), "40"
                )
            info["pages"] = pages
            info["load_during_run"] = os.getloadavg()
            if scale == "large" and not self.args.no_reminders:
                info["reminders"] = self.reminders(scale)
            self.results["scales"][scale] = info
        self.report()

    def report(self) -> None:
        scales = self.results["scales"]
        rows = []
        for info in scales.values():
            pages = info["pages"]
            if not pages:
                continue
            floor, anon = pages["floor_auth"], pages["floor_anon"]
            for r in pages.values():
                r["share_of_floor"] = r["rps"] / floor["rps"]
                r["p95_vs_floor"] = r["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else None
            info["floor_auth_vs_anon"] = floor["rps"] / anon["rps"]
            info["floor_auth_vs_healthz"] = floor["rps"] / pages["healthz"]["rps"]
        if "small" in scales and "large" in scales:
            for key, r in scales["large"]["pages"].items():
                small = scales["small"]["pages"].get(key)
                if small:
                    r["large_vs_small"] = r["rps"] / small["rps"]
        header = (
            f"{'scale':<6} {'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'share':>6} {'p95/fl':>6} {'L/S':>5}  ok"
        )
        rows.append(header)
        rows.append("-" * len(header))
        for scale, info in scales.items():
            if not info["pages"]:
                continue
            for key, r in info["pages"].items():
                flat = r.get("large_vs_small")
                ok = ""
                if key not in REFERENCES:
                    checks = [
                        r["share_of_floor"] >= SHARE_TARGET,
                        r["p95_vs_floor"] is not None and r["p95_vs_floor"] <= P95_TARGET,
                    ]
                    if flat is not None:
                        checks.append(flat >= FLAT_TARGET)
                    ok = "yes" if all(checks) else "NO"
                rows.append(
                    f"{scale:<6} {r['name'][:28]:<28} {r['rps']:8.1f} {r['p50_ms']:8.1f} "
                    f"{r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['share_of_floor']:6.3f} "
                    f"{r['p95_vs_floor']:6.2f} {'' if flat is None else f'{flat:5.2f}':>5}  {ok}"
                )
            rows.append(
                f"{scale:<6} logged-in floor / anonymous floor = {info['floor_auth_vs_anon']:.3f}"
                f" (target >= {FLOOR_TARGET}); against /healthz "
                f"{info['floor_auth_vs_healthz']:.3f}; load average {info['load_during_run'][0]:.2f}"
            )
        for scale, info in scales.items():
            inproc = info.get("inprocess")
            if not inproc:
                continue
            floor = inproc["floor_auth"]
            rows.append("")
            rows.append(
                f"{scale:<6} {'in one process':<28} {'wall ms':>8} {'CPU ms':>8} {'SQL ms':>8} "
                f"{'queries':>8} {'CPU/floor':>9}"
            )
            for key, r in inproc.items():
                rows.append(
                    f"{scale:<6} {key:<28} {r['wall_ms']:8.2f} {r['cpu_ms']:8.2f} "
                    f"{r['sql_ms']:8.2f} {r['queries']:8d} {r['cpu_ms'] / floor['cpu_ms']:9.2f}"
                )
        rows.append("")
        for scale, info in scales.items():
            rem = info.get("reminders")
            if not rem:
                continue
            sweep, delivery = rem["sweep"], rem["delivery"]
            rows.append(
                f"{scale:<6} sweep, nothing due, {sweep['reminder_rows']} reminder rows: median "
                f"{sweep['median_ms']:.1f} ms, p95 {sweep['p95_ms']:.1f} ms, {sweep['queries']} "
                f"queries (target <= {SWEEP_TARGET_MS} ms)"
            )
            rows.append(
                f"{scale:<6} {delivery['marked']} due reminders, one worker: "
                f"{delivery['seconds']:.1f} s (worker CPU {delivery['worker_cpu_seconds']:.1f} s), "
                f"{delivery['sweeps_queued']} sweeps, "
                f"left {delivery['left']}, statuses {delivery['statuses']} "
                f"(target <= {DELIVERY_TARGET_S} s)"
            )
        table = "\n".join(rows)
        self.results["table"] = table
        out = Path(self.args.output)
        out.write_text(json.dumps(self.results, indent=2, default=str))
        for scale, info in scales.items():
            rem = info.get("reminders")
            if rem:
                log(f"\n[{scale}] EXPLAIN (ANALYZE, BUFFERS) of the sweep with nothing due:")
                for plan in rem["sweep"]["explain"]:
                    log(plan + "\n")
        log("\n" + table)
        log(f"\nwritten to {out}")


# --- helpers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, headers: dict, data: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers, data=data)  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def psql(pg_url: str, sql: str) -> None:
    subprocess.run(["psql", f"{pg_url}/postgres", "-q", "-c", sql], check=True)


def database_exists(pg_url: str, name: str) -> bool:
    out = subprocess.run(
        ["psql", f"{pg_url}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "1"


def flush_redis(redis_url: str, db: str) -> None:
    import redis

    redis.Redis.from_url(f"{redis_url}/{db}").flushdb()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict:
    return {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pg-url", default=os.environ.get("TEST_PG_URL", "postgres://127.0.0.1:5432")
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
    )
    parser.add_argument("--redis-db", default=os.environ.get("BENCH_REDIS_DB", "14"))
    parser.add_argument("--prefix", default="interviewprep_bench", help="database name prefix")
    parser.add_argument("--scales", default="small,large")
    parser.add_argument(
        "--large", type=int, default=SCALES["large"], help="members of the large set"
    )
    parser.add_argument("--pages", default="", help="comma-separated page keys (floors always run)")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep databases already seeded")
    parser.add_argument("--no-reminders", action="store_true")
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process timings")
    parser.add_argument(
        "--reminders-only", action="store_true", help="only the reminder sweep and delivery"
    )
    parser.add_argument(
        "--inprocess-only", action="store_true", help="only the in-process timings, no server"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args()
    Bench(args).run()


if __name__ == "__main__":
    main()
