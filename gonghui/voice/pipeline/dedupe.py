"""Near-duplicate demands: colleagues re-typing the same complaint, or one worker sending it twice.

Texts are compared as sets of character bigrams: Chinese has no spaces to split words on, most words are
two characters, and bigrams survive a changed particle, 3 for 三 or a typo. MinHash LSH (datasketch)
proposes candidate pairs without comparing every pair; each candidate is then confirmed by its exact
Jaccard similarity, so the LSH's probabilistic misses cost recall only, never precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)
SHINGLE = 2
# On the labelled set (tests/data/voice) bigram Jaccard ≥ 0.25 finds every exact copy and about 40% of
# the listed re-typings with no pair across two issues; at 0.2 recall rises to ~60% but 6% of pairs
# join different issues. Looser paraphrases are the clustering's job, not de-duplication's.
DEFAULT_THRESHOLD = 0.25
NUM_PERM = 64


@dataclass(frozen=True)
class DuplicatePair:
    first: str
    second: str
    similarity: float


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """Character n-grams of the text with punctuation and spaces removed (a short text is one shingle)."""
    content = _NOT_CONTENT.sub("", text.lower())
    if len(content) <= size:
        return frozenset([content]) if content else frozenset()
    return frozenset(content[i : i + size] for i in range(len(content) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _minhash(grams: Iterable[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch([g.encode("utf-8") for g in grams])
    return m


def find_duplicates(items: Sequence[tuple[str, str]], *, threshold: float = DEFAULT_THRESHOLD) -> list[DuplicatePair]:
    """Pairs of ids whose normalized texts are at least `threshold` alike (Jaccard of character bigrams).

    `items` are (id, normalized text). Each later text is paired with the earlier ones it matches, so a
    text sent three times gives the pairs (1, 2), (1, 3), (2, 3). Empty texts are never duplicates."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    lsh = MinHashLSH(threshold=max(threshold - 0.15, 0.05), num_perm=NUM_PERM)
    grams_by_id: dict[str, frozenset[str]] = {}
    pairs: list[DuplicatePair] = []
    for item_id, text in items:
        grams = shingles(text)
        if not grams or item_id in grams_by_id:
            continue
        signature = _minhash(grams)
        for other in lsh.query(signature):
            similarity = jaccard(grams, grams_by_id[other])
            if similarity >= threshold:
                pairs.append(DuplicatePair(other, item_id, round(similarity, 3)))
        lsh.insert(item_id, signature)
        grams_by_id[item_id] = grams
    return pairs


# --- many texts at once: the pipeline's path ------------------------------------------------------------
# `find_duplicates` above reports every pair, which is quadratic inside a group of copies (a complaint
# re-typed by 2,000 colleagues gives two million pairs). The pipeline instead puts every text into a group
# led by the first text it matches: MinHash signatures are computed for all texts at once with numpy,
# bands of the signature propose earlier group leaders, and a text joins a leader only when the exact
# bigram Jaccard of the two reaches the threshold. Every member is directly similar to its leader (no
# chains of single links), pairs are (leader, member), and the work grows linearly with the number of texts.

BANDS = 16
ROWS_PER_BAND = 2
_BUCKET_KEEP = 4  # leaders remembered per band bucket (the most recent ones)
_CANDIDATES = 6  # exact comparisons per text at most
_CHUNK = 50_000


def _hash_params() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20260101)
    mult = rng.integers(1, 2**63 - 1, size=BANDS * ROWS_PER_BAND, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63 - 1, size=BANDS * ROWS_PER_BAND, dtype=np.uint64)
    return mult, add


def _band_keys(contents: Sequence[str]) -> np.ndarray:
    """(len(contents), BANDS) uint64 band keys; texts with no content get all-zero rows (never used)."""
    mult, add = _hash_params()
    out = np.zeros((len(contents), BANDS), dtype=np.uint64)
    for start in range(0, len(contents), _CHUNK):
        part = contents[start : start + _CHUNK]
        lengths = np.fromiter((len(c) for c in part), dtype=np.int64, count=len(part))
        codes = np.frombuffer("".join(part).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if codes.size == 0:
            continue
        ends = np.cumsum(lengths)
        starts = ends - lengths
        # shingle i is codes[i]·codes[i+1] when both are in one text; a text of one character is its own shingle
        nxt = np.append(codes[1:], np.uint64(0))
        shingle = (codes << np.uint64(21)) | nxt
        keep = np.ones(codes.size, dtype=bool)
        keep[ends[lengths > 1] - 1] = False  # a text's last character starts no bigram
        single = starts[lengths == 1]
        shingle[single] = codes[single]
        owner = np.repeat(np.arange(len(part)), lengths)
        shingle, owner = shingle[keep], owner[keep]
        has = lengths > 0
        firsts = np.searchsorted(owner, np.arange(len(part))[has])
        sig = np.empty((int(has.sum()), BANDS * ROWS_PER_BAND), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(BANDS * ROWS_PER_BAND):
                h = shingle * mult[k] + add[k]
                h ^= h >> np.uint64(29)
                sig[:, k] = np.minimum.reduceat(h, firsts)
            rows = sig.reshape(len(sig), BANDS, ROWS_PER_BAND)
            keys = rows[:, :, 0] * np.uint64(0x9E3779B97F4A7C15) ^ rows[:, :, 1]
        out[start : start + len(part)][has] = keys
    return out


def duplicate_leaders(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """For each normalized text, the index of the earlier text whose group it joins (its own index when it
    starts a group). Empty texts always lead their own group."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    contents = [_NOT_CONTENT.sub("", t.lower()) for t in texts]
    keys = _band_keys(contents)  # stays a numpy array: as Python ints it would take ~0.5 GB per million
    leader = list(range(len(texts)))
    exact: dict[str, int] = {}
    buckets: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
    for i, content in enumerate(contents):
        if not content:
            continue
        first = exact.get(content)
        if first is not None:
            leader[i] = leader[first]
            continue
        exact[content] = i
        row = keys[i].tolist()
        votes: dict[int, int] = {}
        for band, key in enumerate(row):
            for cand in buckets[band].get(key, ()):
                votes[cand] = votes.get(cand, 0) + 1
        if votes:
            grams = shingles(content)
            for cand in sorted(votes, key=lambda c: (-votes[c], c))[:_CANDIDATES]:
                if jaccard(grams, shingles(contents[cand])) >= threshold:
                    leader[i] = cand
                    break
        if leader[i] == i:
            for band, key in enumerate(row):
                bucket = buckets[band].setdefault(key, [])
                bucket.append(i)
                if len(bucket) > _BUCKET_KEEP:
                    del bucket[0]
    return leader
