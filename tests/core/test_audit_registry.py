"""Every action the code writes to the audit trail is declared with a Chinese label; undeclared ones
are refused at the write.

The code is read, not run: every `record(..., action=...)` call under gonghui/ is found with `ast`,
and its action resolved to the strings it can take — a literal, either branch of `a if c else b`, a
variable traced back to its assignments or to the function parameter it came in through (default
and every `name=` passed at a call site of that function, as `audit_action=` in members/services/bulk.py),
and an f-string through EXPANSIONS below. Anything the resolver cannot follow fails the test, so a new
way of passing an action has to be made visible here rather than slip past.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gonghui.core import audit

ROOT = Path(__file__).resolve().parents[2] / "gonghui"


def _report_formats() -> Iterable[str]:
    from gonghui.voice.views.reports import DOWNLOADS

    return DOWNLOADS


# f-string actions → where the values of its one placeholder come from.
EXPANSIONS: dict[str, Callable[[], Iterable[str]]] = {
    "report.download_{fmt}": _report_formats,
}


def _fields_of(module: str, cls: str) -> Callable[[], list[str]]:
    def fields() -> list[str]:
        import dataclasses
        import importlib

        return [f.name for f in dataclasses.fields(getattr(importlib.import_module(module), cls))]

    return fields


# Actions carried by an object and written by shared code (`audit.record(action=s.audit)` in
# core/workflow.py, `action=kind.audit_expire` in core/tabular/staged.py): attribute name → (the class
# whose calls declare it, its field order for positional arguments).
CARRIERS: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "audit": ("Step", _fields_of("gonghui.core.workflow", "Step")),
    "audit_upload": ("ImportKind", _fields_of("gonghui.core.tabular.staged", "ImportKind")),
    "audit_expire": ("ImportKind", _fields_of("gonghui.core.tabular.staged", "ImportKind")),
}

# The eight actions the audit page showed as raw codes before the registry (issue 7, part 6b).
ONCE_RAW = {
    "household.bulk_create",
    "member.bulk_create",
    "member.import",
    "member.import_batch",
    "member.import_cancel",
    "member.import_confirm",
    "member.import_upload",
    "member.transfer_out",
}


@dataclass
class Module:
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]


def _modules() -> list[Module]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        out.append(Module(path, tree, parents))
    return out


MODULES = _modules()


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _calls() -> dict[str, list[tuple[Module, ast.Call]]]:
    out: dict[str, list[tuple[Module, ast.Call]]] = {}
    for mod in MODULES:
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Call):
                out.setdefault(_callee(node), []).append((mod, node))
    return out


CALLS = _calls()  # callee name → every call of it


def _enclosing_function(mod: Module, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    while node in mod.parents:
        node = mod.parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
    return None


def _where(mod: Module, node: ast.AST) -> str:
    return f"{mod.path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"


class Unresolved(Exception):
    pass


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr | None]:
    a = func.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = {arg.arg: d for arg, d in zip(positional, defaults, strict=True)}
    out.update({arg.arg: d for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)})
    return out


def resolve(mod: Module, expr: ast.expr, seen: frozenset[tuple[str, int, str]] = frozenset()) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return resolve(mod, expr.body, seen) | resolve(mod, expr.orelse, seen)
    if isinstance(expr, ast.JoinedStr):
        template = "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in expr.values
            if isinstance(part, (ast.Constant, ast.FormattedValue))
        )
        if template not in EXPANSIONS:
            raise Unresolved(f"{_where(mod, expr)}: f-string action {template!r} — add it to EXPANSIONS")
        head, _, rest = template.partition("{")
        tail = rest.partition("}")[2]
        return {f"{head}{value}{tail}" for value in EXPANSIONS[template]()}
    if isinstance(expr, ast.Name):
        found: set[str] = set()
        func = _enclosing_function(mod, expr)
        while func is not None and not found:  # the function, then the ones it is nested in (closures)
            key = (str(mod.path), func.lineno, expr.id)
            if key in seen:
                break
            seen = seen | {key}
            for node in ast.walk(func):  # assignments inside the function
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
                ):
                    found |= resolve(mod, node.value, seen)
            params = _params(func)
            if expr.id in params:
                default = params[expr.id]
                if default is not None:
                    found |= resolve(mod, default, seen)
                for other, call in CALLS.get(func.name, []):  # every call passing the parameter by name
                    for kw in call.keywords:
                        if kw.arg == expr.id:
                            found |= resolve(other, kw.value, seen)
            func = _enclosing_function(mod, func)
        if not found:
            raise Unresolved(f"{_where(mod, expr)}: cannot tell which action {expr.id!r} holds")
        return found
    if isinstance(expr, ast.Attribute) and expr.attr in CARRIERS:
        cls, order = CARRIERS[expr.attr]
        index = order().index(expr.attr)
        found = set()
        for other, call in CALLS.get(cls, []):  # every Step(..., audit=...) (or the same by position)
            values = [kw.value for kw in call.keywords if kw.arg == expr.attr]
            if len(call.args) > index:
                values.append(call.args[index])
            if not values:
                raise Unresolved(f"{_where(other, call)}: {cls} without {expr.attr}")
            for value in values:
                found |= resolve(other, value, seen)
        return found
    raise Unresolved(f"{_where(mod, expr)}: action given as {ast.unparse(expr)!r}; use a literal")


def written_actions() -> dict[str, str]:
    """action → where it is written (the first place found)."""
    out: dict[str, str] = {}
    for mod, node in CALLS.get("record", []):
        if mod.path.name == "audit.py" and mod.path.parent.name == "core":
            continue
        for kw in node.keywords:
            if kw.arg == "action":
                for action in resolve(mod, kw.value):
                    out.setdefault(action, _where(mod, node))
    return out


def test_the_scanner_finds_the_actions_we_know_about():
    found = written_actions()
    # a literal, a conditional, a parameter passed by name at call sites, an f-string:
    for action in (
        "member.create",
        "member.leave",
        "member.transfer_out",
        "member.import_batch",
        "report.download_pdf",
    ):
        assert action in found, action
    assert "member.bulk_create" in found  # the parameter's default in members/services/bulk.py
    assert "transfer.release" in found  # declared on a workflow Step, written by core.workflow.run
    assert len(found) >= 50


def test_every_written_action_is_declared_with_a_label():
    missing = {a: where for a, where in written_actions().items() if a not in audit.ACTION_LABELS}
    assert not missing, f"declare these in the app's audit_actions.py: {missing}"


def test_the_eight_once_raw_actions_have_labels():
    for action in ONCE_RAW:
        assert audit.action_label(action) != action


def test_every_label_is_chinese():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    bad = {code: label for code, label in audit.ACTION_LABELS.items() if not cjk.search(label or "")}
    assert not bad


def test_the_resolver_refuses_what_it_cannot_follow():
    tree = ast.parse("def f(x):\n    record(actor=None, action=x.code)\n    record(actor=None, action=f'a.{y}')\n")
    mod = Module(ROOT / "probe.py", tree, {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)})
    assert resolve(mod, ast.parse("'a.b' if c else 'a.c'", mode="eval").body) == {"a.b", "a.c"}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n) == "record"]
    for call in calls:
        with pytest.raises(Unresolved):
            resolve(mod, call.keywords[1].value)


@pytest.mark.django_db
def test_record_refuses_an_undeclared_action_and_writes_nothing():
    from gonghui.core.models import AuditEvent

    with pytest.raises(audit.UnregisteredAuditAction):
        audit.record(actor=None, action="member.teleport", object_type="members.member", object_id=1)
    assert not AuditEvent.objects.exists()


def test_declaring_one_code_twice_with_different_labels_is_refused():
    audit.register_actions({"member.create": audit.ACTION_LABELS["member.create"]})  # the same label is fine
    with pytest.raises(ValueError):
        audit.register_actions({"member.create": "另一个说法"})


def test_every_hand_written_value_key_has_a_chinese_label():
    """The keys services put in before/after by hand (`after={"count": ...}`) show in Chinese on the
    audit page: a label in the values table, or a field of some model with a Chinese name."""
    from django.apps import apps

    from gonghui.core.templatetags.gonghui import _EXTRA_LABELS, _HIDDEN_KEYS

    cjk = re.compile(r"[\u4e00-\u9fff]")
    named = set(_EXTRA_LABELS) | set(_HIDDEN_KEYS)
    for model in apps.get_models():
        if model.__module__.startswith("gonghui."):
            for f in model._meta.concrete_fields:
                if cjk.search(str(f.verbose_name)):
                    named |= {f.name, f.attname}
    raw: dict[str, str] = {}
    for callee in ("record", "run"):
        for mod, call in CALLS.get(callee, []):
            for kw in call.keywords:
                if kw.arg in ("before", "after", "audit_after") and isinstance(kw.value, ast.Dict):
                    for key in kw.value.keys:
                        if isinstance(key, ast.Constant) and key.value not in named:
                            raw.setdefault(key.value, _where(mod, call))
    assert not raw, f"give these keys a Chinese label in core/templatetags/gonghui.py _EXTRA_LABELS: {raw}"
