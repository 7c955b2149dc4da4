"""One settings module, driven by environment variables (django-environ).

Defaults give the embedded quick start of `make run`: SQLite and a filesystem broker.
Production sets DEBUG=false and the variables listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from safetyteams.deploy_secrets import production_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# Runtime files of the embedded quick start (broker folders, beat schedule, exports).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
# The three secrets have public development defaults so a fresh checkout starts; with DEBUG=false the
# site refuses to start without its own (safetyteams/deploy_secrets.py; `check --deploy` also checks them).
# SECRET_KEY signs sessions and tokens; PSEUDONYM_SECRET keys the evaluators' case pseudonyms (HMAC-SHA256);
# ACCESS_LOG_KEY keys the access log's hash chain (HMAC). Each its own, never shared.
_secrets = production_secrets(
    {
        "SECRET_KEY": env.str("SECRET_KEY", default=""),
        "PSEUDONYM_SECRET": env.str("PSEUDONYM_SECRET", default=""),
        "ACCESS_LOG_KEY": env.str("ACCESS_LOG_KEY", default=""),
    },
    debug=DEBUG,
)
SECRET_KEY = _secrets["SECRET_KEY"]
PSEUDONYM_SECRET = _secrets["PSEUDONYM_SECRET"]
ACCESS_LOG_KEY = _secrets["ACCESS_LOG_KEY"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with a site whose entry follows from the functional administrator role.
    "partners.admin_site.BeheerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Before two_factor: its templates are overridden here (Dutch, site layout, no inline script).
    "security",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "axes",
    "csp",
    "safetyteams",
    "partners",
    "cases",
    "workflows",
    "metrics",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The user's memberships, read once per request (partners.selectors.active_memberships).
    "partners.middleware.RequestCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth, OTP and messages: log refusals, end timed-out sessions, demand the second factor.
    "security.middleware.SecurityLogMiddleware",
    "security.middleware.SessionTimeoutMiddleware",
    "security.middleware.RequireSecondFactorMiddleware",
    # A session signed in through the organisation's provider ends once the provider refuses the account.
    "security.middleware.ProviderSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safetyteams.urls"
WSGI_APPLICATION = "safetyteams.wsgi.application"

# Apps that hold several ideas keep one sub-package per idea, each with its own templates and tasks.
SUBPACKAGES = [
    "cases.access_log",
    "cases.assessments",
    "cases.interventions",
    "cases.investigations",
    "cases.reporters",
    "cases.legal_bases",
    "cases.documents",
    "cases.requests",
    "cases.retention",
    "cases.safety_plans",
    "workflows.lifecycle",
    "workflows.meetings",
    "workflows.deadlines",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / name.replace(".", "/") / "templates" for name in SUBPACKAGES],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "metrics.context_processors.evaluator",
                "partners.context_processors.case_work",
                "workflows.deadlines.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for a lock instead of failing; WAL lets pages read
    # while the worker writes, and IMMEDIATE takes the write lock at BEGIN (no failed lock upgrades).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, init_command="PRAGMA journal_mode=WAL;", transaction_mode="IMMEDIATE"
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The access log writes on its own connection so a denied attempt stays logged when the
    # request rolls back; tests mirror it onto the default connection.
    DATABASES["audit"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in through an organisation's OpenID Connect provider (configured per organisation in the admin,
# nothing needed here): how often a session asks the provider again whether the account still may.
OIDC_RECHECK_SECONDS = env.int("OIDC_RECHECK_SECONDS", default=5 * 60)

# django-guardian: no anonymous user row; object permissions only for real users.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# "1 december 2026" and "13:45" everywhere, in both languages (safetyteams/formats).
FORMAT_MODULE_PATH = ["safetyteams.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- Case documents (cases.documents): on disk under VAR_DIR on the quick start; in production an
# S3-compatible object store (DOCUMENT_STORAGE=s3, docker-compose.yml runs MinIO).
DOCUMENT_STORAGE = env.str("DOCUMENT_STORAGE", default="filesystem")
DOCUMENT_STORAGE_DIR = env.str("DOCUMENT_STORAGE_DIR", default=str(VAR_DIR / "documents"))
if DOCUMENT_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DOCUMENT_S3_BUCKET"),
            "endpoint_url": env.str("DOCUMENT_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("DOCUMENT_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("DOCUMENT_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("DOCUMENT_S3_REGION", default="us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENT_STORAGE_DIR, "base_url": None, "file_permissions_mode": 0o640},
    }
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=25 * 1024 * 1024)
DOCUMENT_MAX_PER_CASE = env.int("DOCUMENT_MAX_PER_CASE", default=500)
# The virus scanner every upload passes before it is shown: clamd in production (CLAMD_HOST/PORT);
# the quick start and the tests use the EICAR-only scanner, which finds nothing real.
DOCUMENT_SCANNER = env.str("DOCUMENT_SCANNER", default="cases.documents.scanning.EicarScanner")
CLAMD_HOST = env.str("CLAMD_HOST", default="127.0.0.1")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT_SECONDS = env.int("CLAMD_TIMEOUT_SECONDS", default=60)
# How many days before a measure ends its extension request is due (the deadline's due day).
MEASURE_EXTENSION_LEAD_DAYS = env.int("MEASURE_EXTENSION_LEAD_DAYS", default=42)

# Sessions live in the database so web processes stay stateless and scale out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Saved when changed; SessionTimeoutMiddleware changes it at most once a minute (sliding idle expiry).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Absolute session lifetime, whatever the activity (security.middleware.SessionTimeoutMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)

# --- Login security: second factor (django-two-factor-auth) and lockout (django-axes).
TWO_FACTOR_LOGIN_TIMEOUT = 600
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # no "remember this browser": every login asks both factors
OTP_TOTP_ISSUER = "Veiligheidsteam"
# django-otp's own admin pages never show a key, QR code or backup code (security.admin replaces them too).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Per account, so spreading guesses over many addresses does not help; not per address, because a
# whole organisation often shares one NAT address. axes.W006 warns about bypass by rotating user agents
# or cookies, which a username-only lockout does not use.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_VERBOSE = False
# The request address: REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies add X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Celery: JSON only; tasks acknowledge late so a killed worker's task runs again.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# Redis for locks and caches where one is configured (compose and tests); empty in the quick start.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "vt"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Deadlines are rows swept every minute (no ETA tasks); run exactly one beat (docker-compose.yml).
# A sweep not started within its minute expires: after workers were down, the queued backlog is
# dropped instead of all running at once (the next sweep catches up on its own).
CELERY_BEAT_SCHEDULE: dict = {
    "workflows-sweep": {"task": "workflows.sweep", "schedule": 60.0, "options": {"expires": 55.0}}
}
# Sweeps and e-mails on queues of their own, each consumed by its own worker (docker-compose.yml,
# scripts/run_stack.py): a mail server that hangs holds up e-mails, never the sweep.
CELERY_TASK_ROUTES = {
    "workflows.sweep": {"queue": "sweeps"},
    "workflows.send_reminder_email": {"queue": "mail"},
    "workflows.send_digest_email": {"queue": "mail"},
    "workflows.send_notification_email": {"queue": "mail"},
}
IMPORT_JOB_CLAIM_SECONDS = env.int("IMPORT_JOB_CLAIM_SECONDS", default=120)
# A job is split into chunks of this many records, imported by the workers side by side — except on
# SQLite (the quick start): its one writer makes side-by-side chunks wait for each other until the
# lock times out, so one run takes the chunks in turn.
IMPORT_JOB_CHUNK_RECORDS = env.int("IMPORT_JOB_CHUNK_RECORDS", default=100)
IMPORT_JOB_PARALLEL = env.bool(
    "IMPORT_JOB_PARALLEL", default=DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
)
# Import jobs whose task was lost or whose worker died are queued again (exchange.jobs).
CELERY_BEAT_SCHEDULE["exchange-import-jobs-resume"] = {
    "task": "exchange.import_jobs_resume",
    "schedule": 60.0,
    "options": {"expires": 55.0},
}
# Expired evaluator export files are deleted hourly (METRICS_EXPORT_TTL_HOURS).
CELERY_BEAT_SCHEDULE["metrics-expire-exports"] = {"task": "metrics.expire_exports", "schedule": 3600.0}
# The access log's chain head is anchored hourly outside the database (ACCESS_LOG_ANCHOR_FILE).
CELERY_BEAT_SCHEDULE["cases-access-log-anchor"] = {"task": "cases.access_log_anchor", "schedule": 3600.0}
# Just after midnight (local): participations on memberships whose end date has come end (cases.memberships);
# until it runs, cases_visible_to already counts no grant without an active membership.
CELERY_BEAT_SCHEDULE["cases-memberships-expire"] = {
    "task": "cases.memberships_expire",
    "schedule": crontab(hour=0, minute=5),
}
# Early in the morning (local): closed cases get their destruction date; those due are listed (cases.retention).
CELERY_BEAT_SCHEDULE["cases-retention-sweep"] = {
    "task": "cases.retention_sweep",
    "schedule": crontab(hour=3, minute=15),
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Mail
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
# filemail://… (tests count the reminder e-mails a real worker writes there).
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="veiligheidsteam@example.org")

# --- API
REST_FRAMEWORK = {
    # Tokens only for users with a second factor; a session only once it is verified (security.api).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "security.api.SecondFactorTokenAuthentication",
        "security.api.VerifiedSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["security.api.TokenRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error contract for every endpoint: 400 with field errors, 409 with the current record.
    "EXCEPTION_HANDLER": "cases.api_errors.exception_handler",
    # ?page= in ASCII digits only (cases.api_input).
    "DEFAULT_PAGINATION_CLASS": "cases.api_input.AsciiPageNumberPagination",
    "PAGE_SIZE": 50,
    # Bodies bounded in size and JSON depth before they are parsed (security.api); multipart fields are
    # bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
    "DEFAULT_PARSER_CLASSES": [
        "security.api.BoundedJSONParser",
        "security.api.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# JSON from outside (API bodies, import lines): at most this many bytes and levels of nesting.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
# Per token; empty disables. Counted in the default cache (Redis where REDIS_URL is set).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/minute")
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Veiligheidsteam API",
    "DESCRIPTION": "Gedeeld casusdossier voor veiligheidsteams (need-to-know, gelogd).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Object ids use the bounded <id:...> converter (safetyteams/converters.py): integers.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    # Swagger UI from the sidecar package: served locally, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Named enums where several models share a field name ("kind", "given_by"): the schema's enum names stay stable.
    "ENUM_NAME_OVERRIDES": {
        "ConsentGiverEnum": "cases.legal_bases.models.ConsentGiver",
        "DocumentKindEnum": "cases.documents.models.DocumentKind",
        "FeedbackOutcomeEnum": "cases.reporters.models.FeedbackOutcome",
        "MeasureEndReasonEnum": "cases.documents.models.MeasureEndReason",
    },
}

# --- Domain settings
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="veilig-demo-2026")
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
# Reminders: a sending task's claim lasts this long; an unsent e-mail is dispatched again after
# REDISPATCH seconds. SEND_DELAY is for tests only (widens the crash window); DISPATCH off skips Celery.
REMINDER_SEND_LEASE_SECONDS = env.int("REMINDER_SEND_LEASE_SECONDS", default=300)
REMINDER_REDISPATCH_SECONDS = env.int("REMINDER_REDISPATCH_SECONDS", default=600)
REMINDER_SEND_DELAY_SECONDS = env.float("REMINDER_SEND_DELAY_SECONDS", default=0.0)
REMINDER_DISPATCH = env.bool("REMINDER_DISPATCH", default=True)
# A send must end before its claim does, or a second worker sends the same e-mail meanwhile: the SMTP
# timeout (per connect and per answer; default a tenth of the lease, at most 30 s) and the send tasks'
# soft and hard time limits (workflows/deadlines/tasks.py) stay below the lease.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=max(1, min(30, REMINDER_SEND_LEASE_SECONDS // 10)))
REMINDER_SEND_SOFT_TIME_LIMIT = REMINDER_SEND_LEASE_SECONDS * 0.7
REMINDER_SEND_TIME_LIMIT = REMINDER_SEND_LEASE_SECONDS * 0.8
# Reminders reach people in office hours on working days (Europe/Amsterdam, the Atw calendar): a stage
# that falls outside them is delivered at the next working day's start hour.
REMINDER_WORKDAY_START_HOUR = env.int("REMINDER_WORKDAY_START_HOUR", default=8)
REMINDER_WORKDAY_END_HOUR = env.int("REMINDER_WORKDAY_END_HOUR", default=18)
# The site's address as users reach it: reminder e-mails link to the deadline's page.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Evaluator metrics: small-cell threshold, re-report window, lifetime and folder of export files.
METRICS_SUPPRESSION_K = env.int("METRICS_SUPPRESSION_K", default=5)
METRICS_REREPORT_WINDOW_DAYS = env.int("METRICS_REREPORT_WINDOW_DAYS", default=3 * 365)
METRICS_EXPORT_TTL_HOURS = env.int("METRICS_EXPORT_TTL_HOURS", default=24)
METRICS_EXPORT_DIR = Path(env.str("METRICS_EXPORT_DIR", default=str(VAR_DIR / "exports")))
# Append-only file of signed access-log anchors; production points it at a write-once (WORM) mount.
ACCESS_LOG_ANCHOR_FILE = Path(env.str("ACCESS_LOG_ANCHOR_FILE", default=str(VAR_DIR / "access-log-anchors.jsonl")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Production hardening (DEBUG=false); `manage.py check --deploy` must be clean.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
