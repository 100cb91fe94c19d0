"""Identity numbers: 公民身份号码 (GB 11643), 统一社会信用代码 (GB 32100) and mobile numbers.

The region table is GB/T 2260 with historical codes, as shipped in python-stdnum's ``cn/loc`` data
file. We read only that data: stdnum's own `cn.ric.validate` is not the gate because it refuses people
whose county code was later abolished, and those people still hold valid cards.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from .errors import DomainError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    """Every six-digit code GB/T 2260 has ever listed (numdb nodes: length, low, high, props, children)."""
    codes: set[str] = set()

    def walk(nodes: list[tuple], prefix: str) -> None:  # type: ignore[type-arg]
        for _length, low, high, _props, children in nodes:
            for n in range(int(low), int(high) + 1):
                code = prefix + str(n).zfill(len(low))
                if len(code) == 6:
                    codes.add(code)
                walk(children, code)

    walk(numdb.get("cn/loc").prefixes, "")
    return frozenset(codes)


def region_code_known(code: str) -> bool:
    return code in _region_codes()


def clean_id_number(raw: str) -> str:
    """Strip spaces, full-width digits and a lowercase x; does not validate."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumberInfo:
    """Validate a 18-digit 公民身份号码 and return what it tells. Raises DomainError in Chinese."""
    number = clean_id_number(raw)
    if not number:
        raise DomainError("身份证号不能为空", field="id_number")
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", number):
        raise DomainError(
            "身份证号被存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新填写", field="id_number"
        )
    if not _ID_RE.match(number):
        raise DomainError(f"身份证号应为18位（前17位数字，最后一位数字或X），实际为“{number[:24]}”", field="id_number")
    if id_check_digit(number[:17]) != number[17]:
        raise DomainError("身份证号校验位不正确，请核对是否抄错", field="id_number")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError("身份证号中的出生日期不存在", field="id_number") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise DomainError("身份证号中的出生日期不合理", field="id_number")
    if not region_code_known(number[:6]):
        raise DomainError(f"身份证号前六位“{number[:6]}”不是国家标准（GB/T 2260）中的行政区划代码", field="id_number")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberInfo(number=number, region_code=number[:6], birth_date=birth, sex=sex)


def validate_credit_code(raw: str) -> str:
    """统一社会信用代码 (GB 32100): 18 characters with a check character."""
    code = clean_id_number(raw)
    try:
        return str(uscc.validate(code))
    except StdnumError:
        raise DomainError("统一社会信用代码不正确（应为18位，且校验位正确）", field="credit_code") from None


def validate_mobile(raw: str) -> str:
    mobile = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or ""))
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    if not _MOBILE_RE.match(mobile):
        raise DomainError("手机号码应为以1开头的11位数字", field="mobile")
    return mobile
