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
