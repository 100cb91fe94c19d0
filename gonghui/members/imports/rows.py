"""One roster row → a validated member, or the list of what is wrong with it.

Validation rules are not repeated here: the profile goes through `clean_profile` and the ID number
through `seal_id_number` (with the row's 性别 and 出生日期, which must agree with it), exactly as a member
typed in by hand. This module only turns spreadsheet cells (numbers, dates, full-width text, 是/否)
into what those services expect. The cadre's add-member form goes through the very same rules:
`clean_member` feeds one form's values to `RowNormaliser` as if they were one row of a roster.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.identity import parse_id_number
from gonghui.core.text import tidy
from gonghui.members.choices import EDUCATION_ALIASES, POLITICAL_ALIASES
from gonghui.members.services import clean_profile, seal_id_number
from gonghui.members.services.identity import SealedId, check_declared_birth

from .headers import FIELD_LABELS, HeaderMap
from .result import RowError

PROFILE_COLUMNS = (
    "name",
    "mobile",
    "ethnicity",
    "education",
    "political_status",
    "employer",
    "joined_on",
    "is_migrant_worker",
    "is_new_employment",
)
FLAG_COLUMNS = ("is_migrant_worker", "is_new_employment")

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "是的", "有"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "不是", "无", "-", "/"}

# The words rosters use for 学历 and 政治面貌 live beside the choices (gonghui/members/choices.py) and are
# read by `clean_profile`, so a form, the API and an import take the same words. Kept here by name for
# callers of this module.
EDUCATION_WORDS = EDUCATION_ALIASES
POLITICAL_WORDS = POLITICAL_ALIASES
_MONTH_ONLY = re.compile(r"^\s*\d{4}\s*(?:年\s*\d{1,2}\s*月|[/\-.]\s*\d{1,2})\s*$")

NUMBER_ID_MESSAGE = (
    "身份证号被存成了数字，后几位已丢失（Excel 数字只保留15位有效数字）；请把该列设为“文本”格式后重新填写这些身份证号"
)


class CleanRow(NamedTuple):
    row: int
    sealed: SealedId
    profile: dict[str, Any]


def cell_text(value: object) -> str:
    """A cell as text: 13987000001.0 → "13987000001", a date cell → 2016-12-12, None → ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def id_text(value: object) -> str:
    """The ID cell as typed; a numeric cell has already lost digits and is refused by the caller."""
    if value.__class__ is str and value.isascii() and value.isalnum():  # type: ignore[attr-defined]
        return value.upper()  # type: ignore[attr-defined]  # the usual cell: nothing below would change it
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"\s+", "", text)
    return text.lstrip("'").upper()


def flag_value(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = tidy(cell_text(value)).lower()
    if not text:
        return False
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise DomainError(f"只能填写“是”或“否”，实际为“{text[:10]}”")


def date_value(value: object) -> dt.date | None:
    """A real date cell stays a date; 2016年12月12日, 2016/12/12, 20161212 (text or number) are parsed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            return parse_date(str(int(value)))
        raise DomainError(f"无法识别的日期“{cell_text(value)}”，请写成 2016-12-12 或 2016年12月12日")
    return parse_date(cell_text(value))  # None when blank; ValueError with the Chinese reason


def _convert(field: str, value: object) -> object:
    """A cell turned into what `clean_profile` takes for this field."""
    if field in FLAG_COLUMNS:
        return flag_value(value)
    if field == "joined_on":
        return date_value(value)
    return cell_text(value)


# Columns whose values repeat down a roster: each distinct cell is cleaned once per file.
CACHED_COLUMNS = frozenset(PROFILE_COLUMNS) - {"name", "mobile"}
_CACHE_LIMIT = 5000  # distinct values kept per column
_CACHE_LIMITS = {"joined_on": 40_000}  # dates: a century of days, each a short key


class RowNormaliser:
    """Built once per file from its header; `normalise` is called for every data row."""

    def __init__(self, header: HeaderMap) -> None:
        self.header = header
        self.columns = list(header.index.items())
        self.profile_columns = [(f, i) for f, i in self.columns if f in PROFILE_COLUMNS]
        self.cached_columns = [(f, i) for f, i in self.profile_columns if f in CACHED_COLUMNS]
        self.personal_columns = [(f, i) for f, i in self.profile_columns if f not in CACHED_COLUMNS]
        self.id_index = header.index.get("id_number")
        self.sex_index = header.index.get("sex")
        self.birth_index = header.index.get("birth_date")
        # 出生年月 on a roster gives the year and month: its first-of-month dates are compared by month.
        self.birth_by_month = header_says_month(header.labels.get("birth_date", ""))
        self.has_name = "name" in header.index
        # Checked first by `is_blank`: the columns nearly every row fills.
        self.likely_filled = [i for f, i in self.columns if f in ("id_number", "name")]
        self._cache: dict[str, dict[object, tuple[bool, Any]]] = {f: {} for f in CACHED_COLUMNS}
        self._sex: dict[object, str] = {}

    def is_blank(self, cells: Sequence[object]) -> bool:
        """Blank when every roster column is empty (a pre-numbered 序号 column alone does not count)."""
        n = len(cells)
        for i in self.likely_filled:
            if i < n:
                v = cells[i]
                if v.__class__ is str and v and not v.isspace():  # type: ignore[attr-defined]
                    return False
        for _field, i in self.columns:
            if i < n:
                v = cells[i]
                if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
                    return False
        return True

    def _clean_one(self, field: str, value: object) -> tuple[bool, Any]:
        """(True, cleaned value) or (False, (field, Chinese reason)), by the same rules as a form."""
        try:
            converted = _convert(field, value)
            return True, clean_profile({field: converted})[field]
        except DomainError as exc:
            return False, (exc.field or field, exc.message)
        except ValueError as exc:
            return False, (field, str(exc))

    def _cached(self, field: str, value: object) -> tuple[bool, Any]:
        cache = self._cache[field]
        # Text is the usual cell: keyed as itself. Other values with their type, so that 1, 1.0 and True
        # (equal in Python) stay apart; a tuple never equals a string.
        key = value if value.__class__ is str else (type(value), value)
        hit = cache.get(key)
        if hit is None:
            hit = self._clean_one(field, value)
            if len(cache) < _CACHE_LIMITS.get(field, _CACHE_LIMIT):
                cache[key] = hit
        return hit

    def _sex_text(self, cell: object) -> str:
        text = self._sex.get(cell) if cell.__class__ is str else None
        if text is None:
            text = tidy(cell_text(cell)) if cell else ""
            if cell.__class__ is str and len(self._sex) < 100:
                self._sex[cell] = text
        return text

    def _birth_problem(self, cell: object, sealed: SealedId | None, number: str) -> str | None:
        """What is wrong with a 出生日期 cell: not a date, or not the ID number's birth date. When the ID
        number itself was refused for another column (性别), the date is still checked against it."""
        try:
            declared = date_value(cell)
        except (DomainError, ValueError) as exc:
            return exc.message if isinstance(exc, DomainError) else str(exc)
        if declared is None:
            return None
        if sealed is not None:
            info = sealed.info
        else:
            try:
                info = parse_id_number(number)
            except DomainError:
                return None  # the ID column carries the error; nothing to compare with
        month_only = bool(_MONTH_ONLY.match(cell)) if isinstance(cell, str) else False
        month_only = month_only or (self.birth_by_month and declared.day == 1)
        try:
            check_declared_birth(info, declared, month_only=month_only)
        except DomainError as exc:
            return exc.message
        return None

    def normalise(self, row: int, cells: Sequence[object]) -> tuple[CleanRow | None, list[RowError]]:
        header = self.header
        n = len(cells)
        errors: list[RowError] = []
        profile: dict[str, Any] = {}
        for field, i in self.cached_columns:
            ok, out = self._cached(field, cells[i] if i < n else "")
            if ok:
                profile[field] = out
            else:
                errors.append(RowError(row, header.label(out[0]), out[1]))
        personal: dict[str, Any] = {field: cell_text(cells[i]) if i < n else "" for field, i in self.personal_columns}
        if not self.has_name:
            personal["name"] = ""
        try:
            profile.update(clean_profile(personal))
        except DomainError:
            for field, value in personal.items():  # say everything that is wrong, not only the first thing
                ok, out = self._clean_one(field, value)
                if ok:
                    profile[field] = out
                else:
                    errors.append(RowError(row, header.label(out[0]), out[1]))

        id_cell = cells[self.id_index] if self.id_index is not None and self.id_index < n else ""
        sealed: SealedId | None = None
        number = ""
        if isinstance(id_cell, (int, float)) and not isinstance(id_cell, bool):
            errors.append(RowError(row, header.label("id_number"), NUMBER_ID_MESSAGE))
        else:
            number = id_text(id_cell)
            sex = self._sex_text(cells[self.sex_index]) if self.sex_index is not None and self.sex_index < n else ""
            try:
                sealed = seal_id_number(number, declared_sex=sex or None)
            except DomainError as exc:
                message = exc.message
                if exc.field == "id_number" and re.fullmatch(r"\d{15}0{3}", number):
                    message += "（末三位为000，可能是身份证号曾被存成数字后丢失了后几位）"
                field = exc.field if exc.field in ("sex", "id_number") else "id_number"
                errors.append(RowError(row, header.label(field), message))
        birth_cell = cells[self.birth_index] if self.birth_index is not None and self.birth_index < n else None
        if birth_cell is not None and birth_cell != "":
            problem = self._birth_problem(birth_cell, sealed, number if sealed is None else "")
            if problem:
                errors.append(RowError(row, header.label("birth_date"), problem))
        if sealed is not None:
            joined = profile.get("joined_on")
            if joined is not None and joined < sealed.info.birth_date:
                errors.append(RowError(row, header.label("joined_on"), "入会时间早于身份证号中的出生日期"))
        if errors or sealed is None:
            return None, errors
        return CleanRow(row, sealed, profile), []


def header_says_month(label: str) -> bool:
    """出生年月 (not 出生年月日): a column of year and month."""
    key = tidy(label)
    return "年月" in key and "日" not in key


_FIELD_BY_LABEL = {label: field for field, label in FIELD_LABELS.items()}
MEMBER_FIELDS = ("name", "id_number", "sex", "birth_date", *[f for f in PROFILE_COLUMNS if f != "name"])


def clean_member(values: dict[str, object]) -> tuple[CleanRow | None, dict[str, list[str]]]:
    """One member typed into a form (or sent to the API), checked by the roster's own row rules.

    `values` holds any of MEMBER_FIELDS; what is absent counts as a blank cell. Returns the clean row, or
    the problems by field name (every problem, not only the first)."""
    fields = [f for f in MEMBER_FIELDS if f in values] or ["name"]
    if "name" not in fields:
        fields.insert(0, "name")
    header = HeaderMap(row=0, index={f: i for i, f in enumerate(fields)}, labels={})
    cells = ["" if values.get(f) is None else values.get(f) for f in fields]
    clean, errors = RowNormaliser(header).normalise(0, cells)
    problems: dict[str, list[str]] = {}
    for e in errors:
        problems.setdefault(_FIELD_BY_LABEL.get(e.column, "id_number"), []).append(e.message)
    return clean, problems
