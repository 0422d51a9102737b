"""Settings shared by every mode; each mode module imports * from here.

Everything that differs between machines comes from the environment (django-environ).
Unset DATABASE_URL: a SQLite file. Unset REDIS_URL: Celery runs tasks in-process and the
cache is local memory.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .operations import *  # noqa: F403  (queues, logs, metrics, heartbeats; issue 16)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env(
    "SECRET_KEY", default="dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# R-F1: storefronts answer on <member-id>.<STOREFRONT_DOMAIN>; R-F3: mail domain.
STOREFRONT_DOMAIN = env("STOREFRONT_DOMAIN", default="shop.localhost")
MAIL_DOMAIN = env("MAIL_DOMAIN", default="mail.localhost")
# Main-site URL of links from shop hosts (empty: this request's scheme, the first
# ALLOWED_HOSTS entry and the request's port) and of every link in e-mails (empty: http://
# and the first ALLOWED_HOSTS entry; local.py and production.py give it a default).
# R-F2: the domain registrar in use.
MAIN_SITE_URL = env("MAIN_SITE_URL", default="")
STOREFRONT_REGISTRAR = env("STOREFRONT_REGISTRAR", default="storefront.registrar.LocalRegistrar")
# R-F3: the SMTP receiver (`manage.py run_mail_receiver`, `make mail`) and where received
# attachments are kept (private: never under MEDIA_ROOT, served only to their company).
MAIL_RECEIVER_HOST = env("MAIL_RECEIVER_HOST", default="127.0.0.1")
MAIL_RECEIVER_PORT = env.int("MAIL_RECEIVER_PORT", default=2525)
MAILBOX_ROOT = env.path("MAILBOX_ROOT", default=BASE_DIR / "media-private")
SITE_NAME = _("诚信通商务平台")  # lazy: the name in the language of the page or e-mail
# Shop hosts get their own CSRF failure page (their URLconf lacks the main site's pages).
CSRF_FAILURE_VIEW = "marketplace.views.csrf_failure"

INSTALLED_APPS = [
    # Django's admin with the staff console's site (issue 15): the index leads with the work
    # waiting; `admin.site` and the `admin:` URL names stay as they were.
    "marketplace.admin_site.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml (search.sitemaps)
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_prometheus",
    # The audit log of staff decisions (issue 15): below every app, written by their services.
    "audit",
    "members",
    "listings",
    "search",
    "inquiries",
    "credit",
    "trade",
    "storefront",
    "demo",
    # Failed tasks, heartbeats, request ids, /metrics (issue 16).
    "ops",
]

MIDDLEWARE = [
    # Prometheus (issue 16): first and last, so a request's latency counts every middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID), in every log line and task of the request (issue 16).
    "ops.request_id.RequestIdMiddleware",
    # Outermost: PostgreSQL away → 503 with Retry-After instead of 500, also when a middleware
    # below (the host check's company lookup, the session) meets it (issue 17).
    "marketplace.middleware.DatabaseUnavailableMiddleware",
    # With a read replica (DATABASE_REPLICA_URL): which reads of the request may go to it, the
    # sticky window after a write, a GET run again on the primary when the replica failed
    # under it (marketplace/db_router.py, issue 16). Inside the 503 middleware, above the rest.
    "marketplace.db_router.ReplicaRoutingMiddleware",
    # Then: R-F1/R-F2 host check (platform hosts, shop subdomains, own domains; else 400),
    # then serve shop hosts with the storefront urlconf.
    "storefront.middleware.StorefrontHostMiddleware",
    "storefront.middleware.StorefrontRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page that needs the member's company and finds none: a message on the dashboard.
    "members.middleware.NoCompanyMiddleware",
    # Colleague roles (issue 14): a page or API endpoint the account's role does not allow
    # is a 403 before the view runs (the table is marketplace/role_policy.py).
    "marketplace.role_policy.RolePolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: axes needs the authenticated user and the request's IP.
    "axes.middleware.AxesMiddleware",
    # Visitors' public pages kept for PUBLIC_PAGE_CACHE_SECONDS (marketplace/page_cache.py):
    # innermost, so a page it serves gets every other middleware's headers and cookies.
    "marketplace.page_cache.PublicPageCacheMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.site",
                "inquiries.context_processors.inbox",
                "members.context_processors.notices",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection (CONN_MAX_AGE > 0) is checked before its first use in each request or
# task, and replaced if PostgreSQL was restarted or dropped it (issue 17).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Connecting to PostgreSQL gives up after this many seconds (libpq's connect_timeout; it
# counts 1 as 2), so a request while the server is away or unreachable answers 503 within
# seconds instead of hanging (marketplace/middleware.py, issue 17).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
# A read replica (issue 16): a streaming standby of the primary. Set, the public pages and the
# search API of visitors read from it (marketplace/db_router.py); a member who wrote reads from
# the primary for DATABASE_REPLICA_STICKY_SECONDS; a replica that does not answer is left
# alone for DATABASE_REPLICA_RETRY_SECONDS (reads go to the primary meanwhile), and connecting
# to it gives up after DATABASE_REPLICA_CONNECT_TIMEOUT seconds.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=10)
DATABASE_REPLICA_RETRY_SECONDS = env.int("DATABASE_REPLICA_RETRY_SECONDS", default=5)
DATABASE_REPLICA_CONNECT_TIMEOUT = env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
# Visitors' (not signed in) search, category, buy-lead, home, company, credit-archive and
# storefront pages are served from the cache for this many seconds after one rendering
# (marketplace/page_cache.py); 0 switches it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=30)
# A standby whose replay is further behind than this is left alone like one that is away
# (checked once per DATABASE_REPLICA_RETRY_SECONDS per process); 0 switches the check off.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.int("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30)


def replica_database(primary: dict, url: str) -> dict:
    """The `replica` alias: `url`, kept and health-checked like the primary's connection; in
    tests a mirror of the primary's test database."""
    replica = env.db_url_config(url)
    for key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        replica[key] = primary.get(key, replica.get(key))
    if replica["ENGINE"].endswith(("postgresql", "postgis")):
        replica.setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_REPLICA_CONNECT_TIMEOUT
    replica["TEST"] = {"MIRROR": "default"}
    return replica


if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASES["default"], DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["marketplace.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Account self-service (issue 14, part 1; members/account_services.py), in seconds: how long
# a password reset link works (single use in any case), how often one address may get a reset
# mail, how long an e-mail confirmation link works, and the "resend" button's limits.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 3600)
PASSWORD_RESET_EMAIL_INTERVAL = env.int("PASSWORD_RESET_EMAIL_INTERVAL", default=60)
EMAIL_CONFIRMATION_TIMEOUT = env.int("EMAIL_CONFIRMATION_TIMEOUT", default=7 * 86400)
EMAIL_CONFIRMATION_RESEND_SECONDS = env.int("EMAIL_CONFIRMATION_RESEND_SECONDS", default=60)
EMAIL_CONFIRMATION_RESEND_PER_DAY = env.int("EMAIL_CONFIRMATION_RESEND_PER_DAY", default=5)
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "members:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Client addresses (issue 17): how many proxies of ours stand in front of the web processes
# and append to X-Forwarded-For. 0: the header is ignored and REMOTE_ADDR is the client.
# Throttles, axes and view counts all ask marketplace.clients.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Failed logins: locked out per account and IP after AXES_FAILURE_LIMIT tries.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "marketplace.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The lockout page answers 429 with Retry-After (the cool-off), like every other 429.
AXES_LOCKOUT_CALLABLE = "members.lockout.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads: R-L5 refuses anything over 5 MB before the whole body is read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@chengxintong.localhost")

# --- Cache and Celery -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Redis away or slow: a cache read is a miss and a write is dropped (marketplace/cache.py),
# after at most these socket timeouts, so the API falls through to the database (issue 17).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "marketplace.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mp"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Queues per kind of work (review, search, credit, mail, default) and their routes:
# settings/operations.py (issue 16).
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Tasks are idempotent (they recompute from sources), so they are acknowledged after they
# ran, and a worker lost mid-task puts its message back for another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection between tasks (Celery's Django fixup otherwise
# closes it before and after every task, and each task pays a new PostgreSQL connection;
# measured by bench/review_throughput.py). Set, it only stops the fixup's closing (it
# still recycles every 2×N tasks): how long a connection lives is decided as for web
# requests, by CONN_MAX_AGE and CONN_HEALTH_CHECKS, through close_old_connections around
# every task (marketplace/celery.py), so a broken one never outlives the task it broke in.
# Workers keep connections only with CONN_MAX_AGE > 0 (600 in the bench, as in production).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Redis redelivers a message not acknowledged within the visibility timeout (acks_late: a
# task is acknowledged when it ends). So it is how long the task of a worker that died
# mid-task waits before another worker runs it (the beat sweeps redo lost work sooner), and
# it must exceed the longest a live worker holds a message, or a long run is delivered to a
# second worker while the first still runs it: the longest hard time limit, 1900 s of the
# nightly credit run (`credit.recalculate_all`; 90 s for every other task), as the worker
# reserves only the messages it runs (prefetch multiplier 1). No task is sent with a
# countdown or ETA (a message held for longer would be delivered twice).
# tests/members/test_settings.py checks it against every task's limit.
# CELERY_VISIBILITY_TIMEOUT (seconds), 40 minutes by default.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2400)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Each app adds its entries (listing expiry, membership reminders, nightly credit),
    # e.g. "name": {"task": "app.task", "schedule": crontab(minute=0, hour=3)}.
    "celery-ping": {"task": "marketplace.ping", "schedule": crontab(minute="*/30")},
    # R-L2: live listings expire at the end of their validity (and leave search at once).
    "listings-expire-due": {
        "task": "listings.listing_expire_due",
        "schedule": crontab(minute="*"),
    },
    # The "expires in 3 days" notice of live listings (once per listing and validity).
    "listings-expiring-notify": {
        "task": "listings.listing_expiring_notify_due",
        "schedule": crontab(minute=15),
    },
    # R-L3: reviews whose message or commit was lost run again.
    "listings-review-sweep": {
        "task": "listings.listing_review_sweep",
        "schedule": crontab(minute="*"),
    },
    # R-S2: store the ranking keys that ran out (3-day windows, TrustPass runs at midnight).
    "search-refresh-rank-keys": {
        "task": "listings.search_refresh_rank_keys",
        "schedule": crontab(minute="*/5"),
    },
    # R-S1: live listings whose search document is missing or older than the listing (a
    # reindex task lost with the broker) are reindexed.
    "search-index-sweep": {
        "task": "search.index_sweep",
        "schedule": crontab(minute="*/2"),
    },
    # R-C7: every company's score nightly (archive years grow with time alone), set-based;
    # and every minute, recomputations whose message was lost or whose worker died.
    "credit-recalculate-all": {
        "task": "credit.recalculate_all",
        "schedule": crontab(minute=30, hour=2),
    },
    "credit-recalculate-pending": {
        "task": "credit.recalculate_pending",
        "schedule": crontab(minute="*"),
        "kwargs": {"older_than_seconds": 60},
    },
    # R-T1: refunds asked for but not confirmed by the gateway (trade/refunds.py).
    "trade-refunds-retry": {
        "task": "trade.refunds_retry_due",
        "schedule": crontab(minute="*"),
    },
    # R-T1a / R-T1b: unpaid orders expire, shipped ones are confirmed by themselves
    # (trade/order_timers.py; each order moved once, so a second run changes nothing).
    "trade-orders-expire-due": {
        "task": "trade.orders_expire_due",
        "schedule": crontab(minute="*"),
    },
    "trade-orders-auto-confirm-due": {
        "task": "trade.orders_auto_confirm_due",
        "schedule": crontab(minute="*/5"),
    },
    # Notice e-mails (listings, inquiries R-I1, orders, reminders…) whose task failed for
    # good or whose message was lost (members/notices.py; sent once each).
    "members-notice-email-sweep": {
        "task": "members.notice_email_sweep",
        "schedule": crontab(minute="*/2"),
    },
    # R-M4: renewal reminders; twice a day so one missed run costs nothing (sent once each).
    "members-renewal-reminders": {
        "task": "members.membership_reminders_send",
        "schedule": crontab(minute=5, hour="8,14"),
    },
}


# --- API ------------------------------------------------------------------------------
def _throttle_rate(name: str, default: str) -> str | None:
    """A DRF rate such as "600/min"; "off" turns the throttle off (a load test from one
    address, e.g. bench/search.py)."""
    rate = env(name, default=default)
    return None if rate.strip().lower() in ("off", "none", "") else rate


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Keyed by marketplace.clients.client_ip, open when the cache is away (issue 17).
    "DEFAULT_THROTTLE_CLASSES": [
        "marketplace.throttling.AnonRateThrottle",
        "marketplace.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _throttle_rate("THROTTLE_ANON", "600/min"),
        "user": _throttle_rate("THROTTLE_USER", "1200/min"),
        "sign_in": _throttle_rate("THROTTLE_SIGN_IN", "30/min"),
        "sign_up": _throttle_rate("THROTTLE_SIGN_UP", "30/min"),
        # Account self-service (issue 14): reset requests per address, changes per member.
        "password_reset": _throttle_rate("THROTTLE_PASSWORD_RESET", "10/hour"),
        "password_change": _throttle_rate("THROTTLE_PASSWORD_CHANGE", "10/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "marketplace.exceptions.api_exception_handler",
    # drf-spectacular's, plus the error answers (Error component) of every operation.
    "DEFAULT_SCHEMA_CLASS": "marketplace.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "诚信通 Marketplace API",
    "DESCRIPTION": "JSON API v1 (see API.md). 错误格式: {code, detail, rule, fields}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request bodies get their own components (`…Request`): required text is `minLength: 1`
    # there, and read-only fields stay out (issue 17: the schema says what the API accepts).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models name a choice field "kind" or "status": one schema name per choice set.
    "ENUM_NAME_OVERRIDES": {
        "ListingKindEnum": "listings.models.Listing.Kind",
        "ListingStatusEnum": "listings.models.Listing.Status",
        "ListingValidityEnum": "listings.models.Listing.Validity",
        "CertificateKindEnum": "credit.models.Certificate.Kind",
        "CertificateStatusEnum": "credit.models.Certificate.Status",
        "OrderStatusEnum": "trade.models.Order.Status",
        "CompanyRoleEnum": "members.models.User.Role",
        "InquiryKindEnum": "inquiries.models.Inquiry.Kind",
        "InquiryMessageKindEnum": "inquiries.models.InquiryMessage.Kind",
    },
}

# --- Content-Security-Policy (django-csp 4) ----------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Inline styles stay (style attributes in templates and the admin); scripts are only
        # static files: no inline <script> or on…= handlers (JSON islands need no nonce).
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "SAMEORIGIN"

# --- Business settings (RULES.md, marked *(setting)*) --------------------------------------
LISTING_AUTO_PUBLISH_CLEAN = env.bool("LISTING_AUTO_PUBLISH_CLEAN", default=False)  # R-L3
LISTING_DUPLICATE_SIMILARITY = 0.90  # R-L3a
LISTING_MIN_CHINESE_SHARE = 0.30  # R-L3c
LISTING_MIN_DESCRIPTION_CHARS = 30  # R-L3e
INQUIRY_RATE_LIMIT_PER_HOUR = env.int("INQUIRY_RATE_LIMIT_PER_HOUR", default=20)  # R-I1
# A notice e-mail (members/notices.py) not sent after this long is queued again by the sweep.
NOTICE_EMAIL_SWEEP_AFTER_SECONDS = env.int("NOTICE_EMAIL_SWEEP_AFTER_SECONDS", default=120)
TRUSTPASS_YEAR_PRICE_YUAN = 2800

# Issue 14: days a colleague invitation link stays valid (signed with a timestamp).
COLLEAGUE_INVITATION_MAX_AGE_DAYS = env.int("COLLEAGUE_INVITATION_MAX_AGE_DAYS", default=7)
# R-T1: payment gateways (trade/gateway.py). "test" is the local test gateway; a real
# provider is added to PAYMENT_GATEWAYS (name → class path) and chosen by PAYMENT_GATEWAY.
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="test")
PAYMENT_GATEWAYS = {"test": "trade.gateway.LocalTestGateway"}
PAYMENT_TEST_GATEWAY_SECRET = env("PAYMENT_TEST_GATEWAY_SECRET", default="")
# `check --deploy` warns about the test gateway unless a deployment opts in (trade.W001).
PAYMENT_TEST_GATEWAY_ALLOWED = env.bool("PAYMENT_TEST_GATEWAY_ALLOWED", default=False)
# R-T1: a refund not confirmed by the gateway is asked again (same idempotency key) by the
# sweep once its last attempt is this old (trade/refunds.py).
REFUND_RETRY_AFTER_SECONDS = env.int("REFUND_RETRY_AFTER_SECONDS", default=60)
# R-T1a: an unpaid order expires this many hours after it was made (trade/order_timers.py).
ORDER_PAYMENT_HOURS = env.int("ORDER_PAYMENT_HOURS", default=24)
# R-T1b: a shipped order is confirmed by itself this many days after shipment
# (ORDER_CONFIRM_DAYS is accepted as the environment's other name for it).
ORDER_AUTO_CONFIRM_DAYS = env.int(
    "ORDER_AUTO_CONFIRM_DAYS", default=env.int("ORDER_CONFIRM_DAYS", default=10)
)
MAILBOX_QUOTA_BYTES = 5 * 1024 * 1024  # R-F3
# R-C2 names no review time for identity verification: staff answer an application within
# this many days of its submission (the admin's deadline column and the console's queue).
VERIFICATION_REVIEW_DAYS = env.int("VERIFICATION_REVIEW_DAYS", default=3)

# Logs (JSON lines with the request id), /metrics and worker heartbeats: settings/operations.py
# (issue 16).


# Admin header
ADMIN_SITE_HEADER = _("诚信通商务平台 管理后台")
