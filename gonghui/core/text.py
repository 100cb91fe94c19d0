"""Text hygiene for short fields (names, addresses). The full demand-text pipeline comes with `voice`."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")


def tidy(value: object) -> str:
    """NFKC (full-width → half-width), control and zero-width characters dropped, spaces collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def tidy_name(value: object) -> str:
    """A Chinese name keeps its middle dot (阿依·买买提) but loses inner spaces (张 三 → 张三)."""
    text = tidy(value).replace("•", "·").replace("・", "·")
    if re.search(r"[\u4e00-\u9fff]", text):
        text = text.replace(" ", "")
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
