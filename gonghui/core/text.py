"""Text hygiene: `tidy`/`tidy_name` for short fields (names, addresses), `normalize` for the analysed copy of
workers' free text (demands, suggestions), `spreadsheet_safe` for exports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# --- free text (demands, suggestions): the analysed copy -------------------------------------------------
# Plain Python, no Django: the voice pipeline imports this from batch jobs too.

# What GBK can show when it reads UTF-8 bytes: hanzi, kana, Greek, Cyrillic, symbols, private-use.
_CJK_RUN = re.compile(
    r"[\u0391-\u03c9\u0401-\u0451\u2010-\u2312\u2460-\u2642\u3000-\u30ff\u3400-\u9fff\ue000-\uf8ff\uff00-\uffef]{2,}"
)
_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_NOTE = re.compile(
    r"(?P<han>[\u4e00-\u9fff]+)\s*[（(]\s*(?P<py>[a-zA-Zü" + _TONE_MARKS + r"\s']{1,60}?)\s*[)）]"
)
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
# Written in groups (530702 19600101 0297, 530702-1960-0101-0297): the checksum can't be read through the
# separators, so any 18 characters of that shape count as an ID number.
_GROUPED_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])\d{6}[ -]\d{4}[ -]?\d{4}[ -]?\d{3}[\dXx](?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])\d{6}[ -]?\d{8}[ -]\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
ID_PLACEHOLDER = "[身份证号]"
MOBILE_PLACEHOLDER = "[手机号]"


@lru_cache(maxsize=65536)
def _is_common_hanzi(ch: str) -> bool:
    """GB 2312 level-1 characters (the 3,755 everyday ones): real text is mostly these, mojibake is not."""
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _common_share(text: str) -> float:
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(_is_common_hanzi(c) for c in han) / len(han) if han else 0.0


def _undo_gbk_mojibake(segment: str) -> str | None:
    """UTF-8 bytes that were read as GBK: encode back and decode properly, if that reads better."""
    try:
        repaired = segment.encode("gbk").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return repaired if _common_share(repaired) > _common_share(segment) + 0.2 else None


def _repair_run(run: str) -> str:
    if _common_share(run) > 0.7:  # ordinary Chinese: leave it alone, and skip the costly search
        return run
    # One cheap look first: real text (traditional characters included) read this way gives noise.
    glimpse = run.encode("gbk", errors="replace").decode("utf-8", errors="replace")
    if _common_share(glimpse) < 0.5:
        return run
    out: list[str] = []
    i = 0
    while i < len(run):
        for j in range(len(run), i + 1, -1):
            repaired = _undo_gbk_mojibake(run[i:j])
            if repaired is not None:
                out.append(repaired)
                i = j
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def repair_mojibake(text: str) -> str:
    """Repair Chinese that went through a GBK/UTF-8 mix-up (拖欠工资 shown as 鎷栨瑺宸ヨ祫); where bytes
    were lost the garbled characters stay as they are."""
    return _CJK_RUN.sub(lambda m: _repair_run(m.group(0)), text)


def _strip_pinyin_note(match: re.Match[str]) -> str:
    han, pinyin = match.group("han"), match.group("py")
    syllables = pinyin.split()
    looks_like_pinyin = any(c in _TONE_MARKS for c in pinyin) or (
        pinyin.islower() and 1 <= len(syllables) <= len(han) and all(s.isalpha() for s in syllables)
    )
    return han if looks_like_pinyin else match.group(0)


def mask_personal_numbers(text: str) -> str:
    """ID and mobile numbers never reach the analysed copy, reports or clusters."""
    text = _GROUPED_ID_NUMBER.sub(ID_PLACEHOLDER, _ID_NUMBER.sub(ID_PLACEHOLDER, text))
    return _MOBILE.sub(MOBILE_PLACEHOLDER, text)


_converter: object | None = None


def to_simplified(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc  # loaded on first use: its dictionaries take a moment

        _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(text))  # type: ignore[attr-defined]


def normalize(text: str) -> str:
    """The analysed copy of a worker's free text: mojibake repaired, NFKC (full-width → half-width),
    control characters dropped, pinyin annotations removed, traditional → simplified, ID and mobile
    numbers masked, whitespace tidied. Callers keep the original beside it."""
    if not text:
        return ""
    cleaned = repair_mojibake(str(text))
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFKC", cleaned))
    cleaned = _PINYIN_NOTE.sub(_strip_pinyin_note, cleaned)
    cleaned = to_simplified(cleaned)
    cleaned = mask_personal_numbers(cleaned)
    return _SPACES.sub(" ", cleaned).strip()
