"""Browser back, then 保存 again: the page is never cached (no-store), so it comes back with a new form
token; the same entry from the same cadre within minutes must still file once (found trying it in
Chromium, issue 7 part 4)."""

from __future__ import annotations

import pytest

from gonghui.core.models import AuditEvent
from gonghui.voice.choices import DemandSource
from gonghui.voice.models import Demand, Issue, Report
from gonghui.voice.services import demand_enter, report_create

pytestmark = pytest.mark.django_db

TEXT = "测试重复提交：同一份表单（第二次）应只算一条。"


def _enter(world, **kw):
    fields = {"actor": world.cadre_a, "org": world.union_a, "text": TEXT, "source": DemandSource.VISIT}
    return demand_enter(**{**fields, **kw})


def test_cadre_entry_sent_again_with_a_fresh_form_files_once(world):
    first = _enter(world, speaker_name="和师傅")
    again = _enter(world, speaker_name="和师傅")  # no token, as a fresh page after back would carry a new one
    assert again.pk == first.pk
    assert Demand.objects.filter(org=world.union_a, text=TEXT).count() == 1
    assert AuditEvent.objects.filter(action="demand.enter", object_id=str(first.pk)).count() == 1


def test_the_same_words_from_another_speaker_or_source_are_their_own_demand(world):
    first = _enter(world, speaker_name="和师傅")
    other_speaker = _enter(world, speaker_name="杨师傅")
    hotline = _enter(world, speaker_name="和师傅", source=DemandSource.HOTLINE)
    assert len({first.pk, other_speaker.pk, hotline.pk}) == 3


def test_report_draft_made_again_from_the_same_issues_gives_the_first(world):
    issue = Issue.objects.create(scope_org=world.union_a, label="食堂议题")
    first = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue])
    again = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue])
    assert again.pk == first.pk and Report.objects.filter(org=world.union_a).count() == 1
    # another title is another report on purpose (two drafts on one issue, for two recipients)
    other = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue], title="给区政府的专报")
    assert other.pk != first.pk
    # once the draft has been edited, choosing the same issues again is a new draft on purpose
    Report.objects.filter(pk=first.pk).update(version=2)
    third = report_create(actor=world.cadre_a, org=world.union_a, issues=[issue])
    assert third.pk != first.pk
