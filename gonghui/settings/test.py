"""Test settings: same as base, quick hashing, jobs run inline."""

from .base import *  # noqa: F403
from .base import STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}}
AXES_FAILURE_LIMIT = 5
# Static files straight from the app folders whatever STATIC_MANIFEST says: the tests render pages with
# DEBUG off and must not need a collectstatic first.
STATIC_MANIFEST = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
