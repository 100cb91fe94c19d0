from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator as _DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError


class MixedCharactersValidator:
    """At least one letter and one digit: cadres' accounts guard personal data of many people."""

    def validate(self, password: str, user: Any = None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码须同时包含字母和数字", code="password_not_mixed")

    def get_help_text(self) -> str:
        return "密码须同时包含字母和数字。"


class MinimumLengthValidator(_DjangoMinimumLengthValidator):
    """Django's rule with a Chinese message (Django 5.2's zh-hans catalogue lacks this sentence)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
