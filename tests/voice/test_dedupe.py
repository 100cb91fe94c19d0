"""Near-duplicate detection on small fixed inputs and on the labelled evaluation set."""

import csv
import re
from pathlib import Path

import pytest

from gonghui.core.text import normalize
from gonghui.voice.pipeline.dedupe import find_duplicates, jaccard, shingles

DATA = Path(__file__).resolve().parent.parent / "data" / "voice"


def test_shingles_ignore_punctuation_and_spaces():
    assert shingles("拖欠 工资！") == shingles("拖欠工资")
    assert shingles("好") == frozenset(["好"])
    assert shingles("！！") == frozenset()


def test_exact_and_retyped_copies_are_paired_and_different_complaints_are_not():
    items = [
        ("a", normalize("工地包工头跑路了，我们二十几个人的工资没人管")),
        ("b", normalize("食堂饭菜太贵，一份青菜要八块钱")),
        ("c", normalize("工地包工头跑路了，我们二十几个人的工资没人管")),
        ("d", normalize("工地包工头跑路了,我们二十多个人的工资没人管了")),
        ("e", normalize("宿舍没有热水，冬天洗不了澡")),
    ]
    pairs = {(p.first, p.second): p.similarity for p in find_duplicates(items)}
    assert set(pairs) == {("a", "c"), ("a", "d"), ("c", "d")}
    assert pairs[("a", "c")] == 1.0
    assert 0.25 <= pairs[("a", "d")] < 1.0


def test_traditional_copy_matches_after_normalisation():
    items = [("1", normalize("工资拖欠三个月，老板说下个月发")), ("2", normalize("工資拖欠三個月，老闆說下個月發"))]
    assert [(p.first, p.second) for p in find_duplicates(items)] == [("1", "2")]


def test_empty_texts_and_repeated_ids_are_ignored():
    assert find_duplicates([("1", ""), ("2", ""), ("3", "   ")]) == []
    assert find_duplicates([("1", "拖欠工资"), ("1", "拖欠工资")]) == []
    with pytest.raises(ValueError):
        find_duplicates([], threshold=0)


def test_jaccard():
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_on_the_labelled_set_every_copy_is_found_and_no_pair_crosses_issues():
    with (DATA / "eval_demands.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    issue = {r["id"]: r["issue"] for r in rows}
    listed = re.findall(r"^- (D\d{4}) ([=~]) (D\d{4})$", (DATA / "README.md").read_text(encoding="utf-8"), re.M)
    found = {frozenset((p.first, p.second)) for p in find_duplicates([(r["id"], normalize(r["text"])) for r in rows])}
    exact = [frozenset((a, b)) for a, op, b in listed if op == "="]
    near = [frozenset((a, b)) for a, op, b in listed if op == "~"]
    assert exact and all(pair in found for pair in exact)
    assert sum(pair in found for pair in near) / len(near) >= 0.3
    assert all(len({issue[i] for i in pair}) == 1 for pair in found)
