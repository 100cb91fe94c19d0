"""Benchmarks: one JSON line per figure on stdout (progress and explanations go to stderr).

Run by `make bench` (scripts/bench.sh), which starts PostgreSQL, prepares the databases and exports
DATABASE_URL (the 1M-member database) and IMPORT_DATABASE_URL (an empty database for the imports).

  python -m bench.run [--only import|lookup|voice|startup] [--import-rows N] [--samples N]
                      [--voice-sizes 100000,1000000]

The voice figures (bench/voice.py) need no database: `--only voice` runs them without Django setup.
The start-up figures (bench/startup.py) run in child processes: `--only startup` needs no set-up here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MACHINE = f"{os.cpu_count()} cores"

TARGETS = {
    "import_rows_per_s": 20_000,  # CSV
    "peak_rss_mb": 400,
    "id_lookup_p95_ms": 20,
    "name_search_p95_ms": 100,
    "list_page_p95_ms": 150,
}


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps({**figure, "machine": MACHINE}, ensure_ascii=False), flush=True)


# ------------------------------------------------------------------------------------------- imports


def roster_file(kind: str, rows: int) -> Path:
    """A synthetic roster (title row, header, valid rows) made once and kept in bench/data/."""
    from gonghui.members.imports.sample import write_sample_roster

    DATA.mkdir(exist_ok=True)
    path = DATA / f"roster_{rows}.{kind}"
    if not path.exists():
        log(f"writing {path.name} …")
        tmp = path.with_name("tmp_" + path.name)
        # the .xlsx rows start where the .csv rows end, so both files import into one database
        write_sample_roster(tmp, rows, start=0 if kind == "csv" else rows)
        tmp.rename(path)
    return path


def bench_import(kind: str, rows: int) -> None:
    path = roster_file(kind, rows)
    env = {**os.environ, "DATABASE_URL": os.environ["IMPORT_DATABASE_URL"]}
    log(f"importing {path.name} in a child process …")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "import_child.py"), str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"import child failed ({proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    if result["accepted"] != rows:
        raise SystemExit(f"import of {path.name} refused: {result}")
    peak_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
    rate = rows / result["seconds"]
    figure = {
        "name": f"import_{kind}_{rows // 1000}k",
        "rows": rows,
        "seconds": round(result["seconds"], 2),
        "rows_per_s": round(rate),
        "peak_rss_mb": round(peak_mb, 1),
        "process_wall_s": round(wall, 2),
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "target_rows_per_s": TARGETS["import_rows_per_s"] if kind == "csv" else None,
        "target_peak_rss_mb": TARGETS["peak_rss_mb"],
    }
    ok = peak_mb < TARGETS["peak_rss_mb"] and (kind != "csv" or rate >= TARGETS["import_rows_per_s"])
    emit({**figure, "ok": ok})


def cli_roster_file(kind: str, rows: int) -> tuple[Path, str]:
    """The CSV rosters imported through the command line, each into a union of its own: the varied one
    (bench/varied_roster.py) and a uniform one like `roster_file`'s; their people follow the rows the
    in-process imports above use, so all of them fit one database."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"roster_cli_{kind}_{rows}.csv"
    if not path.exists():
        log(f"writing {path.name} …")
        tmp = path.with_name("tmp_" + path.name)
        if kind == "varied":
            from bench.varied_roster import write_varied_roster

            write_varied_roster(tmp, rows, start=2 * rows)
        else:
            from gonghui.members.imports.sample import write_sample_roster

            write_sample_roster(tmp, rows, start=3 * rows)
        tmp.rename(path)
    return path, f"BENCH-CLI-{kind.upper()}"


def bench_import_cli(kind: str, rows: int) -> None:
    """`gonghui import-members FILE --org CODE` as an operator runs it: the whole process's wall time
    (start-up included) and its peak memory, read from the kernel when it exits."""
    path, code = cli_roster_file(kind, rows)
    env = {**os.environ, "DATABASE_URL": os.environ["IMPORT_DATABASE_URL"]}
    setup = f"import django; django.setup(); import bench.varied_roster as v; v.ensure_bench_org({code!r})"
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    log(f"importing {path.name} through `gonghui import-members` …")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gonghui", "import-members", str(path), "--org", code, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    text = out.decode().strip()
    result = json.loads(text[text.index("{") :]) if "{" in text else {}
    if os.waitstatus_to_exitcode(status) != 0 or result.get("accepted") != rows:
        errors = result.get("errors", [])[:3]
        raise SystemExit(f"command-line import of {path.name} refused ({os.waitstatus_to_exitcode(status)}): {errors}")
    peak_mb = usage.ru_maxrss / 1024
    rate = rows / wall
    figure = {
        "name": f"import_cli_{kind}_csv_{rows // 1000}k",
        "rows": rows,
        "process_wall_s": round(wall, 2),
        "rows_per_s_incl_startup": round(rate),
        "peak_rss_mb": round(peak_mb, 1),
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "target_rows_per_s": TARGETS["import_rows_per_s"],
        "target_peak_rss_mb": TARGETS["peak_rss_mb"],
    }
    emit({**figure, "ok": peak_mb < TARGETS["peak_rss_mb"] and rate >= TARGETS["import_rows_per_s"]})


# ------------------------------------------------------------------------------------------- lookups


def timed(fn: Callable[[Any], object], args: list[Any], warmup: int = 5) -> list[float]:
    for a in args[:warmup]:
        fn(a)
    out = []
    for a in args:
        t = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def latency_figure(name: str, values: list[float], target: float, **extra: object) -> None:
    p95 = pct(values, 95)
    emit(
        {
            "name": name,
            "n": len(values),
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(max(values), 2),
            "target_p95_ms": target,
            **extra,
            "ok": p95 < target,
        }
    )


def bench_lookups(samples: int) -> None:
    from django.db import connection
    from django.test import Client

    from gonghui.accounts.models import Role, User
    from gonghui.core.crypto import decrypt
    from gonghui.members.models import Member
    from gonghui.members.selectors import member_search
    from gonghui.orgs.models import Org

    members = Member.objects.count()
    rng = random.Random(11)
    city_cadre = User.objects.get(mobile="13900000004")
    county_cadre = User.objects.get(mobile="13900000003")
    assert county_cadre.roles.get().role == Role.COUNTY_CADRE
    county = county_cadre.roles.get().org
    max_id = Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
    version = getattr(connection, "pg_version", None)
    db = f"PostgreSQL {version // 10000}.{version % 10000}" if version else connection.vendor
    common = {"members": members, "db": db}

    # Random members, reached by id (fast) to avoid ORDER BY random() over a million rows.
    def sample_members(n: int, qs: Any) -> list[Member]:
        picked: list[Member] = []
        while len(picked) < n:
            ids = [rng.randrange(1, max_id + 1) for _ in range(n)]
            picked += list(qs.filter(pk__in=ids)[: n - len(picked)])
        return picked

    # 1. ID number → member, by the blind index, through the city cadre's scope.
    people = sample_members(samples, Member.objects.only("id", "id_cipher"))
    numbers = [decrypt(m.id_cipher, context=b"id_number") for m in people]

    def by_id(number: str) -> None:
        page = member_search(user=city_cadre, q=number)
        assert len(page.members) == 1, number[:6]

    log("ID-number lookups …")
    latency_figure("id_lookup_1m", timed(by_id, numbers), TARGETS["id_lookup_p95_ms"], **common)

    # 2 and 3 run once per county, as that county's cadre: members are stored union by union, so a
    # county whose members sit at the end of the id range is the hard case for "ORDER BY id LIMIT 50".
    cadres = [(county_cadre, county)] + [
        _bench_cadre(org) for org in Org.objects.filter(kind="county").exclude(pk=county.pk).order_by("code")
    ]
    per_county = max(20, samples // len(cadres))
    name_times: list[float] = []
    first_times: list[float] = []
    keyset_times: list[float] = []
    search_times: list[float] = []
    worst: dict[str, tuple[float, str]] = {}
    for cadre, org in cadres:
        in_county = Member.objects.filter(org__path__startswith=org.path)
        names = [m.name for m in sample_members(per_county, in_county.only("id", "name"))]
        prefixes = [n[: rng.choice((1, 2, 2, 3))] for n in names]

        def by_name(prefix: str, cadre: Any = cadre) -> None:
            page = member_search(user=cadre, q=prefix)
            assert page.members, prefix

        client = Client()
        client.force_login(cadre)

        def page(url: str, client: Client = client) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        log(f"{org.name}: name searches and list pages …")
        county_figures = {
            "name": timed(by_name, prefixes),
            "first": timed(page, ["/members/"] * per_county),
            "keyset": timed(
                page, [f"/members/?after={m.pk}" for m in sample_members(per_county, in_county.only("id"))]
            ),
            "search": timed(page, [f"/members/?q={p}" for p in prefixes]),
        }
        name_times += county_figures["name"]
        first_times += county_figures["first"]
        keyset_times += county_figures["keyset"]
        search_times += county_figures["search"]
        for key, values in county_figures.items():
            p95 = pct(values, 95)
            if key not in worst or p95 > worst[key][0]:
                worst[key] = (p95, org.name)

    def worst_of(key: str) -> dict[str, object]:
        return {"worst_county": worst[key][1], "worst_county_p95_ms": round(worst[key][0], 2)}

    scope = "五个县区总工会干部各自的范围"
    latency_figure(
        "name_search_1m", name_times, TARGETS["name_search_p95_ms"], scope=scope, **worst_of("name"), **common
    )
    latency_figure(
        "list_page_first_1m", first_times, TARGETS["list_page_p95_ms"], scope=scope, **worst_of("first"), **common
    )
    latency_figure(
        "list_page_keyset_1m", keyset_times, TARGETS["list_page_p95_ms"], scope=scope, **worst_of("keyset"), **common
    )
    latency_figure(
        "list_page_name_search_1m",
        search_times,
        TARGETS["list_page_p95_ms"],
        scope=scope,
        **worst_of("search"),
        **common,
    )


def _bench_cadre(county: Any) -> tuple[Any, Any]:
    """A county cadre for the benchmark (the demo has one login per role, at 古城区), made through the
    account services the first time and reused afterwards."""
    from gonghui.accounts.models import Role, User
    from gonghui.accounts.services import role_grant, user_create

    mobile = f"1390009{county.code[-4:]}"
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = user_create(
            mobile=mobile,
            name=f"基准测试{county.name[:2]}",
            password="Bench-only-2026",
            actor=None,
            must_change_password=False,
        )
        role_grant(user=user, org=county, role=Role.COUNTY_CADRE, actor=None)
    return user, county


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["import", "lookup", "voice", "startup"], default=None)
    parser.add_argument("--import-rows", type=int, default=int(os.environ.get("GONGHUI_BENCH_IMPORT_ROWS", 200_000)))
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--voice-sizes", default=os.environ.get("GONGHUI_BENCH_VOICE_SIZES", "100000,1000000"))
    args = parser.parse_args()
    if args.only == "voice":
        run_voice(args.voice_sizes)
        return
    if args.only == "startup":
        run_startup()
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.only in (None, "import"):
        bench_import("csv", args.import_rows)
        bench_import("xlsx", args.import_rows)
        bench_import_cli("uniform", args.import_rows)
        bench_import_cli("varied", args.import_rows)
    if args.only in (None, "lookup"):
        bench_lookups(args.samples)
    if args.only is None:
        run_voice(args.voice_sizes)
        run_startup()


def run_startup() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import startup

    startup.run()


def run_voice(sizes: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench import voice

    voice.run(voice.parse_sizes(sizes))


if __name__ == "__main__":
    main()
