"""Secrets from `*_FILE` variables (ADR 0003) and the trusted-proxy count: strict, checked at start.

Each case loads the settings module in a fresh interpreter with its own environment, as a process
manager would start the app, and reads back what the settings hold (or how the start was refused).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DATABASE_URL", "GONGHUI_TRUSTED_PROXIES")
PROBE = (
    "import json, importlib, sys; s = importlib.import_module(sys.argv[1]); "
    "print(json.dumps({'SECRET_KEY': s.SECRET_KEY, 'FIELD_ENCRYPTION_KEYS': s.FIELD_ENCRYPTION_KEYS, "
    "'BLIND_INDEX_KEY': s.BLIND_INDEX_KEY, 'DB': s.DATABASES['default'], "
    "'GONGHUI_TRUSTED_PROXIES': s.GONGHUI_TRUSTED_PROXIES}, default=str))"
)
PROD_KEY = "k1:" + "A" * 43 + "="
PROD_SECRET = "s" * 64


def _load(
    tmp_path: Path, extra: dict[str, str], module: str = "gonghui.settings.base"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and not k.endswith("_FILE") and k != "DEBUG"}
    env["GONGHUI_VAR_DIR"] = str(tmp_path / "var")
    env.pop("GONGHUI_ENV_FILE", None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _values(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_secret_from_its_file_with_the_trailing_newline_stripped(tmp_path):
    result = _load(
        tmp_path,
        {
            "SECRET_KEY_FILE": _write(tmp_path, "secret_key", PROD_SECRET + "\n"),
            "FIELD_ENCRYPTION_KEYS_FILE": _write(tmp_path, "keys", f"{PROD_KEY}\nk0:{'B' * 43}=\n"),
            "BLIND_INDEX_KEY_FILE": _write(tmp_path, "blind", "blind-index-from-a-file\r\n"),
            "DATABASE_URL_FILE": _write(tmp_path, "db", "postgres://u:p%40ss@db.example:5433/gonghui\n"),
        },
        "gonghui.settings.prod",
    )
    got = _values(result)
    assert got["SECRET_KEY"] == PROD_SECRET
    assert got["FIELD_ENCRYPTION_KEYS"] == [PROD_KEY, f"k0:{'B' * 43}="]
    assert got["BLIND_INDEX_KEY"] == "blind-index-from-a-file"
    db = got["DB"]
    assert (db["HOST"], db["PORT"], db["NAME"], db["PASSWORD"]) == ("db.example", 5433, "gonghui", "p@ss")


def test_plain_variables_still_work(tmp_path):
    got = _values(_load(tmp_path, {"SECRET_KEY": "plain-" + "x" * 50, "FIELD_ENCRYPTION_KEYS": "a:1,b:2"}))
    assert got["SECRET_KEY"] == "plain-" + "x" * 50
    assert got["FIELD_ENCRYPTION_KEYS"] == ["a:1", "b:2"]
    assert got["BLIND_INDEX_KEY"] == "dev-only-blind-index-key"
    assert got["DB"]["ENGINE"] == "django.db.backends.sqlite3"


def test_a_value_inside_the_file_keeps_its_inner_spaces_and_only_the_last_newline_goes(tmp_path):
    got = _values(_load(tmp_path, {"BLIND_INDEX_KEY_FILE": _write(tmp_path, "b", "  two words  \n\n")}))
    assert got["BLIND_INDEX_KEY"] == "  two words  "


@pytest.mark.parametrize("name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DATABASE_URL"])
def test_both_the_variable_and_its_file_refuse_to_start_naming_both(tmp_path, name):
    value = "sqlite:////tmp/x.sqlite3" if name == "DATABASE_URL" else "k:v"
    result = _load(tmp_path, {name: value, f"{name}_FILE": _write(tmp_path, "f", value)})
    assert result.returncode != 0
    assert f"both {name} and {name}_FILE are set" in result.stderr


def test_an_unreadable_file_refuses_to_start_naming_it(tmp_path):
    missing = str(tmp_path / "no-such-secret")
    result = _load(tmp_path, {"SECRET_KEY_FILE": missing})
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr and missing in result.stderr and "cannot be read" in result.stderr
    folder = _load(tmp_path, {"BLIND_INDEX_KEY_FILE": str(tmp_path)})
    assert folder.returncode != 0 and "BLIND_INDEX_KEY_FILE" in folder.stderr and "directory" in folder.stderr
    dangling = tmp_path / "link"
    dangling.symlink_to(tmp_path / "gone")
    link = _load(tmp_path, {"DATABASE_URL_FILE": str(dangling)})
    assert link.returncode != 0 and "DATABASE_URL_FILE" in link.stderr


def test_a_file_that_is_not_text_or_is_empty_refuses_to_start(tmp_path):
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00secret")
    result = _load(tmp_path, {"SECRET_KEY_FILE": str(binary)})
    assert result.returncode != 0 and "SECRET_KEY_FILE" in result.stderr
    empty = _load(tmp_path, {"SECRET_KEY_FILE": _write(tmp_path, "empty", "\n")})
    assert empty.returncode != 0 and "is empty" in empty.stderr


def test_production_names_the_file_form_when_a_secret_is_missing(tmp_path):
    result = _load(tmp_path, {"SECRET_KEY": PROD_SECRET, "FIELD_ENCRYPTION_KEYS": PROD_KEY}, "gonghui.settings.prod")
    assert result.returncode != 0
    assert "BLIND_INDEX_KEY (or BLIND_INDEX_KEY_FILE" in result.stderr


def test_production_checks_a_secret_read_from_a_file_like_any_other(tmp_path):
    result = _load(
        tmp_path,
        {
            "SECRET_KEY_FILE": _write(tmp_path, "short", "too-short\n"),
            "FIELD_ENCRYPTION_KEYS": PROD_KEY,
            "BLIND_INDEX_KEY": "b",
        },
        "gonghui.settings.prod",
    )
    assert result.returncode != 0 and "at least 50 characters" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("", 0), ("0", 0), ("2", 2), (" 1 ", 1)])
def test_trusted_proxies(tmp_path, raw, expected):
    assert _values(_load(tmp_path, {"GONGHUI_TRUSTED_PROXIES": raw}))["GONGHUI_TRUSTED_PROXIES"] == expected


@pytest.mark.parametrize("raw", ["one", "-1", "1.5", "yes"])
def test_trusted_proxies_malformed_refuses_to_start(tmp_path, raw):
    result = _load(tmp_path, {"GONGHUI_TRUSTED_PROXIES": raw})
    assert result.returncode != 0 and "GONGHUI_TRUSTED_PROXIES" in result.stderr
