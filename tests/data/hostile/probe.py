"""Read one table through the shared reader in a process of its own and report what it cost.

    python -m tests.data.hostile.probe PATH [ORIGINAL_NAME]

Prints one JSON object: the refusal (message, row, column) or the rows read, the CPU seconds spent
(this process and its children: wall time would measure the other jobs of a shared machine), and the
process's peak memory (VmHWM of its own address space: ru_maxrss carries the spawning test process's
peak across exec) — measured by the tests, whose own process would hide it."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path


def _peak_kb() -> int:
    """This address space's high-water mark; the xls reader's forked child reports its own limit."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.test")
    import django

    django.setup()
    from gonghui.core.tabular.errors import TabularFileError
    from gonghui.core.tabular.headers import HeaderSpec, find_header
    from gonghui.core.tabular.reader import iter_rows, open_table

    path = Path(sys.argv[1])
    name = sys.argv[2] if len(sys.argv) > 2 else path.name
    spec = HeaderSpec(aliases={"name": ("姓名",), "text": ("内容",)}, labels={"name": "姓名"}, required=("name",))
    base = _peak_kb()
    started = _cpu_seconds()
    out: dict[str, object] = {}
    try:
        table = open_table(path, original_name=name)
        rows = iter_rows(table)
        header, problems = find_header(rows, spec)  # type: ignore[arg-type]
        count = 0
        for _number, _cells in rows:
            count += 1
        out = {"rows": count, "header": header.row if header else 0, "problems": [p.message for p in problems]}
    except TabularFileError as exc:
        out = {"error": exc.message, "row": exc.row, "column": exc.column}
    out["seconds"] = round(_cpu_seconds() - started, 3)
    out["maxrss_mb"] = round(_peak_kb() / 1024, 1)
    out["base_mb"] = round(base / 1024, 1)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
