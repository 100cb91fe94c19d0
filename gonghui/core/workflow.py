"""Workflows: a transition table per model, one `run()` that takes a step, `allowed()` for the buttons.

An app declares its table once (states are the model's TextChoices):

    JOIN_FLOW = Workflow(
        name="join_request",
        model=JoinRequest,
        states=RequestState,
        scope=scope_for,                    # accounts.scope.scope_for: core imports no app
        tones={RequestState.PENDING: "warn", RequestState.APPROVED: "ok", ...},
        steps=[
            Step("reject", "驳回", sources={PENDING}, target=REJECTED, action=Action.APPROVE,
                 audit="join_request.reject", comment="required", comment_label="驳回原因"),
            Step("cancel", "撤回", sources={PENDING}, target=CANCELLED, who=lambda req, user: req.user_id == user.pk,
                 audit="join_request.cancel"),
        ],
    )

and a service takes a step inside its own transaction, with its side effects written out after it:

    @transaction.atomic
    def join_request_reject(*, req, note, version, actor):
        return workflow.run(JOIN_FLOW, req, step="reject", actor=actor, version=version, comment=note,
                            values={"decided_by": actor, "decision_note": note})

`run` locks the row (FOR UPDATE of the model's own table: PostgreSQL refuses it across an outer join),
re-checks on the LOCKED row that the actor may take the step at the step's org (forbidden looks like
absent: NotFound), checks the version (a stale form: StaleVersion) and the state (DomainError naming
it), runs the step's guards (e.g. the no-self-approval rule of core.review), writes the new state and
version, one StateChange row and the audit event. Nothing else happens: no signals, no hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import F

from . import audit
from .errors import DomainError, NotFound, StaleVersion

# Tones a state badge can take; each is one CSS class (site.css: .badge-ok, .badge-warn, ...).
TONES = {"ok", "warn", "danger", "info", "plain"}


class ScopeLike(Protocol):
    """What `accounts.scope.Scope` offers: may this user do `action` at `org`?"""

    def allows(self, action: Any, org: Any) -> bool: ...


# A guard looks at the locked object and the actor; it answers a Chinese refusal, or None to let pass.
Guard = Callable[[Any, Any], str | None]


@dataclass(frozen=True)
class Step:
    """One row of a transition table.

    Who may take it: a user holding `action` at the step's org — the object's `org` attribute (a dotted
    path such as "from_org", or a callable of the object), or, with `level`, that org's ancestor of that
    kind (`level="county"`: only who holds the action at the county federation above). A step taken by
    the person the object belongs to (the applicant's own cancel) says so with `who` instead.
    """

    name: str
    label: str
    sources: Set[str]  # stored as a frozenset
    target: str
    audit: str
    action: str | None = None
    org: str | Callable[[Any], Any] = "org"
    level: str | None = None
    who: Callable[[Any, Any], bool] | None = None
    guards: tuple[Guard, ...] = ()
    comment: str = "none"  # "none" | "optional" | "required"
    comment_label: str = "意见"
    comment_field: str = "comment"  # the form / API field the comment comes from (named in the error)
    comment_missing: str = ""  # the refusal when a required comment is missing (default: 请填写…)
    tone: str = "ok"  # the button's look: ok / danger / plain

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in self.sources))
        if (self.action is None) == (self.who is None):
            raise ValueError(f"step {self.name!r}: give exactly one of action= or who=")
        if self.comment not in {"none", "optional", "required"}:
            raise ValueError(f"step {self.name!r}: comment must be none, optional or required")


# model → its workflow, so a template tag can find the badge and buttons of any object.
REGISTRY: dict[type[models.Model], Workflow] = {}


@dataclass
class Workflow:
    name: str
    model: type[models.Model]
    states: type[models.TextChoices]
    steps: Iterable[Step]
    scope: Callable[[Any], ScopeLike]
    tones: Mapping[str, str] = field(default_factory=dict)
    field: str = "state"
    not_found: str = "未找到该记录"
    # The refusal of a step from the wrong state; {state} is the state's label, {step} the step's.
    wrong_state: str = "当前状态为“{state}”，不能{step}"
    versioned: bool = True
    register: bool = True

    def __post_init__(self) -> None:
        self.steps = tuple(self.steps)
        self.by_name: dict[str, Step] = {}
        known = set(self.states.values)
        for step in self.steps:
            if step.name in self.by_name:
                raise ValueError(f"workflow {self.name!r}: step {step.name!r} declared twice")
            unknown = (set(step.sources) | {step.target}) - known
            if unknown:
                raise ValueError(f"workflow {self.name!r}: step {step.name!r} names unknown states {sorted(unknown)}")
            self.by_name[step.name] = step
        bad_tones = {t for t in self.tones.values() if t not in TONES}
        if bad_tones:
            raise ValueError(f"workflow {self.name!r}: unknown tones {sorted(bad_tones)}")
        if self.register:
            REGISTRY[self.model] = self

    def step(self, name: str) -> Step:
        try:
            return self.by_name[name]
        except KeyError:
            raise DomainError("没有这一步办理事项", field="step") from None

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def tone(self, state: str) -> str:
        return self.tones.get(state, "plain")

    def table(self) -> list[tuple[str, list[str], str, str]]:
        """The transition table in words (step, from, to, who), for the ADR and the docs."""
        rows = []
        for s in self.steps:
            who = f"{s.action}@{s.level or (s.org if isinstance(s.org, str) else '…')}" if s.action else "本人"
            rows.append((s.label, [self.state_label(x) for x in sorted(s.sources)], self.state_label(s.target), who))
        return rows


def resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def ancestor_of_kind(org: Any, kind: str) -> Any | None:
    """`org` itself when it is of `kind`, else its nearest ancestor of that kind (None when there is none).

    Works on any tree model with `path` ("/1/7/42/"), `kind` and `depth` (orgs.Org), without importing it."""
    if getattr(org, "kind", None) == kind:
        return org
    ids = [int(p) for p in str(org.path).strip("/").split("/") if p][:-1]
    if not ids:
        return None
    return type(org)._default_manager.filter(pk__in=ids, kind=kind).order_by("-depth").first()


def step_org(step: Step, obj: Any) -> Any | None:
    """The org at which `step` is taken on `obj` (None: no such level above the object)."""
    org = step.org(obj) if callable(step.org) else resolve(obj, step.org)
    if org is None or step.level is None:
        return org
    return ancestor_of_kind(org, step.level)


def may_take(wf: Workflow, step: Step, obj: Any, user: Any) -> bool:
    """May `user` take `step` on `obj` as it stands (state and guards aside)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if step.who is not None:
        return bool(step.who(obj, user))
    org = step_org(step, obj)
    return org is not None and wf.scope(user).allows(step.action, org)


def refusal(step: Step, obj: Any, user: Any) -> str | None:
    for guard in step.guards:
        message = guard(obj, user)
        if message:
            return message
    return None


def allowed(wf: Workflow, obj: Any, user: Any) -> list[Step]:
    """The steps `user` may take on `obj` now: the buttons of a page, the `actions` of an API answer."""
    state = wf.state_of(obj)
    return [s for s in wf.steps if state in s.sources and may_take(wf, s, obj, user) and refusal(s, obj, user) is None]


def allowed_names(wf: Workflow, obj: Any, user: Any) -> list[str]:
    return [s.name for s in allowed(wf, obj, user)]


def lock(model: type[models.Model], pk: Any, *, related: Iterable[str] = (), version: int | None = None) -> Any:
    """The row, locked until the transaction ends (only the model's own table: FOR UPDATE OF self, through
    core.db.lock), with a stale version refused. The piece `run` stands on; services that edit without
    changing state (an org's name, a report's text) use it directly."""
    from .db import lock as lock_row

    source: Any = model._default_manager.select_related(*related) if related else model
    locked = lock_row(source, pk)
    if version is not None and getattr(locked, "version", None) != version:
        raise StaleVersion()
    return locked


def bump_version(obj: models.Model, *fields: str) -> None:
    """Save `fields` of `obj` and add one to its version, then read the stored values back."""
    obj.version = F("version") + 1  # type: ignore[attr-defined]
    obj.save(update_fields=[*fields, "version", *_auto_now_fields(type(obj))])
    obj.refresh_from_db()


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


@transaction.atomic
def run(
    wf: Workflow,
    obj: Any,
    *,
    step: str,
    actor: Any,
    version: int | None,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
    related: Iterable[str] = (),
    audit_after: Mapping[str, Any] | None = None,
    system: bool = False,
) -> Any:
    """Take `step` on `obj`: lock, re-check on the locked row, move, record. Returns the locked object
    with its new state and version; the caller's side effects follow in the same transaction.

    `system=True` is for a step the platform takes itself (a background job carrying an answer down):
    no person's scope to check; `actor` is only who the trail names."""
    s = wf.step(step)
    pk = obj.pk if isinstance(obj, models.Model) else obj
    try:
        locked = lock(wf.model, pk, related=related)
    except NotFound:
        raise NotFound(wf.not_found) from None
    if not system and not may_take(wf, s, locked, actor):
        raise NotFound(wf.not_found)
    if wf.versioned and version is not None and locked.version != version:
        raise StaleVersion()
    current = wf.state_of(locked)
    if current not in s.sources:
        raise DomainError(wf.wrong_state.format(state=wf.state_label(current), step=s.label), field=wf.field)
    message = None if system else refusal(s, locked, actor)
    if message:
        raise DomainError(message, field=wf.field)
    text = str(comment or "").strip()
    if s.comment == "required" and not text:
        raise DomainError(s.comment_missing or f"请填写{s.comment_label}", field=s.comment_field)
    if len(text) > 500:
        raise DomainError(f"{s.comment_label}最多 500 字", field=s.comment_field)
    org = step_org(s, locked) if s.action is not None else None
    setattr(locked, wf.field, s.target)
    names = [wf.field]
    for name, value in (values or {}).items():
        setattr(locked, name, value)
        names.append(name)
    if wf.versioned:
        bump_version(locked, *names)
    else:
        locked.save(update_fields=[*names, *_auto_now_fields(wf.model)])
    org_id = getattr(org, "pk", None) or getattr(locked, "org_id", None)
    record_change(wf, locked, step=s.name, source=current, target=s.target, actor=actor, org_id=org_id, comment=text)
    after: dict[str, Any] = {wf.field: s.target}
    if text:
        after["comment"] = text
    after.update(audit_after or {})
    audit.record(actor=actor, action=s.audit, obj=locked, org_id=org_id, before={wf.field: current}, after=after)
    return locked


def record_change(
    wf: Workflow,
    obj: models.Model,
    *,
    step: str,
    source: str,
    target: str,
    actor: Any,
    org_id: int | None = None,
    comment: str = "",
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from .models import StateChange

    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        workflow=wf.name,
        step=step,
        from_state=source,
        to_state=target,
        actor=actor if getattr(actor, "pk", None) else None,
        org_id_snapshot=org_id,
        comment=comment[:500],
    )


def history(obj: models.Model) -> list[Any]:
    """The object's state changes, oldest first (a selector; for its history panel)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import StateChange

    ct = ContentType.objects.get_for_model(type(obj))
    return list(StateChange.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor"))
