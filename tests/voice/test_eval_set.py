"""Shape checks for the labelled evaluation set of workers' demands (tests/data/voice)."""

import csv
import datetime as dt
import difflib
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "voice"
CSV_PATH = DATA / "eval_demands.csv"
README_PATH = DATA / "README.md"
HEADER = ["id", "text", "issue", "kind", "union_code", "submitted_on"]
COUNTY_CODES = {"530702", "530721", "530722", "530723", "530724"}
# Characters that exist only in traditional script (their simplified forms differ).
TRADITIONAL_ONLY = set(
    "資們號險這說還會時錢單職廠醫療對沒為發給傷實違際點頭裡車費個問題請應該讓麼過長開關裝驛騎護員業產條闆築調礦"
)
ISSUE_LINE = re.compile(r"^- `([a-z_]+)` (\S+) — .+$")
PAIR_LINE = re.compile(r"^- (D\d{4}) ([=~]) (D\d{4})$")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture(scope="module")
def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in rows}


@pytest.fixture(scope="module")
def readme() -> str:
    return README_PATH.read_text(encoding="utf-8")


def test_size_and_ids(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 500
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"D\d{4}", i) for i in ids)


def test_every_row_is_complete(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert r["text"].strip(), r["id"]
        assert r["issue"].strip(), r["id"]
        assert r["kind"] in {"诉求", "建议"}, r["id"]


def test_issue_types(rows: list[dict[str, str]]) -> None:
    counts = Counter(r["issue"] for r in rows)
    real = {k: v for k, v in counts.items() if k != "noise"}
    assert len(real) >= 15
    assert all(v >= 25 for v in real.values()), real
    # sizes differ, so that ranking issues by volume is meaningful
    assert max(real.values()) >= 2 * min(real.values())
    assert 20 <= counts["noise"] <= 60


def test_both_kinds_present(rows: list[dict[str, str]]) -> None:
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["建议"] >= 50
    assert kinds["诉求"] >= 250


def test_union_codes(rows: list[dict[str, str]]) -> None:
    for r in rows:
        code = r["union_code"]
        if code in COUNTY_CODES:
            continue
        m = re.fullmatch(r"U(\d{7})", code)
        assert m and 1 <= int(m.group(1)) <= 300, (r["id"], code)
    spread = {}
    for issue in {r["issue"] for r in rows}:
        spread[issue] = len({r["union_code"] for r in rows if r["issue"] == issue})
    # some issues come from many unions, some from few
    assert max(spread.values()) >= 2 * min(spread.values()), spread


def test_dates(rows: list[dict[str, str]]) -> None:
    lo, hi = dt.date(2026, 1, 1), dt.date(2026, 11, 20)
    dates = {r["id"]: dt.date.fromisoformat(r["submitted_on"]) for r in rows}
    assert all(lo <= d <= hi for d in dates.values())
    stations = [dates[r["id"]] for r in rows if r["issue"] == "outdoor_stations"]
    assert sum(5 <= d.month <= 9 for d in stations) >= 0.8 * len(stations)
    riders = [dates[r["id"]] for r in rows if r["issue"] == "rider_rights"]
    mid = dt.date(2026, 6, 10)
    assert sum(d >= mid for d in riders) > 2 * sum(d < mid for d in riders)


def test_traditional_share(rows: list[dict[str, str]]) -> None:
    trad = [r for r in rows if any(c in TRADITIONAL_ONLY for c in r["text"])]
    assert len(trad) >= 20
    assert len(trad) >= 0.05 * len(rows)


def test_noisy_surface_forms(rows: list[dict[str, str]]) -> None:
    texts = [r["text"] for r in rows]

    def count(pattern: str) -> int:
        return sum(bool(re.search(pattern, t)) for t in texts)

    assert count(r"(?<!\d)1[3-9]\d{9}(?!\d)") >= 5  # mobile numbers, for masking
    assert count(r"(?<!\d)\d{17}[\dX](?!\d)") >= 3  # 18-digit ID-like numbers, for masking
    assert count(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü ]+\)") >= 10  # stray pinyin
    assert count("[０-９Ａ-Ｚａ-ｚ]") >= 5  # full-width digits/letters
    assert count("[\U0001f300-\U0001faff\u2600-\u27bf]") >= 8  # emoji
    assert count("鎷栨瑺|宸ヨ祫|鍔犵彮") >= 2  # GBK/UTF-8 mojibake fragments
    lengths = [len(t) for r, t in zip(rows, texts, strict=True) if r["issue"] != "noise"]
    assert min(lengths) >= 5
    assert max(lengths) >= 150


def test_readme_lists_issue_types(rows: list[dict[str, str]], readme: str) -> None:
    listed = {m.group(1) for line in readme.splitlines() if (m := ISSUE_LINE.match(line))}
    assert listed == {r["issue"] for r in rows}


def test_readme_duplicate_pairs(by_id: dict[str, dict[str, str]], readme: str) -> None:
    pairs = [m.groups() for line in readme.splitlines() if (m := PAIR_LINE.match(line))]
    assert len(pairs) >= 20
    exact = near = 0
    for a, op, b in pairs:
        assert a in by_id and b in by_id, (a, b)
        ra, rb = by_id[a], by_id[b]
        assert ra["issue"] == rb["issue"], (a, b)
        if op == "=":
            assert ra["text"] == rb["text"], (a, b)
            exact += 1
        else:
            assert ra["text"] != rb["text"], (a, b)
            assert difflib.SequenceMatcher(None, ra["text"], rb["text"]).ratio() >= 0.35, (a, b)
            near += 1
    assert exact >= 5
    assert near >= 20
