"""Review chains: a request decided level by level along the org tree, each decision on record.

A kind of request declares its levels (基层 初审 → 县区 复审 → 市总 终审; one level is a chain too):

    JOIN_CHAIN = Chain(
        kind="join",
        label="入会申请",
        levels=(Level("审批"),),                          # at the request's own union
        scope=scope_for,
        subject_member=lambda req: req.member_id,        # whose member record it is about
        submitted_by=lambda req: [req.user_id],          # who asked for it
    )

and its workflow names the chain's steps (advance: a level passes and the next one decides; approve: the
last level passes; return: back to the applicant for correction; reject). `decide()` takes the right step
through core.workflow.run (lock, scope on the locked row, version, state) and writes the ReviewStep.

Rules every chain inherits:
- **No self-approval.** Nobody passes (approves, releases, accepts) a request about their own member
  record, or one they submitted themselves (`Chain.guard`, put on the workflow's passing steps; refusing
  or returning one's own request harms nobody and is left to `Chain.reviewer_guard`).
- Within a round a level is decided once (a unique constraint backs the row lock), and with
  `distinct_reviewers` one person decides at most one level of a round (四眼原则).
- Return for correction **restarts** the chain: the applicant's resubmission opens a new round and the
  first level sees the corrected request again (a level that passed the old text has not seen the new).
- A level whose org does not exist above the request (a union hung directly under the city has no
  county) is skipped.
- The levels of a `configurable` chain may be set per installation:
  `GONGHUI_REVIEW_LEVELS = {"join": [["初审", "grassroots"], ["复审", "county"], ["终审", "city"]]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction

from . import workflow
from .errors import Conflict, DomainError, NotFound
from .models import ReviewDecision, ReviewStep

SELF_REFUSAL = "不能审核本人的申请：请由其他有权限的干部办理"
OWN_RECORD_REFUSAL = "不能审核关于本人会员档案的申请：请由其他有权限的干部办理"
SAME_REVIEWER_REFUSAL = "您已审核过本申请的上一级，这一级请由其他干部审核"


@dataclass(frozen=True)
class Level:
    name: str  # 初审 / 复审 / 终审
    org: str = "org"  # the request's org attribute this level starts from
    kind: str | None = None  # the ancestor (or self) of that kind decides; None: that org itself


@dataclass(frozen=True)
class Position:
    index: int  # in the chain's levels (skipped levels keep their numbers)
    level: Level
    org: Any
    final: bool


@dataclass(frozen=True)
class Chain:
    kind: str
    label: str
    levels: tuple[Level, ...]
    scope: Callable[[Any], workflow.ScopeLike]
    subject_member: Callable[[Any], int | None]
    submitted_by: Callable[[Any], Iterable[int | None]]
    action: str = "approve"
    distinct_reviewers: bool = True
    configurable: bool = False
    # When the object's state already says which level decides (a transfer: pending → the sending union,
    # released → the receiving one), the chain follows the state rather than counting decisions.
    level_of: Callable[[Any], int] | None = None
    advance_step: str = "advance"
    approve_step: str = "approve"
    return_step: str = "return"
    reject_step: str = "reject"

    # ------------------------------------------------------------------ the levels of one request

    def configured_levels(self) -> tuple[Level, ...]:
        if self.configurable:
            override = getattr(settings, "GONGHUI_REVIEW_LEVELS", {}).get(self.kind)
            if override:
                return tuple(Level(name=str(name), kind=str(kind) if kind else None) for name, kind in override)
        return self.levels

    def levels_on(self, obj: Any) -> list[tuple[int, Level, Any]]:
        # asked several times per object (position, guards, buttons): kept on the object while the orgs
        # it starts from stay the same
        levels = self.configured_levels()
        key = (levels, tuple(getattr(workflow.resolve(obj, lv.org), "pk", None) for lv in levels))
        cached = getattr(obj, "_review_levels", None)
        if cached is not None and cached[0] == key:
            return list(cached[1])
        out = self._levels_on(obj, levels)
        obj._review_levels = (key, out)
        return list(out)

    def _levels_on(self, obj: Any, levels: tuple[Level, ...]) -> list[tuple[int, Level, Any]]:
        out = []
        for index, level in enumerate(levels):
            org = workflow.resolve(obj, level.org)
            if level.kind is not None:
                org = workflow.ancestor_of_kind(org, level.kind)
            if org is not None:
                out.append((index, level, org))
        return out

    def decisions(self, obj: Any) -> list[ReviewStep]:
        """The decisions on `obj`, oldest first; kept on the object for its current version (every
        decision bumps the version, so a refreshed or re-locked object reads them again)."""
        key = (obj.pk, getattr(obj, "version", None))
        cached = getattr(obj, "_review_decisions", None)
        if cached is not None and cached[0] == key:
            return list(cached[1])
        rows = list(
            ReviewStep.objects.filter(content_type=_ct(obj), object_id=obj.pk, kind=self.kind).order_by("at", "id")
        )
        obj._review_decisions = (key, rows)
        return list(rows)

    def current_round(self, obj: Any, decided: list[ReviewStep] | None = None) -> int:
        decided = self.decisions(obj) if decided is None else decided
        return 1 + sum(1 for d in decided if d.decision == ReviewDecision.RETURN)

    def position(self, obj: Any, decided: list[ReviewStep] | None = None) -> Position | None:
        """The level that decides next (None: every level has passed)."""
        decided = self.decisions(obj) if decided is None else decided
        levels = self.levels_on(obj)
        if self.level_of is not None:
            wanted = self.level_of(obj)
            for n, (index, level, org) in enumerate(levels):
                if index == wanted:
                    return Position(index=index, level=level, org=org, final=n == len(levels) - 1)
            return None
        rnd = self.current_round(obj, decided)
        passed = {d.level for d in decided if d.round == rnd and d.decision == ReviewDecision.APPROVE}
        for n, (index, level, org) in enumerate(levels):
            if index not in passed:
                return Position(index=index, level=level, org=org, final=n == len(levels) - 1)
        return None

    def current_org(self, obj: Any) -> Any:
        """The org whose reviewers decide now; once every level has passed, the last level's (so the
        people who could decide hear "already decided", not "not found")."""
        pos = self.position(obj)
        if pos is not None:
            return pos.org
        levels = self.levels_on(obj)
        return levels[-1][2] if levels else None

    # ------------------------------------------------------------------ who may decide

    def own_refusal(self, obj: Any, user: Any) -> str | None:
        """The no-self-approval rule: not on your own member record, not on what you submitted."""
        member_id = getattr(user, "member_id", None)
        if member_id is not None and self.subject_member(obj) == member_id:
            return OWN_RECORD_REFUSAL
        if getattr(user, "pk", None) in set(self.submitted_by(obj)):
            return SELF_REFUSAL
        return None

    def guard(self, obj: Any, user: Any) -> str | None:
        """The guard a step that passes a request carries: no self-approval, one level per person and
        round. (Refusing or returning one's own request harms nobody; those steps carry `reviewer_guard`.)"""
        return self.own_refusal(obj, user) or self.reviewer_guard(obj, user)

    def reviewer_guard(self, obj: Any, user: Any) -> str | None:
        """With distinct_reviewers, who decided a level of this round decides no other level of it."""
        if not self.distinct_reviewers:
            return None
        decided = self.decisions(obj)
        rnd = self.current_round(obj, decided)
        if any(d.round == rnd and d.reviewer_id == user.pk for d in decided):
            return SAME_REVIEWER_REFUSAL
        return None

    def final_guard(self, obj: Any, user: Any) -> str | None:
        """On the step that closes the chain: refused while a level is still to come."""
        pos = self.position(obj)
        if pos is not None and not pos.final:
            return f"还需{pos.level.name}，请点“通过”报下一级"
        return self.guard(obj, user)

    def advance_guard(self, obj: Any, user: Any) -> str | None:
        """On the step that passes a level on: refused at the last level."""
        pos = self.position(obj)
        if pos is None or pos.final:
            return "这是最后一级审核"
        return self.guard(obj, user)

    def may_decide(self, obj: Any, user: Any) -> bool:
        pos = self.position(obj)
        if pos is None or not self.scope(user).allows(self.action, pos.org):
            return False
        return self.guard(obj, user) is None


def _ct(obj: Any) -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(obj))


@transaction.atomic
def decide(
    chain: Chain,
    wf: workflow.Workflow,
    obj: Any,
    *,
    decision: str,
    actor: Any,
    version: int | None,
    comment: str = "",
    values: dict[str, Any] | None = None,
    related: Iterable[str] = (),
) -> tuple[Any, ReviewStep]:
    """One reviewer's decision at the level that decides now: the workflow step (lock, scope, guards,
    version, state, StateChange, audit) and the ReviewStep, in one transaction. Returns the locked
    object as it now stands and the decision written; the caller's side effects follow."""
    if decision not in ReviewDecision.values:
        raise DomainError("审核结论应为通过、退回修改或驳回", field="decision")
    # Which step: known only on the locked row, so lock first (run locks again: same transaction).
    try:
        current = workflow.lock(wf.model, obj.pk)
    except NotFound:
        raise NotFound(wf.not_found) from None
    pos = chain.position(current)
    if decision == ReviewDecision.APPROVE:
        step = chain.approve_step if (pos is None or pos.final) else chain.advance_step
    elif decision == ReviewDecision.RETURN:
        step = chain.return_step
    else:
        step = chain.reject_step
    after = {"level": pos.level.name if pos else "", "decision": decision}
    locked = workflow.run(
        wf,
        current,
        step=step,
        actor=actor,
        version=version,
        comment=comment,
        values=values,
        related=related,
        audit_after=after,
    )
    if pos is None:  # the step passed though no level waits: a table that forgot the chain's guards
        raise DomainError("该申请没有待审核的环节", field="state")
    decided = chain.decisions(locked)
    try:
        with transaction.atomic():
            step_row = ReviewStep.objects.create(
                content_type=_ct(locked),
                object_id=locked.pk,
                kind=chain.kind,
                round=chain.current_round(locked, decided),
                level=pos.index,
                level_name=pos.level.name,
                org_id_snapshot=pos.org.pk,
                decision=decision,
                comment=str(comment or "").strip()[:500],
                reviewer=actor,
            )
    except IntegrityError:
        raise Conflict("这一级已有审核结论，请刷新页面查看", field="state") from None
    return locked, step_row


def trail(chain: Chain, obj: Any) -> list[ReviewStep]:
    """Every decision on `obj`, oldest first, with its reviewer (a selector, for the request's page)."""
    return list(
        ReviewStep.objects.filter(content_type=_ct(obj), object_id=obj.pk, kind=chain.kind)
        .select_related("reviewer")
        .order_by("at", "id")
    )


def waiting_for(chain: Chain, user: Any, candidates: models.QuerySet[Any], *, limit: int = 500) -> list[Any]:
    """The to-do source: open requests (`candidates`, already narrowed by the app to the open state and
    the user's scope) whose next level this user may decide now. Bounded by `limit`; a to-do page shows
    "500+" past it."""
    rows = list(candidates[: limit * 2])
    if not rows:
        return []
    by_obj: dict[int, list[ReviewStep]] = {}
    for step_row in ReviewStep.objects.filter(
        content_type=_ct(rows[0]), object_id__in=[r.pk for r in rows], kind=chain.kind
    ).order_by("at", "id"):
        by_obj.setdefault(step_row.object_id, []).append(step_row)
    scope = chain.scope(user)
    out = []
    for obj in rows:
        decided = by_obj.get(obj.pk, [])
        pos = chain.position(obj, decided)
        if pos is None or not scope.allows(chain.action, pos.org) or chain.own_refusal(obj, user):
            continue
        rnd = chain.current_round(obj, decided)
        if chain.distinct_reviewers and any(d.round == rnd and d.reviewer_id == user.pk for d in decided):
            continue
        out.append(obj)
        if len(out) >= limit:
            break
    return out
