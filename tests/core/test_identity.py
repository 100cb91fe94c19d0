import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.errors import DomainError
from gonghui.core.identity import id_check_digit, parse_id_number, validate_credit_code, validate_mobile
from tests.factories import make_id_number


def test_valid_number_gives_birth_date_and_sex():
    number = make_id_number("530702", dt.date(1988, 6, 15), "F", serial=7)
    info = parse_id_number(number)
    assert info.birth_date == dt.date(1988, 6, 15)
    assert info.sex == "F"
    assert info.region_code == "530702"


def test_full_width_digits_lowercase_x_and_spaces_are_accepted():
    for serial in range(200):
        number = make_id_number("110105", dt.date(1975, 3, 2), "M", serial=serial)
        if number.endswith("X"):
            break
    assert number.endswith("X")
    messy = " " + number[:6] + " " + number[6:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x "
    assert parse_id_number(messy).number == number


def test_historical_region_code_is_accepted():
    # 110103 was 崇文区 until 2010: people born there still carry it.
    assert parse_id_number(make_id_number("110103", dt.date(1980, 1, 1))).region_code == "110103"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "不能为空"),
        ("53070219900101123", "18位"),
        ("5.32701199001011E+17", "科学计数法"),
        ("999999199001011234", "校验位"),
    ],
)
def test_bad_numbers_get_chinese_reasons(raw, fragment):
    with pytest.raises(DomainError) as exc:
        parse_id_number(raw)
    assert fragment in exc.value.message
    assert exc.value.field == "id_number"


def test_unknown_region_and_impossible_date():
    body = "999999199001010010"[:17]
    with pytest.raises(DomainError, match="GB/T 2260"):
        parse_id_number(body + id_check_digit(body))
    body = "53070219900230001"
    with pytest.raises(DomainError, match="出生日期"):
        parse_id_number(body + id_check_digit(body))
    body = "53070221000101001"
    with pytest.raises(DomainError, match="不合理"):
        parse_id_number(body + id_check_digit(body), today=dt.date(2026, 11, 27))


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2010, 12, 31)),
    sex=st.sampled_from("MF"),
    serial=st.integers(min_value=0, max_value=10**6),
)
def test_generated_numbers_round_trip(birth, sex, serial):
    number = make_id_number("530724", birth, sex, serial=serial)
    info = parse_id_number(number)
    assert info.sex == sex
    assert info.number == number


@given(st.text(max_size=30))
def test_any_text_is_either_valid_or_a_domain_error(text):
    try:
        info = parse_id_number(text)
    except DomainError as exc:
        assert exc.message
    else:
        assert len(info.number) == 18


@given(number=st.integers(min_value=0, max_value=16), digit=st.integers(min_value=0, max_value=9))
def test_changing_one_digit_breaks_the_checksum(number, digit):
    valid = make_id_number("530721", dt.date(1992, 5, 5), "M", serial=3)
    if valid[number] == str(digit):
        return
    altered = valid[:number] + str(digit) + valid[number + 1 :]
    with pytest.raises(DomainError):
        parse_id_number(altered)


def test_credit_code_and_mobile():
    assert validate_credit_code(" 91530700ma6k12340a ") == "91530700MA6K12340A"
    with pytest.raises(DomainError, match="统一社会信用代码"):
        validate_credit_code("91530700MA6K12340B")
    assert validate_mobile(" 139 8700 0001 ") == "13987000001"
    assert validate_mobile("+8613987000001") == "13987000001"
    with pytest.raises(DomainError, match="11位"):
        validate_mobile("12345")
