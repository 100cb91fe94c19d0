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
