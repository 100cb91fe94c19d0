"""Settings come from the environment and a malformed value stops the process at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check(extra_env: dict[str, str], settings: str = "gonghui.settings.base") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update({"DJANGO_SETTINGS_MODULE": settings, "DATABASE_URL": "sqlite:////tmp/gonghui-settings-check.sqlite3"})
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_defaults_start():
    assert _check({}).returncode == 0


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [("DEBUG", "maybe", "not a boolean"), ("SESSION_COOKIE_AGE", "eight hours", "invalid literal")],
)
def test_bad_values_fail_loudly(name, value, fragment):
    result = _check({name: value})
    assert result.returncode != 0
    assert fragment in result.stderr


def test_prod_refuses_development_secrets():
    result = _check(
        {"SECRET_KEY": "short", "FIELD_ENCRYPTION_KEYS": "k:x", "BLIND_INDEX_KEY": "b"}, "gonghui.settings.prod"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
