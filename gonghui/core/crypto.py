"""Field encryption (AES-GCM, key id kept with the ciphertext) and keyed blind indexes (HMAC-SHA256).

A stored value looks like ``<key id>$<base64(nonce || ciphertext)>``. The first key of
FIELD_ENCRYPTION_KEYS encrypts; every listed key decrypts, so keys rotate by prepending a new one and
re-encrypting in the background. The blind index lets us find and de-duplicate an ID number without
decrypting anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=8)
def _keys(spec: tuple[str, ...]) -> dict[str, AESGCM]:
    keys: dict[str, AESGCM] = {}
    for item in spec:
        kid, sep, b64 = item.partition(":")
        if not sep or not kid or "$" in kid:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries must look like keyid:base64key")
        raw = base64.b64decode(b64)
        if len(raw) != 32:
            raise ImproperlyConfigured(f"encryption key {kid!r} must be 32 bytes")
        keys[kid] = AESGCM(raw)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return keys


def _configured() -> tuple[str, dict[str, AESGCM]]:
    listed: list[str] | None = settings.FIELD_ENCRYPTION_KEYS
    if listed is None:  # settings give a default (prod refuses to start without one): never None in practice
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set")
    spec = tuple(listed)
    keys = _keys(spec)
    return spec[0].partition(":")[0], keys


def encrypt(plain: str, *, context: bytes = b"") -> str:
    kid, keys = _configured()
    nonce = os.urandom(12)
    sealed = keys[kid].encrypt(nonce, plain.encode("utf-8"), context)
    return f"{kid}${base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(stored: str, *, context: bytes = b"") -> str:
    kid, _, b64 = stored.partition("$")
    _, keys = _configured()
    if kid not in keys:
        raise ImproperlyConfigured(f"no key {kid!r} in FIELD_ENCRYPTION_KEYS to decrypt with")
    blob = base64.b64decode(b64)
    return keys[kid].decrypt(blob[:12], blob[12:], context).decode("utf-8")


def key_id(stored: str) -> str:
    return stored.partition("$")[0]


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact lookup; `purpose` keeps an ID-number index from matching a bank-card one."""
    configured: str | None = settings.BLIND_INDEX_KEY
    if configured is None:  # as for FIELD_ENCRYPTION_KEYS: the settings always give one
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not set")
    key = configured.encode("utf-8")
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """5325**********1234: region prefix and last four, the rest hidden."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """For public notices: 张*明 / 李* ."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) == 11 else mobile
