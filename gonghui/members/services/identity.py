"""Turning a typed ID number into what we store: ciphertext, blind index, mask, birth date and sex."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gonghui.core.crypto import blind_index, encrypt, mask_id_number
from gonghui.core.errors import DomainError
from gonghui.core.identity import IdNumberInfo, parse_id_number

ID_PURPOSE = "id_number"


@dataclass(frozen=True)
class SealedId:
    info: IdNumberInfo
    cipher: str
    hmac: str
    masked: str


def id_hmac(number: str) -> str:
    return blind_index(number, purpose=ID_PURPOSE)


SEX_WORDS = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F", "男性": "M", "女性": "F"}


def check_declared_birth(info: IdNumberInfo, declared: dt.date, *, month_only: bool = False) -> None:
    """A birth date given beside the ID number (a 出生日期 column, a form field) must be the ID's own;
    `month_only` for a 出生年月 that gives only the year and month."""
    born = info.birth_date
    same = (declared.year, declared.month) == (born.year, born.month)
    if not month_only:
        same = same and declared.day == born.day
    if not same:
        shown = f"{declared.year}年{declared.month}月" + ("" if month_only else f"{declared.day}日")
        raise DomainError(
            f"出生日期“{shown}”与身份证号不符（身份证号中的出生日期为{born.year}年{born.month}月{born.day}日）",
            field="birth_date",
        )


def seal_id_number(
    raw: str,
    *,
    declared_sex: str | None = None,
    declared_birth: dt.date | None = None,
    birth_month_only: bool = False,
) -> SealedId:
    """Validate, then encrypt. A sex or birth date given beside the ID number that contradicts it is an
    error naming that field, not a guess: the ID number is what the record keeps."""
    info = parse_id_number(raw)
    if declared_birth is not None:
        check_declared_birth(info, declared_birth, month_only=birth_month_only)
    if declared_sex:
        sex = SEX_WORDS.get(declared_sex.strip())
        if sex is None:
            raise DomainError("性别只能填写“男”或“女”", field="sex")
        if sex != info.sex:
            raise DomainError(
                f"性别“{declared_sex.strip()}”与身份证号不符（身份证号显示为{'男' if info.sex == 'M' else '女'}）",
                field="sex",
            )
    return SealedId(
        info=info,
        cipher=encrypt(info.number, context=b"id_number"),
        hmac=id_hmac(info.number),
        masked=mask_id_number(info.number),
    )


def name_initials(name: str) -> str:
    """张三丰 → zsf, for search by pinyin initials."""
    from pypinyin import Style, lazy_pinyin  # 0.2 s and 40 MB: loaded when a name is first written

    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if p).lower()[:50]


def mask_org_name(name: str) -> str:
    """A union's name for someone outside its subtree: 丽江**酒店工会 keeps enough to recognise it."""
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 1)
    return name[:2] + "**" + name[-4:]
