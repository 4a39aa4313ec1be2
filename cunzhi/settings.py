"""Cunzhi settings: one file, driven by environment variables.

Defaults give the embedded setup (SQLite under var/, tasks on the database, files on local disk);
production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CUNZHI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (make run writes one to "
            "var/secret_key), or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "cunzhi.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    # Ninja serves its bundled Swagger UI from static files only when installed as an app.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "cunzhi.core",
    "cunzhi.regions",
    "cunzhi.accounts",
    "cunzhi.audit",
    "cunzhi.registry",
    "cunzhi.demands",
    "cunzhi.visits",
    "cunzhi.openness",
    "cunzhi.decisions",
    "cunzhi.residency",
    "cunzhi.disputes",
    "cunzhi.plans",
]
# The test-only domain that proves the shared workflow mechanism (tests/kitdomain); pytest and
# the benchmarks set this, a deployment never does.
if env_bool("CUNZHI_TEST_APPS", False):
    INSTALLED_APPS.append("tests.kitdomain")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (a register page shrinks ~6x). Below WhiteNoise, which serves static files
    # precompressed and never reaches it. BREACH: Django masks the CSRF token anew in every
    # response and pads gzip output with random bytes; see docs/architecture.md, "Front end".
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cunzhi.urls"
WSGI_APPLICATION = "cunzhi.wsgi.application"
ASGI_APPLICATION = "cunzhi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cunzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cunzhi.accounts.context_processors.current_post",
                "cunzhi.core.inbox.context_processors.inbox",
            ],
        },
    },
]

# SQLite (WAL) under var/ by default; DATABASE_URL for PostgreSQL in production.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections save a connect per request; 0 closes each at the request's end.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "cunzhi.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "cunzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Every form brings up the right phone keyboard for its fields (core.forms.KeyboardBoundField).
FORM_RENDERER = "cunzhi.core.forms.FormRenderer"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "cunzhi" / "static",
    # Front-end packages come from npm (package.json); served from node_modules, never copied in.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# An uploaded register file holds every row's ID number: it and its copy with the errors marked
# are deleted this many days after the import ended (docs/registry-import.md).
REGISTRY_IMPORT_KEEP_DAYS = int(os.environ.get("REGISTRY_IMPORT_KEEP_DAYS", "30"))
# What an uploaded workbook may unpack to: an .xlsx is streamed, so this bounds the time of a read;
# an .xls or .ods is read whole into memory (python-calamine), so its bound is smaller.
REGISTRY_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("REGISTRY_IMPORT_MAX_UNPACKED_MB", "1024"))
REGISTRY_IMPORT_MAX_IN_MEMORY_MB = int(os.environ.get("REGISTRY_IMPORT_MAX_IN_MEMORY_MB", "20"))
# A job "running" with no sign of life for this long lost its worker: the purge fails it.
REGISTRY_IMPORT_STALE_MINUTES = int(os.environ.get("REGISTRY_IMPORT_STALE_MINUTES", "30"))

# Attachments (docs/kit.md): limits checked on the file's content, a photo's before downscaling.
ATTACHMENT_MAX_PHOTO_BYTES = int(os.environ.get("ATTACHMENT_MAX_PHOTO_MB", "10")) * 1024 * 1024
ATTACHMENT_MAX_DOCUMENT_BYTES = (
    int(os.environ.get("ATTACHMENT_MAX_DOCUMENT_MB", "20")) * 1024 * 1024
)
ATTACHMENT_PHOTO_MAX_SIDE = int(os.environ.get("ATTACHMENT_PHOTO_MAX_SIDE", "2048"))
# A 10 MB JPEG can unpack to a huge bitmap; refuse beyond this many pixels (a 48 MP phone is 48M).
ATTACHMENT_MAX_PIXELS = 60_000_000

# Background jobs on the database: nothing extra to install (DESIGN rule 9).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker sweeps deadlines (reminders, overdue marks, escalations).
DEADLINE_SWEEP_MINUTES = int(os.environ.get("DEADLINE_SWEEP_MINUTES", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Deployment security: HTTPS, HSTS, session lifetime, Content-Security-Policy -----------------
# docs/deploy.md lists the production environment; a test runs `check --deploy` with exactly that
# environment. The defaults suit the embedded setup on plain HTTP at 127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The proxy's or load balancer's health probe comes over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets this header itself and strips it from what clients send:
    # otherwise anyone could claim their plain-HTTP request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A working day (8 hours) by default: a cadre signs in once in the morning at a shared village
# office PC or on a phone, and a session left open there dies the same evening rather than
# living for Django's default of two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# No inline script, no inline event handler, no inline style anywhere in the UI: a name a user
# typed that slips past escaping still cannot run. The API's Swagger UI (django-ninja's static
# files) runs under the same policy; tests/test_content_security_policy.py checks every page.
INSTALLED_APPS += ["csp"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Pico draws its select arrows and check marks as data: SVG backgrounds.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Sign-in: throttling and lockout (django-axes), two-factor sign-in (django-otp), API tokens ---
# One block for all of it; docs/deploy.md lists the variables and what an administrator does.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE += [
    # After AuthenticationMiddleware. (django-otp's own middleware is left out: it would load the
    # device on every request; the session says which step is due.)
    "cunzhi.accounts.middleware.TwoFactorMiddleware",
    # Last, so that it sees the answer each door gave to a locked-out attempt.
    "axes.middleware.AxesMiddleware",
]
# Axes' backend goes first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
# Failures counted per account and, separately, per address; either reaching the limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
# A wrong password during the lock does not restart it, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The audit log records every sign-in (accounts.signals); Axes' own log of them would be a copy.
AXES_DISABLE_ACCESS_LOG = True
# Each door answers a lockout itself (the page's message, the API's 429); see accounts.signin.
AXES_LOCKOUT_CALLABLE = "cunzhi.accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cunzhi.accounts.signin.client_address"
AXES_HANDLER = "cunzhi.accounts.signin.SignInHandler"  # writes nothing on a successful sign-in
# Behind nginx every request comes from the proxy: count this many proxies from the right of
# X-Forwarded-For to find the client, or every office would share one lock.
CLIENT_ADDRESS_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_VERBOSE = False  # no banner on every manage.py command
# Axes logs each attempt at INFO; its warnings (each failure, each lockout) are the useful part.
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}  # type: ignore[index]
# Two-factor sign-in (TOTP) for every role that may reveal personal numbers or manage people
# (accounts.permissions.TWO_FACTOR_PERMISSIONS). Off only for the demo (`make run`) and tests.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = "Cunzhi"
# An API token stops working this many days after it was made.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# --- The public board (openness): objections from people without an account --------------------
# At most this many objections from one address an hour (core.ratelimit, counted in the database
# so that the limit holds across the server's worker processes without a shared cache).
OPENNESS_OBJECTIONS_PER_HOUR = int(os.environ.get("OPENNESS_OBJECTIONS_PER_HOUR", "5"))
OPENNESS_OBJECTIONS_WINDOW_SECONDS = 3600
# How long a village's rendered public board is served from the cache; a publication, an
# objection or an answer makes it stale at once.
OPENNESS_BOARD_CACHE_SECONDS = int(os.environ.get("OPENNESS_BOARD_CACHE_SECONDS", "300"))

# --- The demand follow-up doors (no account): look-ups per address per window (core.ratelimit) --
DEMAND_PUBLIC_RATE = int(os.environ.get("DEMAND_PUBLIC_RATE", "30"))
DEMAND_PUBLIC_WINDOW_SECONDS = int(os.environ.get("DEMAND_PUBLIC_WINDOW_SECONDS", "60"))
