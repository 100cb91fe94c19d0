"""Voice pipeline benchmarks (issue 3, parts 7 and 8): quality on the labelled set against a baseline, and
speed and peak memory on synthetic demands. No database is needed.

  python -m bench.voice [--sizes 100000,1000000] [--skip-quality] [--skip-speed]
  python -m bench.run --only voice [--voice-sizes 20000]

Quality (figure "voice_quality"), on tests/data/voice/eval_demands.csv (598 demands, 17 issue types + noise):
- NMI and ARI (sklearn.metrics) over all 598 rows. Noise is a label of its own on both sides: the true
  `noise` rows form one class, and everything the pipeline sets aside (its `noise` list) forms one
  predicted cluster. So a pipeline is rewarded for putting spam aside and penalised for throwing real
  demands away.
- top-10 issue recall: the 10 largest true types (noise excluded); a type is recalled when one of the
  pipeline's 10 strongest issues has a majority of its members from that type and holds ≥ 50 % of that
  type's demands. recall = recalled / 10.
- the baseline in the same run: TF-IDF over the same words (same tokenizer, stopwords, dictionary) +
  KMeans told the true number of issue types k = 17 (noise excluded from k; the noise rows are clustered
  with everything else, as the baseline has no notion of noise), n_init=10, mean over seeds 0–4. Its
  "10 strongest" are its 10 largest clusters.

Speed (figures "voice_speed_<n>"): synthetic demands written once to bench/data/voice_<n>.csv by
recombining and perturbing the labelled texts (clauses shuffled and mixed within one issue, synonyms and
dialect, typos, traditional characters, numbers, phone numbers; seeded). Each size runs in a fresh child
process: read the CSV into Documents, then `cluster_documents` timed end to end (normalize → result);
peak RSS is the child's ru_maxrss (whole process, reading included).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.run import emit, log

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EVAL = ROOT / "tests" / "data" / "voice" / "eval_demands.csv"
TARGET_SECONDS = {100_000: 60, 1_000_000: 15 * 60}
TARGET_PEAK_MB = {100_000: 2048}
DEFAULT_SIZES = (100_000, 1_000_000)


def load_eval() -> list[dict[str, str]]:
    with EVAL.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------------------------------- quality


def top10_recall(true: Sequence[str], ranked_clusters: Sequence[Sequence[int]]) -> float:
    """`ranked_clusters`: the predicted issues strongest first, as lists of row indexes."""
    sizes = Counter(t for t in true if t != "noise")
    wanted = [t for t, _ in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]
    recalled = set()
    for cluster in ranked_clusters[:10]:
        if not cluster:
            continue
        top, count = Counter(true[i] for i in cluster).most_common(1)[0]
        if top in wanted and count * 2 > len(cluster) and count * 2 >= sizes[top]:
            recalled.add(top)
    return len(recalled) / 10


def quality() -> dict[str, Any]:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from gonghui.core.text import normalize
    from gonghui.voice.pipeline import Document, cluster_documents
    from gonghui.voice.pipeline.tokens import words

    rows = load_eval()
    true = [r["issue"] for r in rows]
    index = {r["id"]: i for i, r in enumerate(rows)}
    docs = [
        Document(
            id=r["id"], text=r["text"], union=r["union_code"], submitted_on=dt.date.fromisoformat(r["submitted_on"])
        )
        for r in rows
    ]
    started = time.perf_counter()
    result = cluster_documents(docs)
    seconds = time.perf_counter() - started
    pred = [-1] * len(rows)
    ranked = []
    for k, issue in enumerate(result.issues):
        members = [index[m] for m in issue.members]
        ranked.append(members)
        for i in members:
            pred[i] = k

    k_true = len(set(true) - {"noise"})
    tokens = [words(normalize(r["text"])) for r in rows]
    x = TfidfVectorizer(analyzer=lambda t: t, sublinear_tf=True).fit_transform(tokens)
    base_nmi, base_ari, base_recall = [], [], []
    for seed in range(5):
        labels = KMeans(n_clusters=k_true, n_init=10, random_state=seed).fit_predict(x)
        base_nmi.append(normalized_mutual_info_score(true, labels))
        base_ari.append(adjusted_rand_score(true, labels))
        by_size = sorted(range(k_true), key=lambda c: -int((labels == c).sum()))
        base_recall.append(top10_recall(true, [list(np.flatnonzero(labels == c)) for c in by_size]))

    figure = {
        "bench": "voice_quality",
        "rows": len(rows),
        "true_issue_types": k_true,
        "nmi": round(normalized_mutual_info_score(true, pred), 3),
        "ari": round(adjusted_rand_score(true, pred), 3),
        "top10_recall": top10_recall(true, ranked),
        "issues_found": len(result.issues),
        "noise_set_aside": len(result.noise),
        "true_noise_set_aside": sum(true[index[i]] == "noise" for i in result.noise),
        "duplicates": len(result.duplicates),
        "seconds": round(seconds, 2),
        "baseline": f"TF-IDF (same words) + KMeans k={k_true}, mean of 5 seeds",
        "baseline_nmi": round(statistics.mean(base_nmi), 3),
        "baseline_ari": round(statistics.mean(base_ari), 3),
        "baseline_top10_recall": round(statistics.mean(base_recall), 3),
    }
    figure["ok"] = figure["nmi"] > figure["baseline_nmi"] and figure["ari"] > figure["baseline_ari"]
    return figure


# ------------------------------------------------------------------------------------------- synthetic

_CLAUSE = re.compile(r"[^，。！？；,.!?;\s]+[，。！？；,.!?;]*")
_SYNONYMS = [
    ("工资", "工钱"),
    ("老板", "老总"),
    ("没有", "莫得"),
    ("没有", "没得"),
    ("怎么办", "咋个整"),
    ("很累", "老火了"),
    ("去", "克"),
    ("公司", "单位"),
    ("加班", "家班"),
    ("工资", "工姿"),
    ("希望", "盼望"),
    ("能不能", "可不可以"),
    ("我们", "俺们"),
    ("现在", "目前"),
]
# simplified → traditional for common characters (str.translate is fast; OpenCC per text would be slow)
_TRADITIONAL = str.maketrans(
    "资们号险这说还会时钱单职厂医疗对没为发给伤实违际点头里车费个问题请应该让么过长开关装驿骑护员业产条板筑调矿",
    "資們號險這說還會時錢單職廠醫療對沒為發給傷實違際點頭裡車費個問題請應該讓麼過長開關裝驛騎護員業產條闆築調礦",
)
_TAILS = [
    "",
    "",
    "。",
    "！",
    "，麻烦尽快处理",
    "，谢谢工会",
    "，急！",
    "，希望有人管管",
    "，已经第{n}次反映了",
    "🙏",
    "😡",
]
_NUMBERS = ["欠了{n}块", "{n}个人", "干了{n}个月", "{n}号", "一共{n}元", "已经{n}天了", "第{n}次"]
_PLACES = ["古城区", "玉龙县", "永胜县", "华坪县", "宁蒗县", "束河", "白沙", "黑龙潭", "拉市海", "金山"]
_WORKPLACES = ["客栈", "酒店", "水电站", "煤矿", "工地", "物流园", "快递站", "医院", "学校", "景区", "超市", "工厂"]
_ROLES = ["服务员", "保洁", "司机", "骑手", "快递员", "护士", "老师", "保安", "电工", "厨师", "搬运工", "收银员"]
_OPENINGS = [
    "我是{place}{workplace}的{role}，",
    "我们{workplace}的{role}都有这个问题：",
    "{place}这边{workplace}，",
    "替我们班组反映一下，",
    "上个月开始，",
    "说句实话，",
    "",
    "",
]
_TYPOS = [("工资", "工姿"), ("加班", "家班"), ("反映", "反应"), ("已经", "以经"), ("的", "滴"), ("在", "再")]


_HANZI = [chr(c) for c in range(0x4E00, 0x9FA5)]


def synthetic_rows(n: int, seed: int = 7, *, distinct: bool = False) -> list[tuple[str, str, str, str, str]]:
    """(text, issue, submitter, union, date) rows; issue is the ground truth. Each demand mixes clauses of
    one to three labelled demands of the same issue, with a speaker's opening, numbers, synonyms,
    dialect, typos and traditional characters, so that most texts are new (not copies)."""
    rng = random.Random(seed)
    by_issue: dict[str, list[list[str]]] = {}
    for r in load_eval():
        clauses = _CLAUSE.findall(r["text"]) or [r["text"]]
        by_issue.setdefault(r["issue"], []).append(clauses)
    issues = sorted(by_issue)
    weights = [len(by_issue[i]) for i in issues]
    start = dt.date(2026, 1, 1)
    out = []
    for _ in range(n):
        issue = rng.choices(issues, weights)[0]
        pool = by_issue[issue]
        if issue == "noise":
            text = "".join(rng.choice(pool))
        else:
            sources = [rng.choice(pool) for _ in range(rng.choice((1, 2, 2, 3)))]
            clauses = [c for src in sources for c in rng.sample(src, max(1, min(len(src), rng.randint(1, 3))))]
            rng.shuffle(clauses)
            opening = rng.choice(_OPENINGS).format(
                place=rng.choice(_PLACES), workplace=rng.choice(_WORKPLACES), role=rng.choice(_ROLES)
            )
            text = opening + "".join(clauses)
            if rng.random() < 0.4:
                text += rng.choice(_NUMBERS).format(n=rng.randint(2, 9000)) + "。"
            text += rng.choice(_TAILS).format(n=rng.randint(2, 9))
            if rng.random() < 0.03:
                text += f"电话1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
        for old, new in rng.sample(_SYNONYMS, 3) + rng.sample(_TYPOS, 1):
            if old in text and rng.random() < 0.5:
                text = text.replace(old, new, 1)
        if rng.random() < 0.1:
            text = text.translate(_TRADITIONAL)
        if rng.random() < 0.1 and len(text) > 6:  # a dropped character
            j = rng.randrange(len(text))
            text = text[:j] + text[j + 1 :]
        if distinct:  # a dozen random hanzi: new character pairs, so far fewer texts group as near-copies
            text += "，" + "".join(rng.choice(_HANZI) for _ in range(12))
        submitter = f"P{rng.randrange(max(1, n // 2)):07d}"
        union = f"U{rng.randint(1, 300):07d}"
        day = start + dt.timedelta(days=rng.randrange(324))
        out.append((text, issue, submitter, union, day.isoformat()))
    return out


def synthetic_file(n: int, *, distinct: bool = False) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"voice_v2{'d' if distinct else ''}_{n}.csv"  # v2: the generator above (bump when it changes)
    if not path.exists():
        log(f"writing {path.name} …")
        tmp = path.with_name("tmp_" + path.name)
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "text", "issue", "submitter", "union", "submitted_on"])
            for i, row in enumerate(synthetic_rows(n, distinct=distinct), start=1):
                writer.writerow([f"S{i:07d}", *row])
        tmp.rename(path)
    return path


def child(path: Path) -> None:
    """Runs in a fresh process: read the CSV, cluster it, print one JSON line."""
    sys.path.insert(0, str(ROOT))
    from sklearn.metrics import normalized_mutual_info_score

    from gonghui.voice.pipeline import Document, cluster_documents

    read_started = time.perf_counter()
    docs = []
    truth = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for id_, text, issue, submitter, union, day in reader:
            docs.append(
                Document(id=id_, text=text, submitter=submitter, union=union, submitted_on=dt.date.fromisoformat(day))
            )
            truth.append(issue)
    read_seconds = time.perf_counter() - read_started
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()

    def progress(fraction: float, stage: str) -> None:
        if not stages or stages[-1][0] != stage:
            stages.append((stage, time.perf_counter() - started))

    result = cluster_documents(docs, progress=progress)
    seconds = time.perf_counter() - started
    position = {d.id: i for i, d in enumerate(docs)}
    pred = [-1] * len(docs)
    for k, issue in enumerate(result.issues):
        for m in issue.members:
            pred[position[m]] = k
    print(
        json.dumps(
            {
                "seconds": seconds,
                "read_seconds": read_seconds,
                "issues": len(result.issues),
                "noise": len(result.noise),
                "duplicates": len(result.duplicates),
                "nmi": normalized_mutual_info_score(truth, pred),
                "stages": {name: round(at, 1) for name, at in stages},
            }
        ),
        flush=True,
    )


def speed(n: int, *, distinct: bool = False) -> dict[str, Any]:
    path = synthetic_file(n, distinct=distinct)
    log(f"clustering {path.name} in a child process …")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.voice", "--child", str(path)], cwd=ROOT, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"voice child failed on {path.name}")
    got = json.loads(out.decode().strip().splitlines()[-1])
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    target_s = TARGET_SECONDS.get(n)
    target_mb = TARGET_PEAK_MB.get(n)
    ok = (target_s is None or got["seconds"] < target_s) and (target_mb is None or peak_mb < target_mb)
    return {
        "bench": f"voice_speed_{n // 1000}k" + ("_distinct" if distinct else ""),
        "demands": n,
        "seconds": round(got["seconds"], 1),
        "read_csv_seconds": round(got["read_seconds"], 1),
        "peak_rss_mb": round(peak_mb),
        "issues": got["issues"],
        "noise": got["noise"],
        "duplicates": got["duplicates"],
        "synthetic_nmi": round(got["nmi"], 3),
        "stages_started_at_s": got["stages"],
        "target": (f"< {target_s} s" + (f", peak < {target_mb} MB" if target_mb else "")) if target_s else None,
        "ok": ok,
    }


def run(sizes: Sequence[int] = DEFAULT_SIZES, *, with_quality: bool = True, with_speed: bool = True) -> None:
    if with_quality:
        log("voice quality on the labelled set …")
        emit(quality())
    if with_speed:
        for n in sizes:
            emit(speed(n))
        for n in sizes:  # the harder case: most texts distinct (see synthetic_rows)
            emit(speed(n, distinct=True))


def parse_sizes(value: str) -> list[int]:
    return [int(v.replace("_", "")) for v in value.split(",") if v.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES))
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child is not None:
        child(args.child)
        return
    run(args.sizes, with_quality=not args.skip_quality, with_speed=not args.skip_speed)


if __name__ == "__main__":
    main()
