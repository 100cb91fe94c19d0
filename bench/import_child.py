"""One roster import in its own process, so the parent can read this process's peak memory.

Usage: python bench/import_child.py PATH  (DATABASE_URL points at an empty, migrated database).
Prints one JSON object: accepted rows, errors, seconds spent in run_import.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    path = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.base")
    import django

    django.setup()
    from gonghui.members.imports.runner import run_import
    from gonghui.orgs.models import Org
    from gonghui.orgs.services import org_create

    city = Org.objects.filter(code="BENCH-CITY").first() or org_create(
        parent=None, kind="city", name="基准测试市总工会", code="BENCH-CITY", actor=None
    )
    code = f"BENCH-{path.suffix.lstrip('.').upper()}"
    org = Org.objects.filter(code=code).first() or org_create(
        parent=city, kind="grassroots", name=f"基准测试导入工会（{path.suffix}）", code=code, actor=None
    )
    started = time.perf_counter()
    result = run_import(path=path, org=org, actor=None, dry_run=False)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "accepted": result.accepted,
                "errors": len(result.errors),
                "first_errors": [e.to_json() for e in result.errors[:3]],
                "seconds": seconds,
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
