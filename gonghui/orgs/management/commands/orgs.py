"""`gonghui orgs [--json] [--all]`: the org tree, one org per line (code, name, kind, parent code)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.selectors import org_tree


def tree_order(orgs: list[Org]) -> list[Org]:
    """Depth-first, parents before children, siblings by code (an org whose parent is not listed is a root)."""
    present = {o.pk for o in orgs}
    children: dict[int | None, list[Org]] = {}
    for o in orgs:
        children.setdefault(o.parent_id if o.parent_id in present else None, []).append(o)
    out: list[Org] = []
    stack = sorted(children.get(None, []), key=lambda o: o.code, reverse=True)
    while stack:
        org = stack.pop()
        out.append(org)
        stack.extend(sorted(children.get(org.pk, []), key=lambda o: o.code, reverse=True))
    return out


class Command(BaseCommand):
    help = "列出工会组织树：每行“编码<TAB>名称<TAB>层级类型<TAB>上级编码”；--json 输出 JSON 数组"
    # The system checks import the whole web layer (URL conf, views, API schemas: ~0.4 s) that a command
    # never uses; they run in `make test`/CI, `manage.py check --deploy` and at every server start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", help='输出 JSON 数组 [{"code","name","kind","parent"}]，kind 为类型代码'
        )
        parser.add_argument("--all", action="store_true", help="也列出已合并、已撤销的组织")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = tree_order(list(org_tree(include_closed=options["all"])))
        if options["json"]:
            data = [
                {"code": o.code, "name": o.name, "kind": o.kind, "parent": o.parent.code if o.parent else None}
                for o in orgs
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=None))
            return
        for o in orgs:
            parent = o.parent.code if o.parent else ""
            self.stdout.write(f"{o.code}\t{o.name}\t{OrgKind(o.kind).label}\t{parent}")
