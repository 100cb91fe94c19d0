"""`gonghui import-members PATH --org CODE [--dry-run] [--json] [--as MOBILE]`: import a roster file.

Every row or none. Exit status 0 when the file was imported (or would be, with --dry-run), 1 when it
was refused. With --json the only output is one JSON object:
{"accepted": N, "errors": [{"row": R, "column": "…", "message": "…"}]}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.accounts.models import User
from gonghui.core.errors import DomainError
from gonghui.members.imports import ImportResult, RowError, run_import
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "导入会员名册（.xlsx / .xls / .csv）：全部通过才写入，有任何一行出错则一行也不写"
    # The system checks import the whole web layer (URL conf, views, API schemas: ~0.4 s) that a command
    # never uses; they run in `make test`/CI, `manage.py check --deploy` and at every server start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="名册文件路径")
        parser.add_argument("--org", required=True, help="导入到哪个基层工会（组织编码，见 gonghui orgs）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
        parser.add_argument(
            "--as", dest="as_mobile", default="", help="以该手机号账号的身份导入（按其权限范围检查）；默认为系统操作员"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        started = time.perf_counter()
        try:
            result = self._run(options)
        except DomainError as exc:
            result = ImportResult(errors=[RowError(0, "", exc.message)])
        elapsed = time.perf_counter() - started
        if as_json:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            self._report(result, options, elapsed)
        if not result.ok:
            sys.exit(1)

    def _run(self, options: dict[str, Any]) -> ImportResult:
        code = str(options["org"]).strip()
        org = Org.objects.filter(code=code).first()
        if org is None:
            raise DomainError(f"找不到组织编码为“{code[:32]}”的工会（可用 gonghui orgs 查看编码）")
        actor: User | None = None
        if options["as_mobile"]:
            actor = User.objects.filter(mobile=str(options["as_mobile"]).strip(), is_active=True).first()
            if actor is None:
                raise DomainError(f"找不到手机号为“{str(options['as_mobile'])[:20]}”的启用账号")
        path = Path(options["path"])
        if not path.is_file():
            raise DomainError(f"找不到文件“{str(path)[:200]}”，或它不是一个文件")
        return run_import(path=path, org=org, actor=actor, dry_run=options["dry_run"])

    def _report(self, result: ImportResult, options: dict[str, Any], elapsed: float) -> None:
        if result.ok:
            verb = "检查通过，可导入" if options["dry_run"] else "已导入"
            self.stdout.write(f"{verb} {result.accepted} 名会员（用时 {elapsed:.1f} 秒）")
            return
        self.stderr.write(f"未导入：发现 {result.error_count} 处问题，文件中的数据一行也没有写入")
        for e in result.errors:
            where = f"第{e.row}行" if e.row else "文件"
            column = f"【{e.column}】" if e.column else ""
            self.stderr.write(f"  {where}{column}{e.message}")
        if result.errors_omitted:
            self.stderr.write(f"  ……另有 {result.errors_omitted} 处问题未列出")
