"""Production: everything secret must come from the environment; no dev fallbacks."""

from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _strict_bool, env, secret, secret_list


def _missing(name: str) -> NoReturn:
    raise ImproperlyConfigured(f"set {name} (or {name}_FILE, a file holding it) in production")


DEBUG = _strict_bool("DEBUG", False)
SECRET_KEY = secret("SECRET_KEY") or _missing("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = secret_list("FIELD_ENCRYPTION_KEYS") or _missing("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = secret("BLIND_INDEX_KEY") or _missing("BLIND_INDEX_KEY")
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")
if any(k.startswith("dev1:") for k in FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS still holds the development key")

SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# `manage.py collectstatic` at deploy: hashed, compressed copies in STATIC_ROOT are all that is served.
STATIC_MANIFEST = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
