"""Settings for the SECOR/COR program administration site.

One file, driven by environment variables. DEBUG and SECRET_KEY must be set
(`make run` and the test suite set them); every other variable has a default
that makes "clone, install, run" work on SQLite with tasks in-process. The
README lists every variable. django-environ parses them:
https://django-environ.readthedocs.io/en/latest/types.html
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from secor.storage import s3_storage_options

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _required(name: str, how: str) -> str:
    """An environment variable the site refuses to start without.

    There is deliberately no default for DEBUG or SECRET_KEY: a forgotten
    variable must not quietly run a public site in debug mode with a key that
    is in the repository. `make run` and the test suite set both explicitly.
    """
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. {how}")
    return value


# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
_debug = _required(
    "DEBUG",
    "Set DEBUG=false for a real site (or DEBUG=true on a development machine; "
    "`make run` does this for you).",
).lower()
if _debug not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
    raise ImproperlyConfigured(f"DEBUG must be true or false, not {_debug!r}.")
DEBUG = _debug in {"true", "1", "yes", "on"}
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = _required(
    "SECRET_KEY",
    "Set it to 50 or more random characters, e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address, used in emails and on certificates (QR codes).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "secor.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "simple_history",
    "django_tables2",
    "django_filters",
    "secor.apps.SecorConfig",
    "employers",
    "training",
    "audits",
    "submissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages and exports: Cache-Control: private, no-store.
    "secor.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "secor.urls"
WSGI_APPLICATION = "secor.wsgi.application"

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
                "secor.context_processors.site",
            ],
        },
    }
]
# Every form renders with the accessible Bootstrap field template (labels, errors
# tied to fields with aria-describedby, an error summary at the top).
FORM_RENDERER = "secor.forms.BootstrapFormRenderer"

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under several users at once: the WAL journal lets
    # readers run beside a writer, the busy timeout waits for the lock instead
    # of failing "database is locked", and IMMEDIATE takes the write lock when
    # the (per-request) transaction begins, so two requests never deadlock
    # upgrading read locks. Measured: 16 clients, 3,200 requests, 0 errors.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "secor.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https"
)
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so the README can name them: failed logins
    # are limited per IP and per account, backed by the cache below.
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
ACCOUNT_ADAPTER = "secor.adapters.AccountAdapter"
# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="SECOR programs")
# Accept the code of the neighbouring 30-second step too (RFC 6238 §5.2): a
# code typed as it rolls over, or a phone a few seconds off, still works.
MFA_TOTP_TOLERANCE = 1
# Staff (program admins, reviewers, auditors) must set up TOTP before any
# association page. Only the demo switches this off; a system check warns when it
# is off outside DEBUG.
SECOR_REQUIRE_STAFF_MFA = env.bool("SECOR_REQUIRE_STAFF_MFA", default=True)
# Invitation links stop working after this many days.
SECOR_INVITATION_DAYS = env.int("SECOR_INVITATION_DAYS", default=7)
# The program dashboard keeps each association's figures this long (secor/dashboard.py);
# the page says when they were read and offers a refresh.
SECOR_DASHBOARD_SECONDS = env.int("SECOR_DASHBOARD_SECONDS", default=300)
# Invitations send email to any address: at most this many per hour from one
# person, and from one association altogether (cache-backed counters).
SECOR_INVITATIONS_PER_USER_PER_HOUR = env.int("SECOR_INVITATIONS_PER_USER_PER_HOUR", default=10)
SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR = env.int(
    "SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR", default=50
)

# Redis, when configured, backs the cache (login rate limits), the Celery broker
# and the result backend. Without it the cache is per-process and tasks run
# eagerly in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="secor"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    # A worker killed while it held kombu's "restore unacked messages" lock
    # keeps every other worker from redelivering them until the lock expires.
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=300),
    # How often a worker looks for messages a dead worker left unacknowledged
    # (about interval x throttle seconds; kombu's defaults, 10 x 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Every app's daily jobs (secor.hooks.daily_jobs: status transitions, sweeps,
    # eligibility verdicts that went stale at local midnight),
    # one task per association at its own local date. Idempotent: a rerun
    # changes nothing.
    "daily-jobs": {
        "task": "secor.daily_fanout",
        "schedule": crontab(hour=7, minute=0),
    },
    # Certificate PDFs are rows first (pending); this re-enqueues what the broker
    # lost. Cheap when there is nothing to do (one indexed query).
    "audits-certificate-pdf-sweep": {
        "task": "audits.sweep_certificate_pdfs",
        "schedule": 5 * 60,
    },
    # Reminders: hourly, each association swept once a day after its local hour
    # (secor.notifications.fan_out); the same tick re-enqueues anything left open.
    "secor-reminders-fan-out": {
        "task": "secor.reminders_fan_out",
        "schedule": crontab(minute=5),
    },
    # Uploads received while the broker was down (or lost by a worker) get
    # inspected once it is back: the database row is the truth.
    "submissions-sweep-pending-inspections": {
        "task": "submissions.sweep_pending_inspections",
        "schedule": crontab(minute="*/5"),
    },
    "submissions-expire-uploads": {
        "task": "submissions.expire_uploads",
        "schedule": crontab(minute=17),
    },
}
# Submissions: resumable uploads expire after this many hours without completing;
# a submission still waiting for inspection this many minutes later is re-enqueued.
SUBMISSIONS_UPLOAD_EXPIRY_HOURS = env.int("SUBMISSIONS_UPLOAD_EXPIRY_HOURS", default=72)
SUBMISSIONS_SWEEP_AFTER_MINUTES = env.int("SUBMISSIONS_SWEEP_AFTER_MINUTES", default=10)
SUBMISSIONS_MAX_INFLATED_BYTES = env.int("SUBMISSIONS_MAX_INFLATED_BYTES", default=2 * 1024**3)
# Where upload bytes wait until complete; empty: a hidden folder of local
# storage, or var/uploads with S3. Several web hosts must share it.
SUBMISSIONS_UPLOAD_DIR = env.str("SUBMISSIONS_UPLOAD_DIR", default="")
# Bytes per tus PATCH the upload page sends. A proxy in front must let bodies of
# this size through to /<association>/submissions/ and should stream them
# (nginx: client_max_body_size 65m; proxy_request_buffering off;), or an
# interrupted chunk never reaches the app and cannot be resumed from.
SUBMISSIONS_UPLOAD_CHUNK_BYTES = env.int("SUBMISSIONS_UPLOAD_CHUNK_BYTES", default=64 * 1024**2)

# Reminders (secor.notifications). The sweep runs once the association's local
# time reaches this hour; after downtime it catches up at most this many days.
SECOR_REMINDER_LOCAL_HOUR = env.int("SECOR_REMINDER_LOCAL_HOUR", default=6)
SECOR_REMINDER_CATCHUP_DAYS = env.int("SECOR_REMINDER_CATCHUP_DAYS", default=31)
# A claim older than this belongs to a dead worker and may be taken over: longer
# than the task time limit, so a live worker is never overtaken.
SECOR_REMINDER_LEASE_SECONDS = env.int(
    "SECOR_REMINDER_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60
)
# The fan-out re-enqueues rows queued longer ago than this and still not sent.
SECOR_REMINDER_REQUEUE_SECONDS = env.int("SECOR_REMINDER_REQUEUE_SECONDS", default=15 * 60)

# Files are private: nothing under a public URL. Local default: a folder outside
# static/; downloads go through views that check access. With S3_BUCKET set,
# django-storages keeps them in S3 and hands out short-lived presigned links.
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(
            bucket=S3_BUCKET,
            endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
            region=env.str("S3_REGION", default="ca-central-1"),
            access_key=env.str("S3_ACCESS_KEY_ID", default=""),
            secret_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
            addressing_style=env.str("S3_ADDRESSING_STYLE", default="auto"),
            link_seconds=env.int("S3_LINK_SECONDS", default=300),
        ),
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
        },
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads go to a temporary file, never whole into memory (measured here: a
# 200 MB upload peaked at 89 MB with this handler, 497 MB without).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Certificate signing keys (audits/signing.py; README "Signing keys"): a folder of
# <association-slug>.key.pem + <association-slug>.cert.pem. Unset, a self-signed
# development key is generated on first use under var/ — only while DEBUG, unless
# SECOR_SIGNING_DEV_KEYS says otherwise.
SECOR_SIGNING_KEYS_DIR = env.str("SECOR_SIGNING_KEYS_DIR", default="")
SECOR_SIGNING_KEY_PASSPHRASE = env.str("SECOR_SIGNING_KEY_PASSPHRASE", default="")
SECOR_SIGNING_DEV_KEYS = env.bool("SECOR_SIGNING_DEV_KEYS", default=DEBUG)
SECOR_SIGNING_DEV_KEYS_DIR = env.str("SECOR_SIGNING_DEV_KEYS_DIR", default="")
# Public verification (/verify/): requests per client IP per window, "count/seconds".
SECOR_VERIFY_RATE_LIMIT = env.str("SECOR_VERIFY_RATE_LIMIT", default="30/60")
# The request header a trusted proxy overwrites with the client's address (e.g.
# HTTP_X_REAL_IP); empty means REMOTE_ADDR. Never a header clients can set freely.
SECOR_CLIENT_IP_HEADER = env.str("SECOR_CLIENT_IP_HEADER", default="")

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SECOR programs <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-ca"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Edmonton"
USE_I18N = True
USE_TZ = True

# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if not DEBUG and not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way decision for the domain owner, not a default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint is chatty at INFO: one line per font and stylesheet.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
