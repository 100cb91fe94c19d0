"""Start-up figures (issue 7, parts 5 and 8): how long a `gonghui` command takes to start and how much
memory it holds, and what a web process holds after its first page.

  python -m bench.startup [--runs 5]
  python -m bench.run --only startup

Each figure runs in fresh child processes. A probe stands in for the `gonghui` console script (it calls
the same `gonghui.__main__.main`) and reports the child's own peak memory from /proc/self/status
(VmHWM): `ru_maxrss` through wait4 would carry the memory of the process that spawned it, since Linux
keeps the old peak across exec. Wall time is measured around the child, interpreter start included;
each figure is the median of `--runs` runs after one warm-up run (which writes the bytecode caches).
`cpu_s` is the child's user + system time: on a machine shared with other work it is the steadier
figure, wall time the one a person waits for (compare `load_avg_1m`).

- `startup_orgs_json`: `gonghui orgs --json` (Django set-up, the org tree query, JSON out).
- `startup_help`: `gonghui help` (Django set-up and the command list).
- `web_first_request`: the WSGI application, its URL conf (every view module and the API) and one
  `GET /accounts/login/` through Django's test client — the memory a web worker holds before any
  report, clustering or import has run in it.

Also listed per figure: which heavy libraries (scikit-learn, SciPy, NumPy, matplotlib, WeasyPrint,
python-docx, rjieba, pypinyin, openpyxl, pypdf) were loaded; the targets want none of them.

The database is $DATABASE_URL when set (`make bench`: the 1M-member database); otherwise a throw-away
SQLite file, migrated once before the timed runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MACHINE = f"{os.cpu_count()} cores"
TARGET_S = 1.0
TARGET_MB = 150
HEAVY = ("sklearn", "scipy", "numpy", "matplotlib", "weasyprint", "docx", "rjieba", "pypinyin", "openpyxl", "pypdf")

_REPORT = f"""
import json, os, sys
def _report(**extra):
    peak = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0].split()[1]
    loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
    with open(os.environ["GONGHUI_STARTUP_REPORT"], "w") as fh:
        json.dump({{"loaded": loaded, "peak_rss_mb": int(peak) / 1024, **extra}}, fh)
"""

COMMAND = (
    _REPORT
    + """
from gonghui.__main__ import main
sys.argv = ["gonghui", *sys.argv[1:]]
try:
    main()
finally:
    _report()
"""
)

WEB = (
    _REPORT
    + """
from gonghui.wsgi import application
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns
_report(status=Client().get("/accounts/login/").status_code)
"""
)


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps({**figure, "machine": MACHINE}, ensure_ascii=False), flush=True)


def _once(code: str, args: list[str], env: dict[str, str], report: Path) -> tuple[float, float, dict[str, Any]]:
    """One run: wall time, CPU time (user + system, from wait4: unlike wall time it hardly moves when
    other work shares the cores) and the probe's report."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"start-up probe {args or 'web'} failed:\n{err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, json.loads(report.read_text())


def figure(name: str, code: str, args: list[str], env: dict[str, str], runs: int, report: Path) -> None:
    _once(code, args, env, report)  # warm-up: bytecode caches, page cache
    walls, cpus, peaks, loaded = [], [], [], set()
    for _ in range(runs):
        wall, cpu, result = _once(code, args, env, report)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(result["peak_rss_mb"])
        loaded |= set(result["loaded"])
        if result.get("status", 200) != 200:
            raise SystemExit(f"{name}: the page answered {result['status']}")
    wall_s = statistics.median(walls)
    peak_mb = max(peaks)
    timed = name != "web_first_request"  # the web figure is about memory; its time is set-up only
    emit(
        {
            "name": name,
            "command": "gonghui " + " ".join(args) if args else "WSGI app + URL conf + GET /accounts/login/",
            "runs": runs,
            "wall_s": round(wall_s, 3),
            "wall_s_max": round(max(walls), 3),
            "cpu_s": round(statistics.median(cpus), 3),
            "peak_rss_mb": round(peak_mb, 1),
            "heavy_loaded": sorted(loaded),
            "target_s": TARGET_S if timed else None,
            "target_peak_rss_mb": TARGET_MB,
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "ok": peak_mb < TARGET_MB and not loaded and (not timed or wall_s < TARGET_S),
        }
    )


def run(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="gonghui-startup-") as tmp:
        report = Path(tmp) / "report.json"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "gonghui.settings.base"),
            "DEBUG": "false",
            "GONGHUI_STARTUP_REPORT": str(report),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure as installed, with bytecode caches
        if not env.get("DATABASE_URL"):
            env["GONGHUI_VAR_DIR"] = tmp
            log("start-up: migrating a throw-away SQLite database …")
            subprocess.run(
                [sys.executable, "-m", "gonghui", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
        log("start-up: gonghui orgs --json, gonghui help, a web process's first page …")
        figure("startup_orgs_json", COMMAND, ["orgs", "--json"], env, runs, report)
        figure("startup_help", COMMAND, ["help"], env, runs, report)
        figure("web_first_request", WEB, [], env, runs, report)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    run(parser.parse_args().runs)


if __name__ == "__main__":
    main()
