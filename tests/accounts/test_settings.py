"""Settings are read once at import, so each case runs Django in a subprocess
with exactly the environment it describes."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_NAMES = [
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL",
    "DEFAULT_FROM_EMAIL", "SITE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE", "MEETING_BASE_URL", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET",
    "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
    "TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER",
]  # fmt: skip

DUMP = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST"),
    "transaction_mode": db.get("OPTIONS", {}).get("transaction_mode"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "broker": settings.CELERY_BROKER_URL,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", None),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "email_user": getattr(settings, "EMAIL_HOST_USER", None),
    "email_tls": getattr(settings, "EMAIL_USE_TLS", None),
    "from": settings.DEFAULT_FROM_EMAIL,
    "meeting": settings.MEETING_BASE_URL,
    "providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
    "apps": settings.INSTALLED_APPS,
    "proxy_count": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "client_ip_header": settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER,
}))
"""


def run(code_or_args, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    base["DJANGO_SETTINGS_MODULE"] = "interviewprep.settings"
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def dump(env: dict, tmp_path: Path) -> dict:
    result = run(DUMP, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production_env(**extra) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "interviewprep.example.com",
        **extra,
    }


def test_it_defaults_to_the_embedded_setup(tmp_path):
    values = dump({}, tmp_path)
    assert values["DEBUG"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/interviewprep.sqlite3")
    assert values["transaction_mode"] == "IMMEDIATE"
    assert values["broker"] == "filesystem://"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["meeting"] == "https://meet.jit.si/"
    assert values["providers"] == []


def test_the_embedded_default_migrates_and_loads_demo_data(tmp_path):
    # The one test allowed on SQLite: `make run`'s own database path.
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    migrate = run(["manage.py", "migrate", "--noinput"], env, tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    demo = run(["manage.py", "demo_data"], env, tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Demo data is ready." in demo.stdout
    again = run(["manage.py", "demo_data"], env, tmp_path)
    assert again.returncode == 0, again.stderr


def test_it_reads_services_from_the_environment(tmp_path):
    values = dump(
        {
            "DATABASE_URL": "postgres://app:pw@db.internal:5433/interviewprep",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "EMAIL_URL": "submission://mailer:s3cret@smtp.internal:587",
            "DEFAULT_FROM_EMAIL": "Interviews <hello@example.com>",
            "MEETING_BASE_URL": "https://meet.example.com/rooms",
        },
        tmp_path,
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == "db.internal"
    assert values["name"] == "interviewprep"
    assert values["cache"] == "interviewprep.cache.FailOpenRedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/2"
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("smtp.internal", 587)
    assert values["email_user"] == "mailer"
    assert values["email_tls"] is True
    assert values["from"] == "Interviews <hello@example.com>"
    assert values["meeting"] == "https://meet.example.com/rooms/"


def test_no_proxy_is_trusted_unless_configured(tmp_path):
    values = dump({}, tmp_path)
    assert (values["proxy_count"], values["client_ip_header"]) == (0, None)
    values = dump({"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, tmp_path)
    assert (values["proxy_count"], values["client_ip_header"]) == (1, "X-Real-IP")


def test_a_sqlite_database_url_selects_another_file(tmp_path):
    values = dump({"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}, tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "other.sqlite3")


def test_social_providers_appear_only_when_configured(tmp_path):
    values = dump({"GITHUB_CLIENT_ID": "id", "GITHUB_CLIENT_SECRET": "secret"}, tmp_path)
    assert values["providers"] == ["github"]
    assert "allauth.socialaccount.providers.github" in values["apps"]
    assert "allauth.socialaccount.providers.google" not in values["apps"]
    half = dump({"GOOGLE_CLIENT_ID": "id"}, tmp_path)
    assert half["providers"] == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY"),
        # As `check --deploy` (security.W009): long but of fewer than 5 unique characters.
        ({"DEBUG": "0", "SECRET_KEY": "a" * 55, "ALLOWED_HOSTS": "example.com"}, "5 different"),
        ({"DEBUG": "0", "SECRET_KEY": "abcd" * 20, "ALLOWED_HOSTS": "example.com"}, "5 different"),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(60),
                "ALLOWED_HOSTS": "example.com",
            },
            "django-insecure-",
        ),
        ({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60)}, "ALLOWED_HOSTS must list"),
        ({"EMAIL_URL": "carrier-pigeon://x"}, "EMAIL_URL scheme 'carrier-pigeon'"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
    ],
)
def test_it_refuses_to_start_misconfigured(tmp_path, env, message):
    result = run(["manage.py", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(), tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_https_protections(tmp_path):
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS > 0, settings.DEBUG)"
    )
    result = run(code, production_env(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "False"]
