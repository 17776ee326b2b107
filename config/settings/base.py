"""Settings shared by every environment; each value that differs comes from the environment.

Every variable read here is documented in `.env.example`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Wasl
    "accounts",
    "associations",
    "members",
    "finance",
    "governance",
    "training",
    "resources",
    "planning",
    "notifications",
    "documents",
    "jobs",
    "communication",
    "ministry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policies too.
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    # After CommonMiddleware (the host is checked): absolute links follow the address served on.
    "config.middleware.RequestOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    # Opens the tenant scope for /a/<slug>/ (the only place HTML views get one).
    "associations.middleware.AssociationScopeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "associations.context_processors.workspace",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: a SQLite file under var/. Production and CI: PostgreSQL through DATABASE_URL,
# connecting as the application role (not a superuser, so row-level security binds it).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'wasl.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections (a new PostgreSQL connection per request costs a third of a list page's
# throughput); checked before reuse, so a connection the server closed is replaced, not failed on.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# PostgreSQL: parameters stay bound on the client, so every query is planned for its own values (a
# plan cached for "an average association" is 6-20x slower on the largest one's reports). Only the
# hot write statements are prepared, by associations.hot_sql.hot_cursor(); this threshold lets them
# be, and is too high for any other statement to reach. Those statements (and the ledger triggers'
# queries) reach their rows by key, so they take their generic plan from the first run instead of
# being planned anew each time because PostgreSQL's estimate for "any association" looks dearer
# (~0.6 ms of a payment's 3.6 ms of backend CPU, bench/posting_cpu.py BENCH_OTHER_ASSOCIATIONS=20).
# DATABASE_PREPARED_STATEMENTS=0 turns both off (needed behind a transaction-mode pooler such as pgbouncer).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _options.setdefault("prepare_threshold", 2**31)
        _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
    else:
        _options["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "associations:me"

# --- Cache and background work -------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache and written through to the database: no session query on a
# page once the session is cached (and the list of the person's associations rides in it).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Without Redis, tasks run eagerly in-process (the embedded default needs no broker server).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Any countdown must stay below this; longer schedules live in the database (DESIGN.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Africa/Casablanca"
# Three queues, each with its own workers (docker-compose.yml): bulk work (jobs, PDF rendering)
# never delays e-mails and SMS, and neither delays the short platform tasks.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "messages"},
    # Announcements only write outbox rows, in chunks: they belong with the messages.
    "communication.*": {"queue": "messages"},
    "jobs.run": {"queue": "bulk"},
    "jobs.run_step": {"queue": "bulk"},
    "documents.render": {"queue": "bulk"},
    "ministry.rebuild": {"queue": "bulk"},
    "ministry.render_report": {"queue": "bulk"},
}
CELERY_BEAT_SCHEDULE: dict = {
    # Every 30 s: a message waits at most that for its association's dispatch task, then at most one
    # other association's task (WASL_OUTBOX_TASK_SECONDS) in the messages queue: under a minute.
    "notifications-dispatch": {"task": "notifications.dispatch_due", "schedule": 30.0},
    "jobs-sweep": {"task": "jobs.sweep", "schedule": 60.0},
    "communication-scheduled": {"task": "communication.start_due", "schedule": 60.0},
    "notifications-reminders": {"task": "notifications.sweep_reminders", "schedule": 3600.0},
    "members-anonymise": {"task": "members.anonymise_former_members", "schedule": 24 * 3600.0},
    "jobs-expire-results": {"task": "jobs.expire_results", "schedule": 3600.0},
    # The ministry's roll-ups: associations marked dirty by a change every minute (a change shows
    # within five), and a full rebuild every night (logins, the year turning).
    "ministry-refresh": {"task": "ministry.refresh_dirty", "schedule": 60.0},
    "ministry-rebuild": {"task": "ministry.rebuild", "schedule": crontab(hour=3, minute=15)},
}

# --- Internationalisation ------------------------------------------------------------------
# The browser decides first (Accept-Language), then Arabic; a choice made with the switch is kept
# in the language cookie, which LocaleMiddleware reads before the header.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where `collectstatic` writes (the Docker build, and CI into a temporary folder).
STATIC_ROOT = Path(env("WASL_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Tenant files (documents, uploads, exports) live in the "private" storage and are served only by
# views that check the scope and the capability (documents/files.py); there is no MEDIA_URL.
MEDIA_ROOT = Path(env("WASL_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
WASL_S3_BUCKET = env("WASL_S3_BUCKET", default="")
if WASL_S3_BUCKET:  # any S3-compatible service, through django-storages
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": WASL_S3_BUCKET,
            "endpoint_url": env("WASL_S3_ENDPOINT_URL", default=None),
            "region_name": env("WASL_S3_REGION", default=None),
            "access_key": env("WASL_S3_ACCESS_KEY", default=None),
            "secret_key": env("WASL_S3_SECRET_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": PRIVATE_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WASL_UPLOAD_MAX_BYTES = env.int("WASL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Lesson files (PDF, audio, video) of self-paced courses are larger than other uploads.
WASL_LESSON_UPLOAD_MAX_BYTES = env.int("WASL_LESSON_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)
# A background job's result file (an export, a sheet of cards) is deleted this many days after the
# job started (swept hourly by beat): exports hold personal data, and copies must not pile up.
WASL_JOB_RESULT_RETENTION_DAYS = env.int("WASL_JOB_RESULT_RETENTION_DAYS", default=30)
# The ministry's compliance list "above the public-funding line": public grants of a year above this
# many dirhams (to be confirmed against the text in force).
WASL_MINISTRY_PUBLIC_FUNDING_LINE = env("WASL_MINISTRY_PUBLIC_FUNDING_LINE", default="500000")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Request limits: bad input gets a clear 400, never a 500 --------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("WASL_MAX_REQUEST_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Wasl <no-reply@wasl.ma>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) --------------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    # Failed logins: at most 10 a minute from one address, 5 per 5 minutes on one account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "login": "30/m/ip",
    # The public join form (members.views.join), through allauth's limiter: applications saved
    # from one client address, and to one association (key) whatever the addresses.
    "members_join": "5/10m/ip,100/h/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Rate limits key on the client's address. Behind N proxies of ours it is the N-th address from the
# end of X-Forwarded-For (each proxy appends its peer's address); 0 trusts no header (no proxy, as
# with runserver). A proxy that sends the client address in its own header: name the header instead.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("WASL_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("WASL_TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Wasl"
# TOTP keys and recovery-code seeds are stored encrypted (accounts/crypto.py) under a key derived
# from WASL_MFA_KEY: required in production; elsewhere derived from the secret key.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
WASL_MFA_KEY = env("WASL_MFA_KEY", default="") or f"local-only-mfa-key:{SECRET_KEY}"
# Two-factor login required for officers and ministry reviewers (on in production).
WASL_REQUIRE_MFA = env.bool("WASL_REQUIRE_MFA", default=False)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "associations.api_auth.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.mfa.MFASatisfied",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API speaks JSON both ways. Form encodings would also accept "0"/"on" for a boolean, which
    # the schema cannot say; another content type is a 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.WaslAutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wasl API",
    "DESCRIPTION": "REST API of Wasl. Every association-scoped path lives under "
    "/api/v1/associations/{association_slug}/ and answers 404 for an association you hold no role in.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is documented as its serializer declares it, not with every field made optional:
    # the role change requires `kind`; the member update declares no required field anyway.
    "COMPONENT_SPLIT_PATCH": False,
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "members.models.MemberStatus",
        "MemberImportStatusEnum": "members.models.MemberImport.Status",
        "RoleKindEnum": "associations.capabilities.RoleKind",
        "DeclarationKindEnum": "governance.models.DeclarationKind",
        "AssemblyKindEnum": "governance.models.rules.AssemblyKind",
        "AgendaItemKindEnum": "governance.models.assemblies.AgendaItemKind",
        "PremisesKindEnum": "resources.models.PremisesKind",
        "PaymentMethodEnum": "finance.models.dues.PaymentMethod",
        "DonorKindEnum": "finance.models.funding.DonorKind",
        "DonationNatureEnum": "finance.models.funding.DonationNature",
        "PlanStatusEnum": "planning.models.PlanStatus",
        "PlanningProjectStatusEnum": "planning.models.ProjectStatus",
        "ActivityStatusEnum": "planning.models.ActivityStatus",
        "IndicatorUnitEnum": "planning.models.IndicatorUnit",
        "IndicatorLevelEnum": "planning.models.LogframeLevel",
        "IndicatorFrequencyEnum": "planning.models.Frequency",
    },
}

# --- Content-Security-Policy and Permissions-Policy (config.middleware.SecurityHeadersMiddleware) ---
# No inline script anywhere (templates, allauth's, the admin, the API docs: tests/test_security_headers.py
# checks), so scripts come from our own origin only. Same shape as Django 6's SECURE_CSP.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # style="" attributes only (a progress bar's width, allauth's hidden forms); never <style> elements.
    "style-src-attr": ["'unsafe-inline'"],
    # Bootstrap's icons and the TOTP QR code are data: URLs.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses are switched off for the site and anything it could embed.
WASL_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    )
} | {"fullscreen": ["self"]}  # fmt: skip

# --- Wasl -----------------------------------------------------------------------------------
WASL_INVITATION_DAYS = env.int("WASL_INVITATION_DAYS", default=14)
# How long the signed link to a receipt's PDF, sent to the payer, stays valid.
WASL_RECEIPT_LINK_DAYS = env.int("WASL_RECEIPT_LINK_DAYS", default=90)
# Background jobs one association may run at once; the others wait their turn. Keep it below the
# number of bulk workers, so that one association never holds all of them.
WASL_JOBS_PER_ASSOCIATION = env.int("WASL_JOBS_PER_ASSOCIATION", default=1)
# Cards rendered per step of a card-sheet job (a multiple of the ten cards of a page): each step
# is one task of a few seconds, far inside the broker's visibility timeout.
WASL_CARD_SHEET_STEP = env.int("WASL_CARD_SHEET_STEP", default=100)
WASL_DEMO_PASSWORD = "wasl-demo-2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
# SMS: the console backend logs messages; HttpGatewaySmsBackend posts to a gateway (notifications/sms.py).
WASL_SMS_BACKEND = env("WASL_SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")
WASL_SMS_GATEWAY_URL = env("WASL_SMS_GATEWAY_URL", default="")
WASL_SMS_GATEWAY_TOKEN = env("WASL_SMS_GATEWAY_TOKEN", default="")
WASL_SMS_SENDER = env("WASL_SMS_SENDER", default="Wasl")
# The gateway's rate limit: SMS handed to it per second, across workers (0: no limit).
WASL_SMS_RATE_PER_SECOND = env.int("WASL_SMS_RATE_PER_SECOND", default=20)
# How long one outbox task sends before it hands over to the next task in the messages queue
# (another association's messages) and puts its own remainder back at the end of the queue.
WASL_OUTBOX_TASK_SECONDS = env.int("WASL_OUTBOX_TASK_SECONDS", default=20)
# Absolute links in e-mails and QR codes. Empty: the address each request came to (so `make run` on
# any port gives working links), and http://127.0.0.1:8000 outside a request (associations/links.py).
WASL_BASE_URL = env("WASL_BASE_URL", default="")
# Moroccan date and time formats for ar and fr (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
