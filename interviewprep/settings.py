"""Settings for interviewprep, read from the environment.

With nothing set this is the embedded development default: SQLite, a Celery
broker on the local filesystem, console email and DEBUG on. Every value that
differs in production comes from an environment variable listed in README.md.
"""

import json
import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

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
    # The same bar as `check --deploy` (security.W009), enforced at start-up.
    if len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY has fewer than 5 different characters: generate a random one, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(60))'."
        )
    if SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY starts with django-insecure-, the prefix of generated development keys: "
            "generate a new random one for production."
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
    "allauth.mfa",
    "csp",
    "channels",
    "accounts",
    "sessions.apps.InterviewsConfig",
    "payments",
]

MIDDLEWARE = [
    # First: /healthz answers before any session, database or host check.
    "interviewprep.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "interviewprep.middleware.NoStorePersonalPagesMiddleware",
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
            "builtins": ["accounts.templatetags.people", "accounts.templatetags.clock"],
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
    # A health check is a `SELECT 1` round trip before the first query of every
    # request: on a signed-in page, a second statement before the view. Off by
    # default: a connection that broke (say, PostgreSQL restarted) fails one
    # request and is then replaced, as Django closes a connection after an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_HEALTH_CHECKS", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, rate limits lapse (logged) instead of
            # every log-in answering 500. Short timeouts and no retries keep a
            # dead or hung Redis from holding a request for long.
            "BACKEND": "interviewprep.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "interviewprep",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry": Retry(NoBackoff(), 0),
            },
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
# Sessions are read from the cache (Redis in production, the file cache in the
# embedded default) and written through to the database: a signed-in request
# reads no session row, and a flushed cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Rendered pages of signed-in people are kept this long at most under
# versioned keys (accounts.pagecache); 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "60"))
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
# Where people write to us (the contact, terms and privacy pages). Defaults to
# the sending address.
CONTACT_EMAIL = env("CONTACT_EMAIL", "") or parseaddr(DEFAULT_FROM_EMAIL)[1]

# --- Auth and allauth -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, whose get_user loads the profile in the same query.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
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
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Rate limits live in the cache (Redis in production). "login_failed" counts
# failures per client address and, through the adapter, per address typed *and*
# client: a guesser is slowed, the person whose address they type is not.
# "manage_email" governs the add-an-address form, whose every use mails a
# confirmation to someone else: a few an hour, not ten a minute. A reset request
# mails the address typed (a key, or "no account uses this address"), so one
# address gets at most three such mails in fifteen minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/5m/key",
    "manage_email": "3/10m/user,10/d/user",
    "reset_password": "20/m/ip,3/15m/key",
}
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
}


def _trusted_proxy_count() -> int:
    value = env("TRUSTED_PROXY_COUNT", "0").strip() or "0"
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_COUNT must be a whole number of proxies (0, 1, ...), not {value!r}."
        )
    return int(value)


# The client address for rate limits and logs. Behind one reverse proxy that
# appends to X-Forwarded-For, TRUSTED_PROXY_COUNT=1; behind a proxy that sets a
# header of its own (CF-Connecting-IP, X-Real-IP), TRUSTED_CLIENT_IP_HEADER.
# Unset, X-Forwarded-For is ignored (any client can write it).
ALLAUTH_TRUSTED_PROXY_COUNT = _trusted_proxy_count()
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER").strip() or None
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP, with a QR
# code), one-time recovery codes, and passkeys / security keys (WebAuthn).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "interviewprep"
# One 30-second step either side of now, for clocks and typing (RFC 6238, 5.2);
# a code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
# allauth.mfa by default forbids adding an (unconfirmed) address to an account
# with two-factor sign-in, against someone who signs up unconfirmed and locks the
# owner out with MFA. Here nobody logs in unconfirmed (mandatory verification),
# an unconfirmed copy never blocks the owner's sign-up and is removed when they
# confirm (accounts.forms / accounts.signals), so people with MFA may change
# their address (after re-authenticating with their second factor).
MFA_ALLOW_UNVERIFIED_EMAIL = True
# WebAuthn needs a secure origin; the dev server on http://127.0.0.1 is not one.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Changing the email address (and the other account-security actions) asks
# for the password, or a second factor, again unless it was given recently.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300

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

# Content-Security-Policy (django-csp 4): scripts and styles only from our own
# static files, no inline code or style attributes anywhere. connect-src 'self'
# covers the room's same-origin fetch and WebSocket calls.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Features the product never uses are switched off for every page and frame.
# WebAuthn (passkeys) stays available to our own origin.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
# The live room's page (sessions.room.views.room_page, and nothing else) turns
# the camera and microphone on for our own origin: its video call is WebRTC.
ROOM_PERMISSIONS_POLICY = {**PERMISSIONS_POLICY, "camera": ["self"], "microphone": ["self"]}
# Responses under these paths may carry personal data even to an anonymous
# visitor (a reset key page, an unsubscribe page): no-store.
NO_STORE_PATH_PREFIXES = ["/accounts/", "/admin/", "/emails/", "/profile/"]
# The calendar feed is personal too, but a calendar app polls it and must keep
# a copy to revalidate with ETag/Last-Modified (a 304 needs something stored):
# these paths answer `private, no-cache` (no shared cache keeps them; every poll
# asks again), never no-store.
REVALIDATE_PATH_PREFIXES = ["/calendar/"]

# Credentials that travel in URLs (calendar, unsubscribe, reset and confirmation
# keys, checkout session ids) are masked in every log line that names a URL.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "interviewprep.logmasking.MaskSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A filter on the logger masks the record before any handler sees it,
        # including the mail_admins handler Django attaches to "django".
        "django.request": {"filters": ["mask_secrets"]},
        # runserver's request lines; replacing Django's default entry means
        # naming the handler and keeping it from propagating twice.
        "django.server": {
            "handlers": ["console"],
            "filters": ["mask_secrets"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
