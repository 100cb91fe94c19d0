"""Text hygiene. What people typed is kept as they typed it; folding belongs to keys and the analysed copy.

- `tidy_text` — what people read (an employer, an address, a title, a note, a comment): full-width Chinese
  punctuation（，。：；！？）stays; only control, zero-width and direction characters go, full-width
  letters and digits become ordinary ones (Ａ１ → A1, so numbers are found and masked), whitespace is tidied.
- `keep_typed` — the original of a worker's free text (a demand), multi-line, as typed.
- `as_shown` — that original as cadres and reports show it: mojibake repaired, ID and mobile numbers masked.
- `tidy` — a key (a code, a header, a choice word, a search query): NFKC, full-width → half-width.
- `tidy_name` — a person's name (folded like a key: a name holds no punctuation; see `name_problem`).
- `normalize` — the analysed copy of free text (clustering, search): folded, simplified, masked.
- `TextLimit` — one length limit per field, shared by the model, the form, its help text and the service.
- `spreadsheet_safe` for exports."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .errors import DomainError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")


def tidy(value: object) -> str:
    """A key: NFKC (full-width → half-width), control and zero-width characters dropped, spaces collapsed.
    For codes, headers, choice words and search queries; what people read goes through `tidy_text`."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


# What people type for the middle dot of a name (阿依·买买提): bullet, katakana dot (full- and half-width,
# NFKC leaves the full-width one), hyphenation point, bullet and dot operators. All stored as U+00B7.
_NAME_DOTS = re.compile(r"[•・‧∙⋅]")
# Between two hanzi a full stop (．or .) can only mean the middle dot.
_HANZI_STOP = re.compile(r"(?<=[\u3400-\u9fff])\s*\.\s*(?=[\u3400-\u9fff])")


def tidy_name(value: object) -> str:
    """A Chinese name keeps its middle dot (阿依·买买提, whichever dot was typed) but loses inner spaces
    (张 三 → 张三). Brackets are folded like any key: a name holds none (`name_problem` refuses them)."""
    text = _NAME_DOTS.sub("·", tidy(value))
    if re.search(r"[\u4e00-\u9fff]", text):
        text = _HANZI_STOP.sub("·", text).replace(" ", "")
    return text


# --- what people read: kept as typed --------------------------------------------------------------------

# Control characters (line breaks and tabs aside), zero-width characters, bidirectional overrides and
# isolates (they can make a text read differently from what it says), BOM.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_INLINE_SPACES = re.compile(r"[^\S\n]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
# Full-width letters and digits (Ａ-Ｚ ａ-ｚ ０-９) are folded everywhere: nobody means them, and an ID or
# mobile number typed in them must be found and masked like any other. Punctuation is left alone.
_WIDE_ALNUM = {
    code: code - 0xFEE0
    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(r[0], r[1] + 1)
}


def tidy_text(value: object, *, multiline: bool = False) -> str:
    """What people read, kept as typed: full-width punctuation（，。：）stays, characters are composed (NFC),
    control/zero-width/direction characters dropped, full-width letters and digits made ordinary,
    spaces collapsed (line breaks kept when `multiline`, at most one blank line in a row)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_WIDE_ALNUM)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text.replace("\t", " "))
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    lines = [_INLINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def keep_typed(value: object) -> str:
    """The original of a worker's free text: exactly as typed (full-width, traditional characters, line
    breaks, even mojibake), only invisible characters and the surrounding whitespace removed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", text).strip()


def as_shown(original: object) -> str:
    """A worker's original text as cadres, pages and reports show it: typed punctuation and characters
    kept, mojibake repaired, ID and mobile numbers masked (as in the analysed copy)."""
    return mask_personal_numbers(repair_mojibake(tidy_text(original, multiline=True)))


# --- names: no emoji, no symbols --------------------------------------------------------------------------

# Between the parts of a name: 阿依·买买提 (several dot forms in use), Jean-Luc, O'Brien, spaces.
_NAME_JOINERS = frozenset("·•・‧.-'’ ")


def _grapheme_at(text: str, i: int) -> str:
    """The character at i with what clings to it (variation selectors, skin tones, keycaps, joiners)."""
    j = i + 1
    while j < len(text) and (
        unicodedata.category(text[j]) in ("Mn", "Me", "Sk")
        or text[j] in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= text[j] <= "\U0001f3ff"
    ):
        j += 2 if text[j] == "\u200d" and j + 1 < len(text) else 1
    return text[i:j]


def name_problem(value: object, *, label: str = "姓名") -> str | None:
    """None for a name people can have; otherwise a message naming the first character that is not:
    「姓名不能含有表情或符号“😀”」. Hanzi (rare ones too), letters, the middle dot and hyphen pass."""
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    for i, ch in enumerate(text):
        if ch in _NAME_JOINERS:
            continue
        category = unicodedata.category(ch)
        if category[0] == "L" or category in ("Mn", "Mc") or category == "Co":  # Co: rare hanzi in private use
            continue
        if category[0] == "N":
            return f"{label}不能含有数字“{ch}”"
        if ch.isspace():
            continue
        if category[0] == "C" and category != "Co":
            return f"{label}不能含有看不见的控制字符（U+{ord(ch):04X}）"
        return f"{label}不能含有表情或符号“{_grapheme_at(text, i)}”"
    return None


# --- one length limit per field ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLimit:
    """One field's length limit, the same in the model (`max`), the form's widget (`maxlength`), its help
    text (`help`) and the service's check (`check`). Counted in characters as Python counts them."""

    label: str
    max: int
    min: int = 0
    too_short: str = ""  # the message for fewer than `min` characters, when the default reads badly

    @property
    def help(self) -> str:
        return f"最多 {self.max} 字" if not self.min else f"{self.min}–{self.max} 字"

    def problem(self, text: str) -> str | None:
        if self.min and len(text) < self.min:
            return self.too_short or f"{self.label}太短：至少 {self.min} 字，现有 {len(text)} 字"
        if len(text) > self.max:
            return f"{self.label}太长：最多 {self.max} 字，现有 {len(text)} 字"
        return None

    def check(self, text: str, *, field: str) -> str:
        """The text back if it fits; a DomainError on `field` saying the limit and the count if not."""
        message = self.problem(text)
        if message:
            raise DomainError(message, field=field)
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
    if not repaired.isascii() and any(c < "\x80" for c in repaired):
        # UTF-8 hanzi bytes are all ≥ 0x80: a "repair" that yields ASCII (绐丂 → 突@) is a coincidence
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
