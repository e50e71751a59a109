"""The one settings module. Everything that differs between machines comes from the environment.

GIAMSAT_HOME            folder for the SQLite database, generated keys and uploads (default: ./var)
DATABASE_URL            PostgreSQL (postgres://user:pass@host/db); unset means the embedded SQLite file
GIAMSAT_SECRET_KEY      Django's signing key
GIAMSAT_DATA_KEYS       comma-separated Fernet keys for case data, newest first (rotation)
GIAMSAT_PRODUCTION      "1": hardened settings; keys must then come from the environment
GIAMSAT_ALLOWED_HOSTS   comma-separated host names (production)
GIAMSAT_EMAIL_HOST      SMTP server (with _PORT, _USER, _PASSWORD); unset means e-mail is printed to the console
GIAMSAT_TWO_FACTOR_REQUIRED  "1": two-step login for the roles that see case files (always on in production)
GIAMSAT_BASE_URL        the site's address (https://giamsat.example.gov.vn), put before the links in e-mails
GIAMSAT_ISLAND_DISTRICT_LINKS  "0": no link from the five island districts without communes to their special
                        zones (units/importer.py; inferred, not in the official table); takes effect at import_units
"""

import base64
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("GIAMSAT_HOME", Path.cwd() / "var")).resolve()
PRODUCTION = os.environ.get("GIAMSAT_PRODUCTION") == "1"
DEBUG = os.environ.get("GIAMSAT_DEBUG") == "1" and not PRODUCTION


def _local_keys() -> dict:
    """Keys for a demo or developer machine: generated once into GIAMSAT_HOME, which git ignores."""
    path = HOME / "keys.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    HOME.mkdir(parents=True, exist_ok=True)
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "data_keys": [base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()],
    }
    # Created readable by the owner only from the first byte.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
        json.dump(keys, out)
    return keys


if PRODUCTION:
    SECRET_KEY = os.environ["GIAMSAT_SECRET_KEY"]
    DATA_ENCRYPTION_KEYS = os.environ["GIAMSAT_DATA_KEYS"].split(",")
else:
    _keys = {} if os.environ.get("GIAMSAT_SECRET_KEY") else _local_keys()
    SECRET_KEY = os.environ.get("GIAMSAT_SECRET_KEY") or _keys["secret_key"]
    DATA_ENCRYPTION_KEYS = (
        os.environ["GIAMSAT_DATA_KEYS"].split(",") if os.environ.get("GIAMSAT_DATA_KEYS") else _keys["data_keys"]
    )

ALLOWED_HOSTS = [h for h in os.environ.get("GIAMSAT_ALLOWED_HOSTS", "").split(",") if h] or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "giamsat.core",
    "giamsat.units",
    "giamsat.accounts",
    "giamsat.plans",
    "giamsat.reporting",
    "giamsat.documents",
    "giamsat.supervision",
    "giamsat.cases",
    "giamsat.dashboards",
    "giamsat.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed for slow links (a province's matrix: 1.7 MB of HTML, 75 KB gzipped). Below WhiteNoise,
    # which serves static files compressed already; Django adds random bytes against BREACH, and CSRF tokens are
    # masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "giamsat.core.middleware.VietnameseFirstLocaleMiddleware",
    "giamsat.core.middleware.RefuseNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "giamsat.accounts.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "giamsat.urls"
WSGI_APPLICATION = "giamsat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "giamsat.core.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: on a province's 50,000 cases PostgreSQL compiled each dashboard query for 0.4–0.5 s to save a
        # few ms of execution (python -m bench, pages); the queries here are many and short. A random page read as
        # cheap as 1.1 sequential ones (PostgreSQL's advice for SSDs, and a database held in memory): at the default
        # 4 it read all one million cases for a province's 50,000 (docs/performance.md, 01/12). GIAMSAT_PG_OPTIONS
        # replaces both.
        options = os.environ.get("GIAMSAT_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = options
else:
    HOME.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "giamsat.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so
                # two writers queue on the busy timeout instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: after 5 failures for one user name from one address, that pair waits 15 minutes.
# Two-step login for the roles that see case files (accounts/twofactor.py): always in production; elsewhere
# (the demo, a developer's machine) only for those who turn it on, unless GIAMSAT_TWO_FACTOR_REQUIRED=1.
GIAMSAT_TWO_FACTOR_REQUIRED = PRODUCTION or os.environ.get("GIAMSAT_TWO_FACTOR_REQUIRED") == "1"
OTP_TOTP_ISSUER = os.environ.get("GIAMSAT_TWO_FACTOR_ISSUER", "giamsat")

AXES_FAILURE_LIMIT = int(os.environ.get("GIAMSAT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["giamsat.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the demo serves static files straight from the installed packages.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get("GIAMSAT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("GIAMSAT_FROM_EMAIL", "giamsat@localhost")
# E-mails are sent by commands and services, outside a request: their links need the site's address.
GIAMSAT_BASE_URL = os.environ.get("GIAMSAT_BASE_URL", "").rstrip("/")
if os.environ.get("GIAMSAT_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["GIAMSAT_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("GIAMSAT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("GIAMSAT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("GIAMSAT_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = True

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own files (no inline script, no eval: a text injected into a page cannot run), nothing
# fetched from elsewhere. Inline styles stay allowed: the admin and a few attributes use them, and they cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("GIAMSAT_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploads are refused above this size before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django refuses forms of more than 1,000 fields by default; a province's targets grid has one per commune and
# indicator (166 × 60 ≈ 10,000 at the largest), and was refused whole, losing what was typed. The size cap above
# still bounds a request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50_000
# The official conversion table has no row for the island districts without communes (Côn Đảo, Lý Sơn…); the
# unit import links each to the special zone of its name unless this is off (units.importer.island_district_links).
GIAMSAT_ISLAND_DISTRICT_LINKS = os.environ.get("GIAMSAT_ISLAND_DISTRICT_LINKS", "1") != "0"
GIAMSAT_MAX_UPLOAD_BYTES = int(os.environ.get("GIAMSAT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

CSRF_FAILURE_VIEW = "giamsat.core.views.csrf_failure"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "giamsat.core.jsonapi.Pagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GIAMSAT_LOG_LEVEL", "WARNING")},
}
