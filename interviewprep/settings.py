"""Settings for interviewprep, read from the environment.

With nothing set this is the embedded development default: SQLite, a Celery
broker on the local filesystem, console email and DEBUG on. Every value that
differs in production comes from an environment variable listed in README.md.
"""

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
INSECURE_DEV_KEY = "django-insecure-dev-only-key-never-use-in-production-0000000000"
SECRET_KEY = env("SECRET_KEY", INSECURE_DEV_KEY if DEBUG else "")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS").split(",") if h.strip()]

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is off, so SECRET_KEY must be set to a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off, so ALLOWED_HOSTS must list the host names this site answers to "
            "(comma-separated)."
        )
elif not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

INSTALLED_APPS = [
    # First, so `manage.py runserver` is daphne's ASGI server (HTTP and the room's WebSockets).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "channels",
    "accounts",
    "sessions.apps.InterviewsConfig",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.TimezoneMiddleware",
]

ROOT_URLCONF = "interviewprep.urls"
WSGI_APPLICATION = "interviewprep.wsgi.application"
ASGI_APPLICATION = "interviewprep.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interviewprep.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'interviewprep.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two bookings can't interleave.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the room's socket writers and page readers work side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "interviewprep",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # A file-backed cache is shared by every process of the dev run, which the
    # login rate limits need; locmem would give each process its own counters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Channel layer (the live room's relay between processes) ---------------
if REDIS_URL:
    # Redis pub/sub: one PUBLISH per relayed message, pushed to every subscribed
    # process, instead of a blocking pop per message and recipient (the list-based
    # RedisChannelLayer). The database, not the layer, keeps the documents, so a
    # message lost with a dropped connection is recovered when the client resyncs.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL}],
                "prefix": env("CHANNEL_LAYER_PREFIX", "interviewprep:channels"),
            },
        }
    }
else:
    # One process serves everything in the embedded default, so memory is enough.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Email ----------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL", "console://")


def _email_settings(url: str) -> dict:
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        # file:///abs/dir: one file per connection; lets separate worker processes be counted.
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path),
        }
    if scheme in {"smtp", "smtps", "submission"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or {"smtp": 25, "smtps": 465, "submission": 587}[scheme],
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "submission" or query.get("tls", ["0"])[0] == "1",
            "EMAIL_TIMEOUT": 15,
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not supported; use console://, locmem://, "
        "file:///dir, smtp://, smtps:// or submission://"
    )


globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "interviewprep <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth and allauth -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "sessions:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[interviewprep] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {}
for _provider, _prefix in (("github", "GITHUB"), ("google", "GOOGLE")):
    _client_id, _secret = env(f"{_prefix}_CLIENT_ID"), env(f"{_prefix}_CLIENT_SECRET")
    if _client_id and _secret:
        INSTALLED_APPS.append(f"allauth.socialaccount.providers.{_provider}")
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret}],
            "SCOPE": ["user:email"] if _provider == "github" else ["profile", "email"],
        }

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and private files ----------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Private uploads (the playbook PDF). Never served by a URL of its own: only
# the download view streams them, to buyers.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Product settings -----------------------------------------------------
MEETING_BASE_URL = env("MEETING_BASE_URL", "https://meet.jit.si/").rstrip("/") + "/"
# STUN/TURN servers for the room's video call, as RTCIceServer JSON.
ICE_SERVERS = env("ICE_SERVERS", '[{"urls": "stun:stun.l.google.com:19302"}]')
try:
    ICE_SERVERS = json.loads(ICE_SERVERS)
except ValueError as exc:
    raise ImproperlyConfigured(
        'ICE_SERVERS must be JSON, e.g. [{"urls": "stun:stun.example.org:3478"}].'
    ) from exc
if not isinstance(ICE_SERVERS, list):
    raise ImproperlyConfigured("ICE_SERVERS must be a JSON list of RTCIceServer objects.")
# The room's socket: the largest message accepted and the flood limits.
ROOM_MAX_MESSAGE_BYTES = int(env("ROOM_MAX_MESSAGE_BYTES", str(1024 * 1024)))
ROOM_FLOOD_MESSAGES_PER_SECOND = int(env("ROOM_FLOOD_MESSAGES_PER_SECOND", "200"))
ROOM_FLOOD_BURST = int(env("ROOM_FLOOD_BURST", "600"))
ROOM_FLOOD_BYTES_PER_SECOND = int(env("ROOM_FLOOD_BYTES_PER_SECOND", str(2 * 1024 * 1024)))
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")  # tests only: points stripe at the local fake

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
