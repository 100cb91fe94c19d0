"""Property tests for the roster row normaliser: messy spellings of one person give that person."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.identity import id_check_digit
from gonghui.members.imports.headers import read_header
from gonghui.members.imports.rows import NUMBER_ID_MESSAGE, RowNormaliser, id_text
from gonghui.members.services import id_hmac

HEADER = ["序号", "姓名", "公民身份号码", "性别", "入会日期", "联系电话", "民族"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
REGIONS = ["530702", "530721", "110101", "440305", "532501"]


def normaliser() -> RowNormaliser:
    header, problems = read_header(3, HEADER)
    assert not problems
    return RowNormaliser(header)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    birth = draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)))
    order = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + id_check_digit(body)


@st.composite
def messy(draw: st.DrawFn, number: str) -> str:
    """The same number as people type it: full-width characters, spaces, a lowercase x."""
    out = []
    for ch in number:
        if draw(st.booleans()):
            ch = ch.translate(FULL_WIDTH)
        if ch in "XＸ" and draw(st.booleans()):
            ch = "x"
        out.append(ch)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from([" ", "\u3000", "\t"])))
    return draw(st.sampled_from(["", " ", "'"])) + "".join(out) + draw(st.sampled_from(["", " ", "\u3000"]))


def _sex(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), number=id_numbers())
def test_messy_id_numbers_mean_the_same_person(data: st.DataObject, number: str) -> None:
    typed = data.draw(messy(number))
    sex = data.draw(st.sampled_from([_sex(number), f" {_sex(number)} ", ""]))
    row, errors = normaliser().normalise(7, [1, "和 丽 萍", typed, sex, "", "", ""])
    assert errors == []
    assert row is not None
    assert row.sealed.hmac == id_hmac(number)
    assert row.sealed.info.number == number
    assert row.profile["name"] == "和丽萍"


@settings(max_examples=200, deadline=None)
@given(
    number=id_numbers(),
    day=st.dates(min_value=dt.date(2006, 1, 1), max_value=dt.date(2025, 12, 31)),
    style=st.sampled_from(["cn", "slash", "dash", "compact", "dot", "cell", "datetime", "int", "float", "full"]),
)
def test_every_date_spelling_gives_the_same_day(number: str, day: dt.date, style: str) -> None:
    cell: object = {
        "cn": f"{day.year}年{day.month}月{day.day}日",
        "slash": f"{day.year}/{day.month}/{day.day}",
        "dash": day.isoformat(),
        "compact": f"{day:%Y%m%d}",
        "dot": f"{day:%Y.%m.%d}",
        "cell": day,
        "datetime": dt.datetime(day.year, day.month, day.day),
        "int": int(f"{day:%Y%m%d}"),
        "float": float(f"{day:%Y%m%d}"),
        "full": f"{day.year}年{day.month}月{day.day}日".translate(FULL_WIDTH),
    }[style]
    row, errors = normaliser().normalise(9, [1, "木春梅", number, "", cell, "", ""])
    assert errors == []
    assert row is not None and row.profile["joined_on"] == day


@settings(max_examples=100, deadline=None)
@given(value=st.one_of(st.integers(min_value=10**16, max_value=10**18), st.floats(min_value=1e16, max_value=1e18)))
def test_numeric_id_cells_are_always_refused(value: float) -> None:
    row, errors = normaliser().normalise(5, [1, "甲", value, "", "", "", ""])
    assert row is None
    assert [(e.row, e.column, e.message) for e in errors] == [(5, "公民身份号码", NUMBER_ID_MESSAGE)]


cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(cells, min_size=0, max_size=9))
def test_any_row_gives_a_member_or_named_errors_never_a_crash(values: list[object]) -> None:
    row, errors = normaliser().normalise(11, values)
    if row is None:
        assert errors
        for e in errors:
            assert e.row == 11 and e.message
            assert e.column in HEADER
    else:
        assert errors == []
        assert row.sealed.hmac and row.profile["name"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=24))
def test_id_text_fast_path_is_the_full_rule(text: str) -> None:
    """`id_text` skips NFKC and the whitespace pass for plain ASCII letters and digits: same answer."""
    full = unicodedata.normalize("NFKC", text)
    full = re.sub(r"\s+", "", full).lstrip("'").upper()
    assert id_text(text) == full


def test_cached_cells_keep_equal_values_of_different_types_apart() -> None:
    header, _ = read_header(1, ["姓名", "公民身份号码", "农民工"])
    rows = RowNormaliser(header)
    number = "53070219900101001" + id_check_digit("53070219900101001")
    answers = []
    for cell in ("1", 1, 1.0, True, "0", 0, False, "否"):
        clean, errors = rows.normalise(2, ["甲", number, cell])
        assert errors == [] and clean is not None
        answers.append(clean.profile["is_migrant_worker"])
    assert answers == [True, True, True, True, False, False, False, False]
    clean, errors = rows.normalise(2, ["甲", number, 2])  # a number no flag takes, after 1 and 1.0 were cached
    assert clean is None and [e.column for e in errors] == ["农民工"]

    header, _ = read_header(1, ["姓名", "公民身份号码", "民族"])
    rows = RowNormaliser(header)
    said = []
    for cell in (1, True, 1.0, "1"):  # equal in Python, but a TRUE cell reads 是
        _, errors = rows.normalise(2, ["甲", number, cell])
        said.append(errors[0].message.split("“")[1].split("”")[0])
    assert said == ["1", "是", "1", "1"]


def test_blank_rows_and_whitespace_cells() -> None:
    rows = normaliser()
    assert rows.is_blank(["1", "", "   ", None, "", "\u3000", ""])  # only the 序号 column and spaces
    assert rows.is_blank([])
    assert not rows.is_blank(["", "", "", "", "", "", "纳西族"])
    assert not rows.is_blank(["", "甲"])
    assert not rows.is_blank([None, None, 5.3e17])


def test_sex_cells_are_read_the_same_every_time() -> None:
    rows = normaliser()
    number = "53070219900101001" + id_check_digit("53070219900101001")  # a man: odd 17th digit
    for _ in range(3):
        for cell, ok in (("男", True), (" 男 ", True), ("女", False), ("", True), (None, True), ("M", True)):
            clean, errors = rows.normalise(4, ["1", "甲", number, cell])
            assert (clean is not None) == ok, (cell, errors)
            if not ok:
                assert [e.column for e in errors] == ["性别"]
