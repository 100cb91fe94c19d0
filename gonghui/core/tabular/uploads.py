"""Saving an uploaded table: capped in size, checked for its type, and encrypted at rest while it waits.

An uploaded roster holds ID numbers in clear. It is written to settings.UPLOAD_DIR/<folder>/ only as
AES-GCM ciphertext (the field-encryption key of core.crypto, in 1 MB chunks, each authenticated with
its position so chunks cannot be reordered or cut off), in a file of mode 0600. A job reads it through
`plain_copy`, which decrypts to a 0600 file in a private temporary folder that is removed as soon as
the reading ends; `delete_upload` removes the stored copy when the job ends, whatever its end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from gonghui.core.crypto import _configured
from gonghui.core.text import tidy

from .errors import TabularFileError
from .limits import DEFAULT_LIMITS, Limits
from .reader import SUPPORTED_SUFFIXES, kind_from_head, too_big

MAGIC = b"GHUP1"
CHUNK = 1 << 20
_NONCE_PREFIX = 8


def upload_dir(folder: str) -> Path:
    target = Path(settings.UPLOAD_DIR) / folder
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    return target


def clean_name(name: str | None, default: str = "表格") -> str:
    return tidy(Path(name or "").name)[:200] or default


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


def _chunks(source: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut whatever the upload hands out into CHUNK-sized pieces."""
    pending = bytearray()
    for piece in source:
        pending += piece
        while len(pending) >= CHUNK:
            yield bytes(pending[:CHUNK])
            del pending[:CHUNK]
    if pending:
        yield bytes(pending)


def save_upload(
    upload: Any, *, folder: str, limits: Limits = DEFAULT_LIMITS, name: str | None = None
) -> tuple[Path, int, str]:
    """Store an uploaded file encrypted; returns (stored path, size in bytes, kind). A wrong type, an
    empty or too big file is refused (TabularFileError) and nothing stays on disk."""
    original = clean_name(name if name is not None else getattr(upload, "name", ""))
    suffix = Path(original).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise TabularFileError("只能导入 .xlsx、.xls 或 .csv 文件（Excel 表格或逗号分隔文本）")
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limits.max_file_bytes:
        raise too_big(declared, limits)
    if not declared and declared is not None:
        raise TabularFileError("文件是空的")
    target = upload_dir(folder) / f"{uuid.uuid4().hex}{suffix}.enc"
    kid, keys = _configured()
    cipher = keys[kid]
    prefix = os.urandom(_NONCE_PREFIX)
    header = MAGIC + bytes([len(kid)]) + kid.encode("ascii") + prefix
    written = 0
    kind = ""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(header)
            previous: bytes | None = None
            index = 0
            for chunk in _chunks(upload.chunks()):
                if not kind:
                    kind = kind_from_head(chunk[:8], suffix)
                written += len(chunk)
                if written > limits.max_file_bytes:
                    raise too_big(written, limits)
                if previous is not None:
                    _write_chunk(out, cipher, prefix, header, index, previous, final=False)
                    index += 1
                previous = chunk
            if previous is None:
                raise TabularFileError("文件是空的")
            _write_chunk(out, cipher, prefix, header, index, previous, final=True)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, written, kind


def _write_chunk(out: Any, cipher: Any, prefix: bytes, header: bytes, index: int, data: bytes, *, final: bool) -> None:
    nonce = prefix + struct.pack(">I", index)
    sealed = cipher.encrypt(nonce, data, _aad(header, index, final))
    out.write(struct.pack(">I", len(sealed)))
    out.write(sealed)


def _decrypt_to(stored: Path, out: Any) -> None:
    _, keys = _configured()
    with stored.open("rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise TabularFileError("上传的文件已损坏或已过期，请重新上传")
        kid_len = fh.read(1)[0]
        kid = fh.read(kid_len).decode("ascii")
        prefix = fh.read(_NONCE_PREFIX)
        header = MAGIC + bytes([kid_len]) + kid.encode("ascii") + prefix
        if kid not in keys:
            raise TabularFileError("上传的文件已过期（加密密钥已更换），请重新上传")
        cipher = keys[kid]
        index = 0
        while True:
            size_bytes = fh.read(4)
            if len(size_bytes) < 4:
                raise TabularFileError("上传的文件不完整，请重新上传")
            (size,) = struct.unpack(">I", size_bytes)
            sealed = fh.read(size)
            nonce = prefix + struct.pack(">I", index)
            final = not fh.peek(1)
            try:
                out.write(cipher.decrypt(nonce, sealed, _aad(header, index, final)))
            except Exception:  # cryptography.exceptions.InvalidTag
                raise TabularFileError("上传的文件已损坏，请重新上传") from None
            if final:
                return
            index += 1


@contextlib.contextmanager
def plain_copy(stored: Path) -> Iterator[Path]:
    """The stored upload decrypted into a 0600 file of a private temporary folder, removed on leaving."""
    folder = tempfile.mkdtemp(prefix="gonghui-import-")  # mode 0700
    suffix = stored.name.removesuffix(".enc")
    plain = Path(folder) / f"upload{Path(suffix).suffix}"
    try:
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            _decrypt_to(stored, out)
        yield plain
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def delete_upload(stored: Path | None) -> None:
    if stored is not None:
        with contextlib.suppress(OSError):
            stored.unlink(missing_ok=True)
