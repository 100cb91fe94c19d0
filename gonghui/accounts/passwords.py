from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class MixedCharactersValidator:
    """At least one letter and one digit: cadres' accounts guard personal data of many people."""

    def validate(self, password: str, user: Any = None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码须同时包含字母和数字", code="password_not_mixed")

    def get_help_text(self) -> str:
        return "密码须同时包含字母和数字。"
