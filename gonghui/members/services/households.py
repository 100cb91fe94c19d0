"""Households: the head member and the family around them."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.db import model_update
from gonghui.core.errors import Conflict, DomainError, NotFound
from gonghui.core.text import name_problem, tidy, tidy_name, tidy_text

from ..choices import Relation
from ..models import FamilyMember, Household, Member
from .identity import seal_id_number


def _check(member: Member, actor: Any) -> None:
    own = getattr(actor, "member_id", None) == member.pk
    if not own and not scope_for(actor).allows(Action.EDIT, member.org):
        raise NotFound("未找到该会员")


@transaction.atomic
def household_ensure(*, head: Member, actor: Any, address: str | None = None) -> Household:
    _check(head, actor)
    household, created = Household.objects.select_for_update().get_or_create(head=head)
    changed = False
    if address is not None:
        result = model_update(
            instance=household, fields=["address"], data={"address": tidy_text(address)[:200]}, bump="version"
        )
        changed = result.changed
        if changed:  # only a write that happened is audited
            audit.record(
                actor=actor,
                action="household.update",
                obj=household,
                org_id=head.org_id,
                before=result.before,
                after=result.after,
            )
    if created and not changed:
        audit.record(actor=actor, action="household.create", obj=household, org_id=head.org_id)
    return household


@transaction.atomic
def family_member_add(
    *,
    household: Household,
    name: str,
    relation: str,
    actor: Any,
    id_number: str = "",
    is_student: bool = False,
    school: str = "",
) -> FamilyMember:
    head = household.head
    _check(head, actor)
    name = tidy_name(name)
    if not name:
        raise DomainError("请填写家庭成员姓名", field="name")
    problem = name_problem(name, label="家庭成员姓名")
    if problem:
        raise DomainError(problem, field="name")
    if relation not in Relation.values:
        raise DomainError("与户主关系不在可选范围内", field="relation")
    person = FamilyMember(
        household=household,
        name=name[:50],
        relation=relation,
        is_student=bool(is_student),
        school=tidy_text(school)[:120],
    )
    if tidy(id_number):
        sealed = seal_id_number(id_number)
        if sealed.hmac == head.id_hmac:
            raise DomainError("家庭成员的身份证号不能与户主相同", field="id_number")
        person.id_cipher, person.id_hmac, person.id_masked = sealed.cipher, sealed.hmac, sealed.masked
        person.birth_date, person.sex = sealed.info.birth_date, sealed.info.sex
        person.member = Member.objects.filter(id_hmac=sealed.hmac).first()
    if person.is_student and not person.school:
        raise DomainError("在校学生请填写学校", field="school")
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise Conflict("这位家庭成员已登记在本家庭中", field="id_number") from None
    audit.record(actor=actor, action="family.add", obj=person, org_id=head.org_id, after=audit.snapshot(person))
    return person


@transaction.atomic
def family_member_remove(*, person: FamilyMember, actor: Any) -> None:
    head = person.household.head
    _check(head, actor)
    before = audit.snapshot(person)
    audit.record(actor=actor, action="family.remove", obj=person, org_id=head.org_id, before=before)
    person.delete()
