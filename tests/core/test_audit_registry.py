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


def _functions_named(name: str) -> list[tuple[Module, ast.FunctionDef | ast.AsyncFunctionDef]]:
    return [
        (mod, node)
        for mod in MODULES
        for node in ast.walk(mod.tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name
    ]


def _dict_keys(mod: Module, expr: ast.expr | None, depth: int = 0) -> set[str]:
    """The constant keys a before/after value can hold, as far as the code shows them: a dict literal,
    a `|` of such, a variable built from one in the same function (and its `x["key"] = ...`), or a
    helper of ours returning one (`after=_counts(...)`). Snapshots of model fields (audit.snapshot /
    audit.diff) are left out: those keys are fields, named by the model."""
    if expr is None or depth > 3:
        return set()
    if isinstance(expr, ast.Dict):
        return {k.value for k in expr.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return _dict_keys(mod, expr.left, depth) | _dict_keys(mod, expr.right, depth)
    if isinstance(expr, ast.Name):
        func = _enclosing_function(mod, expr)
        keys: set[str] = set()
        for node in ast.walk(func) if func is not None else ():
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id == expr.id:
                        keys |= _dict_keys(mod, node.value, depth + 1)
                    if (
                        isinstance(t, ast.Subscript)
                        and isinstance(t.value, ast.Name)
                        and t.value.id == expr.id
                        and isinstance(t.slice, ast.Constant)
                        and isinstance(t.slice.value, str)
                    ):
                        keys.add(t.slice.value)
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == expr.id:
                keys |= _dict_keys(mod, node.value, depth + 1)
        return keys
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        keys = set()
        for other, func in _functions_named(expr.func.id):
            for node in ast.walk(func):
                if isinstance(node, ast.Return):
                    keys |= _dict_keys(other, node.value, depth + 1)
        return keys
    return set()


def hand_written_value_keys() -> dict[str, str]:
    """key → where a record()/workflow.run() call first writes it in before/after by hand."""
    out: dict[str, str] = {}
    for callee in ("record", "run"):
        for mod, call in CALLS.get(callee, []):
            for kw in call.keywords:
                if kw.arg in ("before", "after", "audit_after"):
                    for key in _dict_keys(mod, kw.value):
                        out.setdefault(key, _where(mod, call))
    return out


def test_the_key_scanner_follows_variables_and_helpers():
    keys = hand_written_value_keys()
    assert "body" in keys  # audit_after={"body": ...} on the 专报 (the page once showed "body")
    assert "decision" in keys  # core.review: after = {...} passed on as audit_after=after
    assert "unions" in keys  # voice imports: after=_counts(...), a helper returning the dict
    assert "workers_notified" in keys  # figures = {...}; audit_after=figures


def test_every_hand_written_value_key_has_a_chinese_label():
    """The keys services put in before/after by hand (`after={"count": ...}`) show in Chinese on the
    audit page. Each needs a label in core/templatetags/gonghui.py whatever the audited model is: being
    a field of *some* model is not enough (the 答复's `body` was written on the 专报, which has none, and
    showed raw). A field of the audited model still shows under the model's own name."""
    from gonghui.core.templatetags.gonghui import (
        _EXTRA_LABELS,
        _FALLBACK_LABELS,
        _HIDDEN_KEYS,
        _NUMBERED_LABELS,
        _field_label,
    )

    cjk = re.compile(r"[\u4e00-\u9fff]")
    named = set(_EXTRA_LABELS) | set(_FALLBACK_LABELS) | set(_HIDDEN_KEYS)
    raw = {key: where for key, where in hand_written_value_keys().items() if key not in named}
    assert not raw, f"give these keys a Chinese label in core/templatetags/gonghui.py _FALLBACK_LABELS: {raw}"
    for table in (_EXTRA_LABELS, _FALLBACK_LABELS, _NUMBERED_LABELS):
        assert all(cjk.search(label) for label in table.values())
    # on an object without such a field the table speaks; the audited model's own name still wins
    assert _field_label("voice.report", "body") == "答复单位"
    assert _field_label("voice.report", "asks_12") == "议题建议（议题 #12）"
    assert _field_label("voice.issue", "label") == "议题"
