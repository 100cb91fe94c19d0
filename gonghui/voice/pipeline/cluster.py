"""cluster_documents: normalized texts → near-duplicate groups → words and character n-grams → LSA
vectors → issues found without being told how many → labels, keywords, representatives and strength.

Scale: the model is fitted on at most `Params.sample` texts (one per duplicate group, drawn with a fixed
seed); every other text is then vectorised and assigned in chunks, so time grows linearly and memory stays
bounded by the chunk size plus the per-text results (normalized text, group, issue). Deterministic: every
random step has a fixed seed and ties break on input order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from gonghui.core.text import normalize as normalize_text

from . import strength as strength_mod
from .dedupe import _NOT_CONTENT, DEFAULT_THRESHOLD, duplicate_leaders, jaccard, shingles
from .noise import junk_reason
from .tokens import content_chars, issue_label, shown_keywords, words
from .types import ClusterResult, Document, IssueCluster

Progress = Callable[[float, str], None]
SEED = 20260101


@dataclass(frozen=True)
class Params:
    sample: int = 8000  # duplicate-group leaders the model is fitted on
    svd_dims: int = 75
    char_weight: float = 1.2  # weight of the character 2–3-gram block against the word block
    over_clusters: int = 0  # 0: chosen from the sample size (see _over_k)
    merge_distance: float = 0.85  # average-linkage cosine distance below which micro-clusters merge
    min_fit: float = 0.25  # cosine to the issue's centre a text needs to belong to it
    min_size: int = 0  # 0: chosen from the number of texts (see _min_size)
    refine: int = 1  # rounds of "centre = mean of its members, assign again" after the merge
    chunk: int = 20_000
    keywords: int = 8
    representatives: int = 5


DEFAULT = Params()


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _noop(_fraction: float, _stage: str) -> None:
    return None


class _Vectoriser:
    """Word TF-IDF ⊕ weighted character-n-gram TF-IDF → TruncatedSVD (LSA) → unit length."""

    def __init__(self, params: Params, n: int) -> None:
        min_df = 2 if n >= 50 else 1
        self.words = TfidfVectorizer(analyzer=_identity, min_df=min_df, sublinear_tf=True, dtype=np.float32)
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 3), min_df=min_df, sublinear_tf=True, dtype=np.float32
        )
        self.params = params
        self.svd: TruncatedSVD | None = None

    def _stack(self, tokens: Sequence[list[str]], chars: Sequence[str], *, fit: bool) -> sp.csr_matrix:
        if fit:
            w = self.words.fit_transform(tokens)
            try:
                c = self.chars.fit_transform(chars)
            except ValueError:  # no n-gram at all (texts of one character)
                c = sp.csr_matrix((len(chars), 0), dtype=np.float32)
                self.chars = None  # type: ignore[assignment]
        else:
            w = self.words.transform(tokens)
            c = self.chars.transform(chars) if self.chars is not None else sp.csr_matrix((len(chars), 0))
        return sp.hstack([w, c * self.params.char_weight], format="csr", dtype=np.float32)

    def fit_transform(self, tokens: Sequence[list[str]], chars: Sequence[str]) -> np.ndarray:
        x = self._stack(tokens, chars, fit=True)
        # one dimension per ~3 texts, up to svd_dims: fewer squeeze a union's few dozen demands into so few
        # dimensions that unrelated topics meet (measured on samples of 40–300 labelled texts)
        dims = min(self.params.svd_dims, x.shape[1] - 1, max(2, x.shape[0] // 3))
        if dims >= 2:
            self.svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=5, random_state=SEED)
            z = self.svd.fit_transform(x)
        else:
            z = x.toarray()
        return np.asarray(l2_normalize(z), dtype=np.float32)

    def transform(self, tokens: Sequence[list[str]], chars: Sequence[str]) -> np.ndarray:
        x = self._stack(tokens, chars, fit=False)
        z = self.svd.transform(x) if self.svd is not None else x.toarray()
        return np.asarray(l2_normalize(z), dtype=np.float32)


def _over_k(n: int, params: Params) -> int:
    if params.over_clusters:
        return min(params.over_clusters, n)
    return max(2, min(n, 200, round(3 * math.sqrt(n))))


def _min_size(n: int, params: Params) -> int:
    if params.min_size:
        return params.min_size
    if n < 20:
        return 1  # a handful of texts: a single demand may be an issue of its own
    return max(2, min(50, round(n * 0.004)))


def _fit_centres(z: np.ndarray, params: Params) -> np.ndarray:
    """Over-cluster with (MiniBatch)KMeans, then merge the micro-centres by average linkage under a cosine
    distance threshold: the threshold, not a given k, decides how many issues there are."""
    n = len(z)
    k = _over_k(n, params)
    if k < 2 or n < 3:
        return np.asarray(z, dtype=np.float32)  # too few texts to group: each is its own issue
    km = MiniBatchKMeans(
        n_clusters=k, random_state=SEED, batch_size=2048, n_init=3, max_iter=100, reassignment_ratio=0.0
    )
    labels = km.fit_predict(z)
    micro = l2_normalize(km.cluster_centers_)
    weights = np.bincount(labels, minlength=k)
    # an empty micro-cluster, or one of texts with no features left, has a zero centre: cosine is undefined
    used = (weights > 0) & (np.linalg.norm(micro, axis=1) > 1e-6)
    micro, weights = micro[used], weights[used]
    if len(micro) < 2:
        return np.asarray(micro)
    merge = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=params.merge_distance
    ).fit(micro)
    groups = merge.labels_
    centres = np.vstack(
        [(micro[groups == g] * weights[groups == g, None]).sum(axis=0) for g in range(groups.max() + 1)]
    )
    return np.asarray(l2_normalize(centres), dtype=np.float32)


def cluster_documents(
    docs: Sequence[Document],
    *,
    as_of: dt.date | None = None,
    period_days: int = 30,
    progress: Progress | None = None,
    params: Params = DEFAULT,
) -> ClusterResult:
    """Find the issues in `docs`; see the module docstring and docs/adr/0005-voice-pipeline.md."""
    report = progress or _noop
    n = len(docs)
    if n == 0:
        report(1.0, "完成")
        return ClusterResult()
    ids = [d.id for d in docs]

    # 1. normalize
    report(0.0, "文本规范化")
    texts: list[str] = []
    step = max(params.chunk, 1)
    for start in range(0, n, step):
        texts.extend(
            d.normalized if d.normalized is not None else normalize_text(d.text) for d in docs[start : start + step]
        )
        report(round(0.2 * min(n, start + step) / n, 4), "文本规范化")

    # 2. near-duplicate groups
    report(0.2, "查找重复")
    leader = duplicate_leaders(texts)
    duplicates = [(ids[leader[i]], ids[i]) for i in range(n) if leader[i] != i]
    leaders = [i for i in range(n) if leader[i] == i]
    group_size = np.bincount(np.asarray(leader, dtype=np.int64), minlength=n)

    # 3. words; junk set aside
    report(0.3, "分词")
    token_of: dict[int, list[str]] = {}
    label = np.full(n, -1, dtype=np.int64)  # issue index per leader; -1 = noise
    candidates: list[int] = []
    for i in leaders:
        toks = words(texts[i])
        if junk_reason(texts[i], toks) is None:
            token_of[i] = toks
            candidates.append(i)
    report(0.4, "向量化")

    issues_out: list[IssueCluster] = []
    if candidates:
        rng = np.random.default_rng(SEED)
        if len(candidates) > params.sample:
            picked = sorted(rng.choice(len(candidates), size=params.sample, replace=False).tolist())
            fit_ids = [candidates[j] for j in picked]
        else:
            fit_ids = candidates
        vec = _Vectoriser(params, len(fit_ids))
        z_fit = vec.fit_transform([token_of[i] for i in fit_ids], [content_chars(texts[i]) for i in fit_ids])
        report(0.5, "聚类")
        centres = _fit_centres(z_fit, params)

        # 4. assign every candidate (chunked); drop issues too small; move each centre to the mean of its
        #    members (weighted by duplicate-group size) and assign again (`Params.refine` times)
        weight = group_size[candidates].astype(np.float32)

        def assign(centres: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            best = np.empty(len(candidates), dtype=np.int64)
            fit = np.empty(len(candidates), dtype=np.float32)
            sums = np.zeros_like(centres)
            for start in range(0, len(candidates), step):
                part = candidates[start : start + step]
                z = z_cache.get(start)
                if z is None:
                    z = vec.transform([token_of[i] for i in part], [content_chars(texts[i]) for i in part])
                    if keep_z:
                        z_cache[start] = z
                sims = z @ centres.T
                b = sims.argmax(axis=1)
                f = sims.max(axis=1)
                best[start : start + len(part)] = b
                fit[start : start + len(part)] = f
                inside = f >= params.min_fit
                np.add.at(sums, b[inside], z[inside] * weight[start : start + len(part)][inside, None])
                report(round(lo + (hi - lo) * min(len(candidates), start + step) / len(candidates), 4), "归类")
            return best, fit, sums

        keep_z = len(candidates) * centres.shape[1] * 4 < 400 * 2**20  # keep vectors when they are small
        z_cache: dict[int, np.ndarray] = {}
        rounds = 1 + params.refine
        best, fit, sums = assign(centres, 0.5, 0.5 + 0.35 / rounds)
        for r in range(params.refine):
            inside = fit >= params.min_fit
            size = np.bincount(best[inside], weights=weight[inside], minlength=len(centres))
            keep = size >= _min_size(n, params)
            if not keep.any():
                fit[:] = -1.0
                break
            centres = np.asarray(l2_normalize(sums[keep]), dtype=np.float32)
            best, fit, sums = assign(centres, 0.5 + 0.35 * (r + 1) / rounds, 0.5 + 0.35 * (r + 2) / rounds)
        inside = fit >= params.min_fit
        size = np.bincount(best[inside], weights=weight[inside], minlength=len(centres))
        if not (size >= _min_size(n, params)).all():  # an issue shrank under the minimum in the last round
            fit[np.isin(best, np.flatnonzero(size < _min_size(n, params)))] = -1.0
        members_of = [[] for _ in range(len(centres))]  # type: list[list[int]]
        for j, i in enumerate(candidates):
            if fit[j] >= params.min_fit:
                label[i] = best[j]
                members_of[best[j]].append(j)

        # 5. describe every issue
        report(0.85, "提取关键词")
        vocab = vec.words.vocabulary_
        counter = CountVectorizer(analyzer=_identity, vocabulary=vocab, dtype=np.float32)
        counts = np.zeros((len(centres), len(vocab)), dtype=np.float64)
        for start in range(0, len(candidates), step):
            part = np.arange(start, min(len(candidates), start + step))
            mask = fit[part] >= params.min_fit
            part = part[mask]
            if not len(part):
                continue
            x = counter.transform([token_of[candidates[j]] for j in part]).multiply(weight[part][:, None]).tocsr()
            onehot = sp.csr_matrix(
                (np.ones(len(part)), (best[part], np.arange(len(part)))), shape=(len(centres), len(part))
            )
            counts += (onehot @ x).toarray()
        keywords = [
            shown_keywords(k)[: params.keywords]
            for k in _c_tf_idf(counts, vec.words.get_feature_names_out(), params.keywords * 2)
        ]

        leader_arr = np.asarray(leader, dtype=np.int64)
        all_members: list[list[int]] = [[] for _ in range(len(centres))]
        for i in range(n):
            lab = label[leader_arr[i]]
            if lab >= 0:
                all_members[lab].append(i)
        report(0.92, "计算强度")
        submitters = [d.submitter for d in docs]
        unions = [d.union for d in docs]
        dates = [d.submitted_on for d in docs]
        when = as_of or max((d for d in dates if d is not None), default=None)
        shared: dict[tuple[str, ...], list[str]] = {}  # one list object per combination, not per text
        reasons = [shared.setdefault(r, list(r)) for r in map(tuple, map(strength_mod.urgency_reasons, texts))]
        for c in range(len(centres)):
            if not all_members[c]:
                continue
            reps = _representatives(members_of[c], candidates, fit, group_size, texts, params.representatives)
            issues_out.append(
                IssueCluster(
                    label=issue_label(keywords[c]) or texts[candidates[members_of[c][0]]][:12],
                    keywords=keywords[c],
                    size=len(all_members[c]),
                    representatives=[ids[i] for i in reps],
                    members=[ids[i] for i in all_members[c]],
                    strength=strength_mod.measure(
                        all_members[c],
                        submitters=submitters,
                        unions=unions,
                        dates=dates,
                        reasons=reasons,
                        as_of=when,
                        period_days=period_days,
                    ),
                )
            )
    issues_out.sort(key=lambda iss: (-iss.strength.score, -iss.size, iss.members[0]))
    leader_arr = np.asarray(leader, dtype=np.int64)
    noise = [ids[i] for i in range(n) if label[leader_arr[i]] < 0]
    report(1.0, "完成")
    return ClusterResult(issues=issues_out, noise=noise, duplicates=duplicates)


def _c_tf_idf(counts: np.ndarray, names: Any, top: int) -> list[list[str]]:
    """Class-based TF-IDF (as in BERTopic): a word's share of the issue's words × log(1 + average words per
    issue / the word's count over all issues)."""
    if counts.size == 0:
        return [[] for _ in range(len(counts))]
    totals = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    freq = counts.sum(axis=0)
    avg = counts.sum() / max(len(counts), 1)
    idf = np.log1p(avg / np.maximum(freq, 1e-9))
    scores = tf * idf
    out = []
    for row, cnt in zip(scores, counts, strict=True):
        order = np.lexsort((np.arange(len(row)), -row))
        out.append([str(names[j]) for j in order[:top] if cnt[j] > 0])
    return out


def _representatives(
    member_rows: list[int],
    candidates: list[int],
    fit: np.ndarray,
    group_size: np.ndarray,
    texts: list[str],
    limit: int,
) -> list[int]:
    """Leaders closest to the issue's centre (a larger duplicate group wins ties), skipping any text that
    is a near-duplicate of one already picked."""
    order = sorted(member_rows, key=lambda j: (-round(float(fit[j]), 3), -int(group_size[candidates[j]]), j))
    picked: list[int] = []
    grams: list[frozenset[str]] = []
    for j in order[: limit * 8]:
        i = candidates[j]
        g = shingles(_NOT_CONTENT.sub("", texts[i].lower()))
        if any(jaccard(g, other) >= DEFAULT_THRESHOLD for other in grams):
            continue
        picked.append(i)
        grams.append(g)
        if len(picked) == limit:
            break
    return picked
