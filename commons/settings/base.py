"""Settings shared by every environment: secure by default, configured from the environment."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "commons",
    "groups",
    "learning",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions, CSRF and auth: a cached page is only ever served to a request
    # without a session cookie, and is stored with the headers the inner layers set.
    "commons.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this session give a two-step login code?
    "django_otp.middleware.OTPMiddleware",
    "commons.two_factor.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commons.middleware.ContentSecurityPolicyMiddleware",
    "commons.middleware.WagtailSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commons.urls"
WSGI_APPLICATION = "commons.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL chooses; the default is an SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are cheap and per-thread on SQLite: keep none open between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so a check and the write that follows
        # it are one serialised transaction (DESIGN.md, invariant 1).
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "commons.User"

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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "commons:account"
LOGOUT_REDIRECT_URL = "/"

# Login lockout: the attempts live in the database, so every gunicorn worker and host
# sees the same count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None

# Optional two-step login (commons.two_factor): an authenticator app's codes (TOTP) and
# one-time backup codes. A wrong code counts as a wrong password for the lockout above.
OTP_TOTP_ISSUER = "Commons"
# How long a password stays good for the code step that follows it.
TWO_FACTOR_PENDING_SECONDS = 600
TWO_FACTOR_BACKUP_CODES = 10

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Learners' evidence files: outside MEDIA_ROOT, never served by a URL of their own.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
EVIDENCE_MAX_BYTES = 8 * 1024 * 1024
EVIDENCE_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}

# Cache: Redis when configured (shared by every host); otherwise files on this machine,
# which every gunicorn worker here shares (per-process memory would let one worker serve
# a page another worker's write has made stale).
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}
# Keys name the database, so two sites on one machine (or one cache) never share pages.
CACHES["default"]["KEY_PREFIX"] = hashlib.sha256(
    str(DATABASES["default"].get("NAME", "")).encode()
).hexdigest()[:12]
# Whole pages for anonymous visitors (commons.cache): how long at most, and where never.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_EXCLUDED_PATHS = (
    "/admin/",
    "/accounts/",
    "/api/",
    "/documents/",
    "/household/",
    "/learners/",
)

# Email: EMAIL_URL (smtp://user:pass@host:587/?tls=True) or the EMAIL_HOST family.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
if os.environ.get("EMAIL_URL"):
    import dj_email_url

    vars().update(dj_email_url.parse(os.environ["EMAIL_URL"]))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Commons <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers that hold everywhere; production.py adds the HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt back in to SAMEORIGIN.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy: strict for the public site; the Wagtail admin gets the looser
# policy its editor needs (see commons.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
ADMIN_URL_PREFIX = "/admin/"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The read-only API (Wagtail API v2): JSON only, no browsable HTML, no writes.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}

# The open-data API (commons/api.py): requests a minute one address may make, counted in
# the shared cache. Behind proxies, the address is the one PROXY_COUNT proxies back.
API_RATE_ANON = os.environ.get("API_RATE_ANON", "120/min")
NINJA_NUM_PROXIES = int(os.environ.get("PROXY_COUNT", "0"))

WAGTAIL_SITE_NAME = "Commons"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# The admin logs in through the site's login, which asks for a two-step code when needed.
WAGTAILADMIN_LOGIN_URL = "login"
# The database backend picks its engine from the database: SQLite's FTS5 (exact words
# only), or PostgreSQL full-text search. On PostgreSQL, the English configuration stems
# words so "halls", "spaces" and "curriculums" find "hall", "space" and "curriculum"; and
# the site search (commons.views.search) falls back to the backend's `Fuzzy` query, a
# pg_trgm word-similarity match (the extension is created by commons migration 0008), so
# "fractoins" still finds "fractions". Changing SEARCH_CONFIG needs `manage.py update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "english",
        # Word similarity from 0 to 1; 0.3 lets one or two letters slip in a longer word
        # without matching unrelated short words.
        "FUZZY_SIMILARITY_THRESHOLD": 0.3,
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Refuses a damaged image with a message instead of a server error (see the form).
WAGTAILIMAGES_IMAGE_FORM_BASE = "commons.forms_images.ImageForm"
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}

# How long a guardian's invitation to a second guardian stays valid.
GUARDIAN_INVITATION_DAYS = 14

# How long the commons in numbers (commons.numbers) is kept in the cache before it is
# counted again: its figures are at most this many seconds old.
NUMBERS_CACHE_SECONDS = int(os.environ.get("NUMBERS_CACHE_SECONDS", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Never DEBUG, whatever LOG_LEVEL says: at DEBUG these log each SQL statement with
        # its parameters, and a failed template lookup with its object, so progress notes
        # and medical notes would reach the log. Logs hold ids and page names only.
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

LANGUAGES = [("en-gb", _("English"))]

# A safeguarding check counts for this many years after its certificate date, and
# reminders go out this many days before it lapses.
SAFEGUARDING_RENEWAL_YEARS = int(os.environ.get("SAFEGUARDING_RENEWAL_YEARS", "3"))
SAFEGUARDING_REMINDER_DAYS = (60, 30, 7)
