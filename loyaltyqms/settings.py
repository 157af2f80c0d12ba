"""Django settings for LoyaltyQMS.

Every deploy-specific value comes from the environment through the small typed helpers below;
production differs from development only by environment variables (see the README's table).
Importing them creates no folder and writes no file: VAR_DIR is made by the commands that use it
(core.var_dir).
"""

import base64
import hashlib
import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files: the SQLite database, the file-system broker's folders, beat's schedule, the
# development key. migrate, demo and the Celery worker and beat create them (core.var_dir).
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    """Return the variable as text, or the default when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; refuse words that are neither true nor false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer, with a clear error when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_map(name: str) -> dict[str, str]:
    """Return a comma-separated variable of key=value pairs as a dict, keys and values stripped."""
    pairs = (item.partition("=") for item in env_list(name))
    return {key.strip(): value.strip() for key, _equals, value in pairs}


def env_date(name: str, default: str) -> date:
    """Return the variable as a date written YYYY-MM-DD, with a clear error when it is not one."""
    raw = env_str(name, default).strip() or default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a date (use YYYY-MM-DD).") from None


def development_secret_key(key_file: Path) -> str:
    """Return the development key kept in key_file, or a key of this process's own until then.

    A process started before the file exists (`check` on a fresh clone) signs nothing that
    outlives it; core.var_dir keeps its key in the file for every process that follows.
    """
    try:
        key = key_file.read_text().strip()
    except FileNotFoundError:
        key = ""
    return key or secrets.token_urlsafe(50)


def without_password(url: str) -> str:
    """Return the URL with its password, if any, replaced by *** (for error messages)."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@", 1) if password else url


def cache_from_url(url: str) -> dict[str, str]:
    """Return the cache CACHE_URL names: Redis for redis:// or rediss://, memory when empty."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if urlsplit(url).scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"CACHE_URL={without_password(url)!r} is not understood: use redis://host:6379/2 "
        "(or rediss://), or leave it empty for a cache in each process's memory."
    )


def csp_hash(text: str) -> str:
    """Return the Content-Security-Policy source that allows exactly this inline text."""
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def image_sources(address: str, setting: str) -> list[str]:
    """Return the Content-Security-Policy source an image address needs: none for a path under
    static/, the origin of an https:// address; refuse any other address."""
    if "://" not in address and not address.startswith("/"):
        return []
    parts = urlsplit(address)
    if parts.scheme != "https" or not parts.netloc:
        raise ImproperlyConfigured(
            f"{setting}={address!r}: use a path under static/ (img/logo.svg) or an https:// "
            "address."
        )
    return [f"https://{parts.netloc}"]


def default_site_url(debug: bool, allowed_hosts: list[str]) -> str:
    """Return the address to link to when SITE_URL is unset; empty when no host is named."""
    if debug:
        return "http://127.0.0.1:8000"  # runserver's default; `make run` exports its own
    named = [host.lstrip(".") for host in allowed_hosts if host.strip(".*")]
    return f"https://{named[0]}" if named else ""


def broker_transport_options(url: str) -> dict[str, object]:
    """Return the Celery broker's transport options for the broker URL names."""
    if url.startswith("filesystem://"):
        # The folders must exist before a message is sent or read: core.var_dir creates them.
        return {
            "data_folder_in": str(VAR_DIR / "celery-broker" / "queue"),
            "data_folder_out": str(VAR_DIR / "celery-broker" / "queue"),
            "processed_folder": str(VAR_DIR / "celery-broker" / "processed"),
            "control_folder": str(VAR_DIR / "celery-broker" / "control"),
            "store_processed": False,
        }
    if url.startswith(("redis://", "rediss://")):
        # A request publishes once and never waits long on a broker that is down: the outbox
        # keeps the message and its relay publishes it later (core.outbox). kombu's own
        # reconnect loop (three tries over 2 s by default) is cut to one quick retry; the
        # worker's consumer reconnects by Celery's broker_connection_retry, not by these.
        return {
            "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT", 2),
            "socket_timeout": env_int("CELERY_BROKER_SOCKET_TIMEOUT", 5),
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        }
    return {}


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
# Without SECRET_KEY, development keeps its key in this file, written by core.var_dir.
DEVELOPMENT_SECRET_KEY_FILE = None if SECRET_KEY else VAR_DIR / "development_secret_key"
if DEVELOPMENT_SECRET_KEY_FILE is not None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for development)."
        )
    SECRET_KEY = development_secret_key(DEVELOPMENT_SECRET_KEY_FILE)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form gets a page in the product's layout that leads back to the form.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "loyaltyqms.apps.SiteStaticFilesConfig",  # django.contrib.staticfiles, without ReDoc
    "rest_framework",
    "rest_framework.authtoken",
    "axes",  # sign-in limits (core.login_protection)
    "django_otp",  # the optional second sign-in step (core.two_factor)
    "django_otp.plugins.otp_totp",
    # Sign-in with the company account (OpenID Connect; core.oidc): only the social login.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",  # its system checks catch settings in the pre-4.0 format
    # The project's apps, in layer order: each may import only those above it in this list.
    "core",
    "stakeholders",
    "journeys",
    "feedback",
    "metrics",
    "improvement",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response the project writes
    # (see the header block under "Security" below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session, a token or the form: NUL characters are refused.
    "core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the code was given
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-allauth's request context, and its way of ending a sign-in early (core.oidc).
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    # Signed in with a password, but the account asks for a code too: only the code page.
    "core.two_factor.SecondStepMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page or JSON answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "loyaltyqms.urls"
WSGI_APPLICATION = "loyaltyqms.wsgi.application"

# Select boxes written in Python (a fifth of the complaint queue's time went to their templates).
FORM_RENDERER = "core.form_renderer.FormRenderer"

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
                "core.context_processors.navigation_context",
                "core.context_processors.notifications_context",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL in production (DATABASE_URL=postgres://…).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'loyaltyqms.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes' backend (the password check itself is ModelBackend's), limiting sign-ins on the
# page, the admin and the API token endpoint alike.
AUTHENTICATION_BACKENDS = ["core.login_protection.LoginLimitBackend"]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English"))]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Outside VAR_DIR in containers: var/ is a volume there and would hide the image's static files.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js's cartesian bundle (scatter, bar, box, heatmap, histogram, contour, pie, violin...),
# vendored from npm by `make vendor-plotly`: a third of the full bundle the plotly package ships.
# Its major.minor is the one the plotly package targets (tests/core/test_static.py checks it).
PLOTLY_JS_VERSION = "4.1.1"
PLOTLY_JS = f"vendor/plotly.js-cartesian-{PLOTLY_JS_VERSION}/plotly-cartesian.min.js"
# plotly.js's style rules as a file, so that it injects no <style> (the Content-Security-Policy).
PLOTLY_CSS = f"vendor/plotly.js-cartesian-{PLOTLY_JS_VERSION}/plotly.css"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATICFILES_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without the manifest (development, tests) static files are served straight from the finders.
WHITENOISE_USE_FINDERS = not STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise")
# Source maps are fetched only by a developer's browser tools: serving them uncompressed saves
# collectstatic most of its compression time (the API docs' bundles ship 6 MB of them). The
# report's fonts are read from disk by the PDF writer and never sent to a browser: compressing
# them took a third of what was left.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv"),
    *("map", "ttf"),
]
MEDIA_ROOT = VAR_DIR / "media"

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A hanging SMTP server must not block a web worker or a Celery task for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LoyaltyQMS <qms@localhost>")
# The address people open the application at; e-mails link to pages under it. Unset, links shown
# during a request take the request's address, and e-mails (sent by Celery: no request) take the
# development server's (DEBUG) or https:// and the first ALLOWED_HOSTS name; core.W001 warns when
# there is none.
SITE_URL = env_str("SITE_URL").strip().rstrip("/")
SITE_URL_FROM_REQUEST = not SITE_URL
SITE_URL = SITE_URL or default_site_url(DEBUG, ALLOWED_HOSTS)

# Input bounds (core.parsers, core.middleware, core.validation). A request body other than an
# uploaded file may hold this many bytes: a bulk batch of 5,000 items with comments fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
# No quality record (complaint, idea, survey answer, audit...) is dated before this day or more
# than a day after today; date filters and plans stay within it and the year 2100.
QMS_EARLIEST_DATE = env_date("QMS_EARLIEST_DATE", "2000-01-01")

# Security: strict by default, relaxed only by DEBUG or explicit variables.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The container health check calls /healthz over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files, no
# inline script, handler or style (templates use data- attributes, static/js and static/css;
# the API docs serve Swagger UI's start-up script as a file). plotly.js reads its rules from
# its linked stylesheet ({% chart_scripts %}) instead of injecting a <style>; it still writes
# the rich text of chart labels (<b>, <i>, <span style='color:...'>) as style attributes on SVG
# <tspan>s, so 'unsafe-hashes' lets exactly those declarations through and no other style
# attribute (core/charts/control.py writes these three). img-src: Bootstrap draws its icons as
# data: SVGs; plotly's "download as PNG" draws the chart through a blob: image.
# CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only: the
# browser reports violations (to CSP_REPORT_URI, if set) and blocks nothing. (The names below
# avoid django-csp's CSP_* prefix: its check refuses settings of the pre-4.0 format.)
PLOTLY_TEXT_STYLES = ["font-weight:bold", "font-style:italic", " fill:#6c757d"]
# The organisation's logo on the public pages (templates/base_public.html, beside
# ORGANISATION_NAME): a path under static/ (the default, the demo organisation's), or an https://
# address, whose origin img-src then allows (images only, from that one host). Any other address
# is refused at start-up: an http:// image on an https page would be blocked as mixed content.
ORGANISATION_LOGO = env_str("ORGANISATION_LOGO", "img/logo.svg").strip() or "img/logo.svg"
# The sites that may frame the survey embed pages (/s/<token>/embed/, the snippet on a survey's
# page), as frame-ancestors sources separated by commas: "https:" (the default) lets any https
# site embed the survey, "https://www.example.com" only that one. Only the embed pages are ever
# framed; every other page keeps frame-ancestors 'none' and X-Frame-Options DENY.
SURVEY_EMBED_ANCESTORS = env_list("SURVEY_EMBED_ANCESTORS", "https:")
SECURITY_POLICY_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-hashes'", *map(csp_hash, PLOTLY_TEXT_STYLES)],
    "img-src": ["'self'", "data:", "blob:", *image_sources(ORGANISATION_LOGO, "ORGANISATION_LOGO")],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_str("CSP_REPORT_URI"):
    SECURITY_POLICY_DIRECTIVES["report-uri"] = [env_str("CSP_REPORT_URI")]
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str]]] | None
CONTENT_SECURITY_POLICY_REPORT_ONLY: dict[str, dict[str, list[str]]] | None
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": SECURITY_POLICY_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": SECURITY_POLICY_DIRECTIVES}
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None
# Permissions-Policy: the product uses none of these browser features, so no page may.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is an opt-in decision for the operator (SECURE_HSTS_PRELOAD), not a default.
    "security.W021",
]
# Reverse proxies in front of the application that append to X-Forwarded-For (compose's TLS
# proxy: 1). With 0 the header is ignored: anyone can write it (core.network).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Chat channels and webhook endpoints are URLs people type; the server refuses to send to
# private, loopback and link-local addresses (and plain http:// unless DEBUG) so they cannot
# reach internal services. True lifts that for receivers on the internal network (and tests).
OUTBOUND_ALLOW_PRIVATE_TARGETS = env_bool("OUTBOUND_ALLOW_PRIVATE_TARGETS", False)

# Outbound webhooks (core.webhooks): the wait before each attempt of a delivery, in seconds (the
# Standard Webhooks / Svix schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, about a
# day in all), each spread by up to WEBHOOK_RETRY_JITTER either way; a receiver's time to
# answer; and how long a rotated secret still signs beside the new one.
WEBHOOK_RETRY_SCHEDULE_SECONDS = [
    int(seconds)
    for seconds in env_list("WEBHOOK_RETRY_SCHEDULE_SECONDS", "0,5,300,1800,7200,18000,36000,36000")
]
WEBHOOK_RETRY_JITTER = 0.15
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 15)
WEBHOOK_SECRET_GRACE_HOURS = env_int("WEBHOOK_SECRET_GRACE_HOURS", 24)

# Sign-in limits (django-axes, counted atomically by core.login_protection). Failures within the
# lockout window: LOGIN_FAILURE_LIMIT per account and client address (password guessing),
# LOGIN_ADDRESS_FAILURE_LIMIT per address whatever the account (one password tried on many
# accounts), higher because an office behind one address shares it. No limit per account
# alone: anyone could lock a colleague out by typing their name. A lockout ends
# LOGIN_LOCKOUT_MINUTES after the last failure; an administrator can lift it sooner.
AXES_HANDLER = "core.login_protection.LoginAttemptHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # for axes' own commands
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Attempts refused during a lockout are not counted, so it ends when the page said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A right password clears that account's failures from that address (the handler does it
# narrowly; axes' own reset would also clear other accounts' failures from the address).
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "core.network.axes_client_address"
AXES_LOCKOUT_CALLABLE = "core.login_protection.lockout_response"
AXES_VERBOSE = False  # no banner on every command's start; failures are still logged
# The second sign-in step: authenticator apps show the account as "LoyaltyQMS: name"; the admin
# never shows a device's secret (it can only delete the device, to let its owner in again).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "LoyaltyQMS")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in with the company account: OpenID Connect through django-allauth (core.oidc). Without
# OIDC_ISSUER nothing changes: no button, and the sign-in routes answer 404. The application is
# configured here, not in the database. People are created on their first sign-in; each sign-in
# sets their role from the OIDC_ROLE_CLAIM claim through OIDC_ROLE_MAP ("idp-group=Role name,
# ..."), else OIDC_DEFAULT_ROLE, else it is refused. No signup form and no second password page:
# allauth's own pages are not mounted, and the button posts (with its CSRF token) to start.
OIDC_ISSUER = env_str("OIDC_ISSUER").strip().rstrip("/")
OIDC_PROVIDER_ID = "company"  # in the sign-in and callback addresses: /accounts/oidc/company/...
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME").strip() or "Company account"
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM").strip() or "groups"
OIDC_ROLE_MAP = env_map("OIDC_ROLE_MAP")
OIDC_DEFAULT_ROLE = env_str("OIDC_DEFAULT_ROLE").strip()
SOCIALACCOUNT_ADAPTER = "core.oidc.CompanyAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_PROVIDER_NAME,
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_ISSUER},
            }
        ]
        if OIDC_ISSUER
        else []
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a GET (a link, an image) must not start a sign-in
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the identity provider vouches for the address
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # core.oidc decides about an address already in use

# Celery: an embedded filesystem broker by default (no server); Redis in production.
# Cache: shared by every process when a Redis URL is given (the public survey page's throttle
# counts per client address across all web workers); per process in memory otherwise. A URL of
# another kind is an error rather than a quiet fall-back to memory.
CACHES = {"default": cache_from_url(env_str("CACHE_URL").strip())}
# The public survey pages answer at most this many requests per client address and window.
PUBLIC_SURVEY_RATE_LIMIT = env_int("PUBLIC_SURVEY_RATE_LIMIT", 60)
PUBLIC_SURVEY_RATE_WINDOW = env_int("PUBLIC_SURVEY_RATE_WINDOW", 600)  # seconds
# An e-mailed survey invitation still unanswered this many days after it was sent is reminded,
# once (feedback.tasks.survey_reminders_task, daily).
SURVEY_REMINDER_AFTER_DAYS = env_int("SURVEY_REMINDER_AFTER_DAYS", 3)
# Complaint e-mails to customers: with an address here (e.g. "replies@brightline.example"),
# each e-mail's Reply-To is replies+<token>@brightline.example, and a mail provider's inbound
# webhook posting the answer to /api/v1/complaint-replies/ logs it on the complaint. Unset,
# customers answer the From address and staff paste replies in on the complaint's page.
COMPLAINT_REPLY_ADDRESS = env_str("COMPLAINT_REPLY_ADDRESS").strip()

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECT_TIMEOUT", 2)
# The outbox: a published message no worker started after this many seconds is sent again
# (a broker restarted without persistence loses its queue); finished ones are kept this long.
OUTBOX_REPUBLISH_AFTER = env_int("OUTBOX_REPUBLISH_AFTER", 3600)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)
# The relay leaves a message this young to the publish that follows its own commit.
OUTBOX_RELAY_GRACE = env_int("OUTBOX_RELAY_GRACE", 5)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The queue every task is sent to and workers take them from: deployments (or test runs) sharing
# one Redis database keep apart by naming their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A stuck task is stopped rather than holding a worker forever; long jobs set their own limits.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# Acknowledge on receipt by default; only idempotent tasks opt into acks_late themselves.
CELERY_TASK_ACKS_LATE = False
# One task at a time per worker process: tasks are few and long, so prefetching only delays others.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands a task taken by a worker that died without acknowledging it (acks_late) to another
# worker after this many seconds. It must exceed the longest hard time limit, the import's 61
# minutes (core.imports.tasks): shorter, a task still running would be delivered a second time.
# A countdown (the mail retries' backoff, 10 minutes at most) must fit in it too. Hence 75
# minutes; the heartbeat watchdog below notices a dead worker's recompute or import far sooner.
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 75 * 60)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = BROKER_VISIBILITY_TIMEOUT
# A running recompute or import refreshes its heartbeat every JOB_HEARTBEAT_SECONDS; one silent
# for JOB_STALE_AFTER_SECONDS lost its worker, and the watchdog (every minute, below) queues its
# remaining work again. Twelve beats fit in the window: a busy database never passes for a death.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 15)
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 180)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The nightly metrics recompute, at 02:00 in TIME_ZONE (CELERY_TIMEZONE follows it).
    "recompute-metrics": {
        "task": "metrics.tasks.recompute_nightly_task",
        "schedule": crontab(hour=2, minute=0),
    },
    # The transactional outbox's relay: publishes what a broker outage held back (core.outbox).
    "relay-outbox": {
        "task": "core.tasks.outbox_relay_task",
        "schedule": env_int("OUTBOX_RELAY_SECONDS", 30),
    },
    # The watchdogs: a recompute run or an import whose worker died is taken over (heartbeats).
    # Each check is a few queries; `expires` keeps a stopped worker from finding a pile of them.
    "recover-recompute-runs": {
        "task": "metrics.tasks.recompute_recover_task",
        "schedule": 60,
        "options": {"expires": 55},
    },
    "recover-imports": {
        "task": "core.imports.tasks.import_jobs_recover_task",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Webhook deliveries whose next attempt is due (core.webhooks.delivery); a few queries.
    "retry-webhooks": {
        "task": "core.tasks.webhook_retry_due_task",
        "schedule": 30,
        "options": {"expires": 25},
    },
    # Survey invitations unanswered after SURVEY_REMINDER_AFTER_DAYS: one reminder each, in
    # the morning (feedback.tasks); a rerun finds them reminded and sends nothing.
    "survey-reminders": {
        "task": "feedback.tasks.survey_reminders_task",
        "schedule": crontab(hour=9, minute=0),
    },
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # After the nightly recompute: suggested cycles from the fresh snapshots, the Checks that
    # wait for data, then one reminder digest per person (improvement.tasks).
    # After the nightly recompute (its snapshots feed the "indicators on target" criterion) and
    # before the improvement round: the partner scorecards of the last complete months, and a
    # suggested partner cycle for a poor standing (reports.tasks).
    "scorecards-refresh": {
        "task": "reports.tasks.scorecards_refresh_task",
        "schedule": crontab(hour=5, minute=30),
    },
    "improvement-daily": {
        "task": "improvement.tasks.improvement_daily_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # The alert digests (metrics.tasks): each holds its subscription's alerts since the last one.
    "alert-digest-daily": {
        "task": "metrics.tasks.alert_digest_task",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "alert-digest-weekly": {
        "task": "metrics.tasks.alert_digest_task",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
        "args": ("weekly",),
    },
    # Recurring pulses (feedback.tasks): the pulse due today is opened and its audience invited
    # at 07:05, so that the e-mails arrive in the morning; the later hourly runs open what an
    # outage held back. A pulse opens once and is sent once, however often this runs.
    "pulses-open": {
        "task": "feedback.tasks.pulse_open_task",
        "schedule": crontab(minute=5, hour="7-19"),
        "options": {"expires": 3000},
    },
    # The executive monthly report of the month that just ended, on the 1st at 06:00, after the
    # night's recompute and scorecards (reports.tasks); a rerun finds it made and sends nothing.
    "monthly-report": {
        "task": "reports.tasks.monthly_report_due_task",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
}

# PDCA cycles (improvement): what a complaint costs (the impact of a cycle that avoids some),
# when complaints at one touchpoint with one root cause suggest a cycle, and the mystery-shop
# score below which an audit suggests one.
IMPROVEMENT_COST_PER_COMPLAINT = env_int("IMPROVEMENT_COST_PER_COMPLAINT", 150)
IMPROVEMENT_CLUSTER_THRESHOLD = env_int("IMPROVEMENT_CLUSTER_THRESHOLD", 5)
IMPROVEMENT_CLUSTER_DAYS = env_int("IMPROVEMENT_CLUSTER_DAYS", 30)
IMPROVEMENT_MYSTERY_SHOP_THRESHOLD = env_int("IMPROVEMENT_MYSTERY_SHOP_THRESHOLD", 70)
IMPROVEMENT_REMINDER_DAYS_AHEAD = env_int("IMPROVEMENT_REMINDER_DAYS_AHEAD", 3)

# Partner scorecards (reports): the score (0-100) from which each standing starts, below "watch"
# a partner stands "poor" (which suggests a partner cycle), and how many complete months the
# nightly refresh scores again (older months keep their stored scores).
SCORECARD_BANDS = {
    "watch": env_int("SCORECARD_WATCH_FROM", 50),
    "good": env_int("SCORECARD_GOOD_FROM", 70),
    "excellent": env_int("SCORECARD_EXCELLENT_FROM", 85),
}
SCORECARD_REFRESH_MONTHS = env_int("SCORECARD_REFRESH_MONTHS", 13)

# The executive monthly report (reports.monthly): the organisation's name on its cover, how long
# one chart may take to draw before the report shows its table instead, and after how many
# minutes a generation that a worker claimed and never finished (the worker died) is taken over.
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Brightline Home Services")
REPORT_CHART_TIMEOUT_SECONDS = env_int("REPORT_CHART_TIMEOUT_SECONDS", 30)
REPORT_CLAIM_MINUTES = env_int("REPORT_CLAIM_MINUTES", 15)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RoleModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON and form bodies read within bounds: size, nesting depth, no NUL (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LoyaltyQMS API",
    "DESCRIPTION": "Quality management for customer loyalty: journeys, complaints, surveys, "
    "indicators and PDCA cycles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Every operation also documents the refusals shared code gives (400, 401, 403, 404...).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.add_error_responses",
    ],
    # Several models have a "channel" or "kind" choice; keep the names clients already generated.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "journeys.models.Touchpoint.Channel",
        "KindEnum": "stakeholders.models.Partner.Kind",
        "DirectionEnum": "journeys.models.QualityObjective.Direction",
        # The metrics app's choices share field names with older ones: named after their model.
        "IndicatorKindEnum": "metrics.models.Indicator.Kind",
        "IndicatorDirectionEnum": "metrics.models.Indicator.Direction",
        "IndicatorStatusEnum": "metrics.models.Indicator.Status",
        "TrendVerdictEnum": "metrics.models.Indicator.TrendVerdict",
        "IndicatorAssuranceEnum": "metrics.models.Indicator.Assurance",
        "RecomputeRunStatusEnum": "metrics.models.RecomputeRun.Status",
        "AnnotationKindEnum": "metrics.models.Annotation.Kind",
        # The improvement app's choices, named after their model for the same reason.
        "CyclePhaseEnum": "improvement.models.PDCACycle.Phase",
        "CycleOriginEnum": "improvement.models.PDCACycle.Origin",
        "CycleTypeEnum": "improvement.models.PDCACycle.Type",
        "CycleVerdictEnum": "improvement.models.PDCACycle.Verdict",
        "CycleOutcomeEnum": "improvement.models.PDCACycle.Outcome",
        "SuggestionKindEnum": "improvement.models.Suggestion.Kind",
        "SuggestionStatusEnum": "improvement.models.Suggestion.Status",
        # Two components (the answer, and the answer as creating it returns it) share it.
        "SurveyResponseChannelEnum": "feedback.models.SurveyResponse.Channel",
        # A complaint's status is shown by the complaints API and the partner portal's alike.
        "ComplaintStatusEnum": "feedback.models.Complaint.Status",
        # A message to or from a complainant, as its list shows it and as one is written.
        "ComplaintMessageDirectionEnum": "feedback.models.ComplaintMessage.Direction",
        # The monthly reports API shows a report's status and its review's.
        "MonthlyReportStatusEnum": "reports.models.MonthlyReport.Status",
        "ManagementReviewStatusEnum": "reports.models.ManagementReview.Status",
        "ReviewActionStateEnum": "reports.models.ReviewAction.State",
        # Alert subscriptions' frequency, before another app's frequency claims the name.
        "AlertFrequencyEnum": "metrics.models.AlertSubscription.Frequency",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The report's engines (kaleido and the Chromium it drives, WeasyPrint and its font
    # subsetter) narrate every step at INFO; their warnings and errors are what an operator needs.
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("kaleido", "choreographer", "fontTools", "weasyprint")
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
