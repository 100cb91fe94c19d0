"""The pipeline on many small random batches of the labelled set: a union's few dozen demands must
always come out as a partition (every text once, in an issue or in noise), never as an error."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from gonghui.voice.pipeline import Document, cluster_documents

DATA = Path(__file__).resolve().parent.parent / "data" / "voice" / "eval_demands.csv"
ROWS = list(csv.DictReader(DATA.open(encoding="utf-8")))


@pytest.mark.parametrize("size", [3, 10, 25, 40, 80, 120])
def test_small_batches_are_partitioned_without_error(size):
    for seed in range(8):
        sample = random.Random(seed).sample(ROWS, size)
        result = cluster_documents([Document(id=r["id"], text=r["text"]) for r in sample])
        placed = [m for issue in result.issues for m in issue.members] + result.noise
        assert sorted(placed) == sorted(r["id"] for r in sample), f"size {size}, seed {seed}"
        assert all(issue.label for issue in result.issues)


def test_texts_left_without_features_do_not_break_the_merge():
    """Rows that lost every feature are zero vectors; a micro-cluster of them has no direction, and
    cosine linkage refuses zero vectors — they must be left out of the merge, not crash it."""
    import numpy as np

    from gonghui.voice.pipeline.cluster import DEFAULT, _fit_centres

    rng = np.random.default_rng(1)
    z = rng.normal(size=(60, 8)).astype(np.float32)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    z[40:] = 0.0
    centres = _fit_centres(z, DEFAULT)
    assert len(centres) >= 1 and np.isfinite(centres).all()
    assert (np.linalg.norm(centres, axis=1) > 0.99).all()


def test_labels_name_things_and_keywords_hold_no_fragments():
    from gonghui.voice.pipeline.tokens import issue_label, shown_keywords

    assert shown_keywords(["骑手", "充个", "喝口", "很多", "驿站"]) == ["骑手", "驿站"]
    assert issue_label(["不到", "欠薪", "太难", "工资", "煤矿"]) == "欠薪、工资、煤矿"
    assert issue_label(["不到", "太难"]) == "不到、太难"  # nothing nameable: still a label, never empty
    texts = [
        f"希望{place}附近多建几个骑手驿站，外卖骑手能喝口热水、充个电"
        for place in ["古城", "束河", "白沙", "玉龙", "大研", "黑龙潭", "七河", "金山", "拉市", "太安"]
    ] + [f"{place}食堂饭菜太贵，一份青菜要八块钱" for place in ["酒店", "工地", "景区", "工厂", "超市", "医院"]]
    result = cluster_documents([Document(id=str(i), text=t) for i, t in enumerate(texts)])
    shown = " ".join(issue.label + " " + " ".join(issue.keywords) for issue in result.issues)
    assert "骑手" in shown and "充个" not in shown and "喝口" not in shown
