"""Settings read from the environment.

Every value has a safe default for `make run` on a laptop; a value that is present but malformed
stops the process at start (django-environ raises), so a typo never silently becomes a default.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("GONGHUI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, True),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]", "testserver"]),
)
if env.str("GONGHUI_ENV_FILE", default=""):
    environ.Env.read_env(env.str("GONGHUI_ENV_FILE"))


def _strict_bool(name: str, default: bool) -> bool:
    """django-environ maps any unknown word to False; we refuse it instead."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise environ.ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def _strict_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise environ.ImproperlyConfigured(f"{name}={raw!r} is not a whole number >= {minimum}")
    return int(raw)


# Secrets come from X or from X_FILE (a file holding the value: Docker/Kubernetes secrets, systemd
# credentials), never both (ADR 0003). A file that cannot be read stops the process, naming it.
SECRET_FILE_VARIABLES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DATABASE_URL")


def secret(name: str, default: str | None = None) -> str | None:
    """The value of `name`, or of the file `name`_FILE names (its trailing newline stripped)."""
    file_var = f"{name}_FILE"
    direct = env.str(name, default="")
    path = env.str(file_var, default="")
    if direct and path:
        raise environ.ImproperlyConfigured(f"both {name} and {file_var} are set: set only one of them")
    if not path:
        return direct or default
    try:
        with open(path, encoding="utf-8") as fh:
            value = fh.read().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise environ.ImproperlyConfigured(f"{file_var}={path!r} cannot be read: {reason}") from None
    if not value.strip():
        raise environ.ImproperlyConfigured(f"{file_var}={path!r} is empty")
    return value


def secret_list(name: str, default: list[str] | None = None) -> list[str] | None:
    """A comma-separated secret (one item per line is fine in the file too)."""
    raw = secret(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.replace("\n", ",").split(",") if item.strip()]


DEBUG = _strict_bool("DEBUG", True)
SECRET_KEY = secret("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its Swagger page and assets come from the package, not a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.useradmin",
    "gonghui.voice",
    "gonghui.home",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.core.middleware.NoStoreMiddleware",
    "gonghui.accounts.middleware.ForcePasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url_config(secret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the job worker and the web process read and write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # Our user has no `username`/`email`: compare the password with the mobile number and the name.
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("mobile", "name")},
    },
    {"NAME": "gonghui.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.accounts.passwords.MixedCharactersValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# On top of axes' per-account lockout: one address with this many failed logins within the window is
# refused until the window ends, whichever account it tries (an office NAT stays well below it).
GONGHUI_LOGIN_IP_FAILURE_LIMIT = env.int("GONGHUI_LOGIN_IP_FAILURE_LIMIT", default=30)
GONGHUI_LOGIN_IP_WINDOW_MINUTES = env.int("GONGHUI_LOGIN_IP_WINDOW_MINUTES", default=15)
# Worker self-activation (mobile + ID number + a code by SMS): codes per mobile and requests per address
# per hour, minutes a code lives, wrong codes before it dies, minutes a mobile is then locked.
GONGHUI_ACTIVATION_PER_MOBILE = env.int("GONGHUI_ACTIVATION_PER_MOBILE", default=5)
GONGHUI_ACTIVATION_PER_IP = env.int("GONGHUI_ACTIVATION_PER_IP", default=20)
GONGHUI_ACTIVATION_CODE_MINUTES = env.int("GONGHUI_ACTIVATION_CODE_MINUTES", default=10)
GONGHUI_ACTIVATION_CODE_FAILURES = env.int("GONGHUI_ACTIVATION_CODE_FAILURES", default=5)
GONGHUI_ACTIVATION_LOCK_MINUTES = env.int("GONGHUI_ACTIVATION_LOCK_MINUTES", default=30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "gonghui" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "gonghui" / "static"]
# STATIC_MANIFEST=true (`make run`, production): `collectstatic` has put every file into STATIC_ROOT under
# a content-hashed name with .gz/.br copies beside it, and whitenoise serves those, compressed, with
# far-future cache headers. Off (the default here and in the tests): served straight from the app
# folders, nothing to collect first.
STATIC_MANIFEST = _strict_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # only with the manifest: half the files to compress and serve
# whitenoise's own list of already-compressed formats, plus source maps: the 5 MB of them that come with
# the API docs page are for a developer's tools, not worth most of collectstatic's brotli time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv"),
    *("woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg", "webm", "wmv"),
    "map",
)
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_DIR = VAR_DIR / "uploads"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)

# Outside notification senders (dotted class paths, e.g. gonghui.core.notify.LogSender); none by default,
# so nothing about a worker leaves the platform unless the operator says so.
GONGHUI_NOTIFY_SENDERS = env.list("GONGHUI_NOTIFY_SENDERS", default=[])
# The demo's stand-in SMS gateway: text messages (activation codes) land in an outbox page
# (/accounts/outbox/) instead of a phone. On by default only for `make run`'s embedded SQLite database
# (no DATABASE_URL given); never turn it on in production.
GONGHUI_DEMO_OUTBOX = _strict_bool(
    "GONGHUI_DEMO_OUTBOX", not (env.str("DATABASE_URL", default="") or env.str("DATABASE_URL_FILE", default=""))
)
if GONGHUI_DEMO_OUTBOX and "gonghui.accounts.outbox.OutboxSender" not in GONGHUI_NOTIFY_SENDERS:
    GONGHUI_NOTIFY_SENDERS = [*GONGHUI_NOTIFY_SENDERS, "gonghui.accounts.outbox.OutboxSender"]

# Field encryption: "keyid:base64-32-bytes" pairs, newest first. The first key encrypts; all decrypt.
FIELD_ENCRYPTION_KEYS = secret_list("FIELD_ENCRYPTION_KEYS", ["dev1:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="])
BLIND_INDEX_KEY = secret("BLIND_INDEX_KEY", "dev-only-blind-index-key")

# How many reverse proxies of our own stand in front of the app. The audit trail takes the client
# address from X-Forwarded-For only through that many hops (gonghui.core.middleware.client_ip);
# 0 (the default) means the header is ignored and the socket address is recorded.
GONGHUI_TRUSTED_PROXIES = _strict_int("GONGHUI_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "gonghui.core.middleware.client_ip"  # the lockout log records the same address

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Lockout is per account (mobile number): many cadres of one union share an office NAT address,
# and an IP lockout would shut all of them out because of one forgetful colleague.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
