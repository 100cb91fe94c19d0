"""Survey results (问卷、座谈会记录) taken in from a spreadsheet as demands: every row or none.

The survey's kind of the shared tabular import (gonghui.core.tabular): the file is opened by the one
reader (.xlsx/.xls/.csv, encodings, title rows, caps, hostile files refused), the header row found
with this kind's aliases, and every data row checked with the same rules as a demand a cadre types in
(`intake.clean_text`, `core.dates.parse_date`). Every problem is collected with its row number as
Excel shows it and the column's header text. Only a clean file is written: one DemandImport, all its
demands in one bulk insert, one audit event — all in one transaction. Cells are data, never formulas:
`=HYPERLINK(...)` is kept as the text it is. The web page runs it as a staged job (`survey_jobs`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.accounts.scope import Action, scope_for
from gonghui.core import audit
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.tabular.errors import RowError, TabularFileError
from gonghui.core.tabular.headers import Header, HeaderSpec, find_header
from gonghui.core.tabular.limits import Limits
from gonghui.core.tabular.reader import Cell, TabularFile, iter_rows, open_table
from gonghui.core.text import normalize, tidy, tidy_name
from gonghui.members.imports.rows import cell_text, date_value, flag_value
from gonghui.orgs.models import Org, OrgStatus

from ..choices import DemandCategory, DemandKind, DemandSource
from ..models import Demand, DemandImport
from .intake import EARLIEST_DATE, clean_text, new_tracking_no

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# No survey answer is this long: a longer cell is refused as a problem of its row (the reader refuses
# anything over Excel's own limit, 32,767 characters, before this rule sees it).
MAX_CELL_CHARS = 32_000
MAX_SPEAKER_CHARS = 50
ERRORS_LISTED = 200  # problems shown; the rest are counted
_ERRORS_KEPT = 10_000  # problems held in memory while reading a badly broken file
_BULK_BATCH = 1000

# field → header texts people use for it (compared after `header_key`: full-width, spaces, notes such as
# "（必填）" and stars do not matter)
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "text": ("内容", "诉求内容", "意见建议", "反映内容", "问题描述", "意见建议内容", "诉求或建议"),
    "kind": ("类型", "诉求类型"),
    "category": ("分类", "诉求分类", "类别"),
    "source": ("来源", "诉求来源", "收集方式"),
    "org": ("所属工会", "工会", "所属工会编码", "工会编码", "基层工会"),
    "speaker": ("反映人", "反映人姓名", "职工姓名"),
    "anonymous": ("匿名", "是否匿名"),
    "date": ("反映日期", "日期", "反映时间", "填报日期", "收集日期"),
}
FIELD_LABELS: dict[str, str] = {
    "text": "内容",
    "kind": "类型",
    "category": "分类",
    "source": "来源",
    "org": "所属工会",
    "speaker": "反映人",
    "anonymous": "匿名",
    "date": "反映日期",
}
SAMPLE_HEADER = list(FIELD_LABELS.values())
HEADER_SPEC = HeaderSpec(aliases=FIELD_HEADERS, labels=FIELD_LABELS, required=("text",), what="诉求")


def limits() -> Limits:
    """The shared reader's caps for a survey file (read at each import: tests lower the module's caps)."""
    return Limits(max_file_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS + 10_000, max_errors_listed=ERRORS_LISTED)


def _value_map(choices: Any, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Both the Chinese label and the stored code name a value."""
    out: dict[str, str] = {}
    for value, label in choices.choices:
        if value in skip:
            continue
        out[tidy(label)] = value
        out[value] = value
    return out


KIND_VALUES = _value_map(DemandKind)
CATEGORY_VALUES = _value_map(DemandCategory)
SOURCE_VALUES = _value_map(DemandSource, skip=(DemandSource.SELF,)) | {"问卷": DemandSource.SURVEY}
_SELF_WORDS = {tidy(DemandSource.SELF.label), DemandSource.SELF.value}


@dataclass
class ImportOutcome:
    """What an import reports back: how many demands it wrote, or every problem that kept it from writing."""

    created: int = 0
    batch: DemandImport | None = None
    errors: list[RowError] = field(default_factory=list)  # the first ERRORS_LISTED, by row
    errors_omitted: int = 0
    data_rows: int = 0
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict, repr=False)  # header text → position, for sorting
    checked: bool = False  # a check only (nothing written, `created` is what would be)

    @property
    def ok(self) -> bool:
        return self.batch is not None or (self.checked and not self.errors and not self.errors_omitted)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.errors) < _ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))
        else:
            self.errors_omitted += 1

    def _finish(self) -> ImportOutcome:
        order = self.columns
        self.errors.sort(key=lambda e: (e.row, order.get(e.column, 999), e.column, e.message))
        if len(self.errors) > ERRORS_LISTED:
            self.errors_omitted += len(self.errors) - ERRORS_LISTED
            del self.errors[ERRORS_LISTED:]
        return self


class _Row(NamedTuple):
    row: int
    text: str
    kind: str
    category: str
    source: str
    org_key: str  # "" = the union imported into
    speaker: str
    anonymous: bool
    when: dt.date


def check_import_allowed(*, actor: Any, org: Org) -> None:
    if not scope_for(actor).allows(Action.VOICE, org):
        raise NotFound("未找到该工会组织")
    if not org.is_active:
        raise DomainError("该工会已撤销或合并，不能再导入诉求", field="org")


def demand_import(
    *, actor: Any, org: Org, upload_path: Path, original_name: str, dry_run: bool = False
) -> ImportOutcome:
    """Read, check and (only if every row is right, and not a dry run) write a survey file. Permission
    problems raise NotFound / DomainError; everything wrong with the file comes back in the outcome."""
    check_import_allowed(actor=actor, org=org)
    outcome = ImportOutcome(checked=dry_run)
    name = tidy(Path(original_name or upload_path.name).name)[:200] or "问卷"
    try:
        table = open_table(upload_path, original_name=name, limits=limits())
        read = _read(table, outcome)
    except TabularFileError as exc:
        outcome.add(exc.row, exc.column, exc.message)
        return outcome._finish()
    if read is None or outcome.errors or outcome.errors_omitted:
        return outcome._finish()
    header, rows = read
    orgs = _resolve_orgs(rows, org=org, actor=actor, column=header.labels.get("org", "所属工会"), outcome=outcome)
    if outcome.errors or outcome.errors_omitted:
        return outcome._finish()
    if not rows:
        outcome.add(0, "", f"表头（第{outcome.header_row}行）下面没有任何诉求，请填写后再导入")
        return outcome._finish()
    if dry_run:
        outcome.created = len(rows)
        return outcome._finish()
    _write(rows, orgs, actor=actor, org=org, name=name, outcome=outcome)
    return outcome._finish()


# --- reading -----------------------------------------------------------------------------------------


def _cell_size_problem(value: Cell) -> str:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        size = len(value.encode("utf-8", "surrogatepass"))
        shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"
        return f"单元格内容过大（约 {shown}，超过 {MAX_CELL_CHARS} 字），不像是问卷答案，请检查文件"
    return ""


def _read(table: TabularFile, outcome: ImportOutcome) -> tuple[Header, list[_Row]] | None:
    rows: Iterator[tuple[int, list[Cell]]] = iter_rows(table)
    header, problems = find_header(rows, HEADER_SPEC)  # type: ignore[arg-type]
    for p in problems:
        outcome.add(p.row, p.column, p.message)
    if header is None:
        return None
    outcome.header_row = header.row
    outcome.columns = header.column_order()
    columns = list(header.index.items())
    today = timezone.localdate()
    out: list[_Row] = []
    try:
        for number, cells in rows:
            width = len(cells)
            values = {f: (cells[i] if i < width else "") for f, i in columns}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue  # a blank row (or one with only a 序号 filled in)
            outcome.data_rows += 1
            if outcome.data_rows > MAX_ROWS:
                outcome.add(number, "", f"一次最多导入 {MAX_ROWS} 条诉求，请把文件拆分后分批导入")
                return None
            row = _check_row(number, values, header.labels, today, outcome)
            if row is not None:
                out.append(row)
    except TabularFileError as exc:
        error = exc.as_row_error(header.texts)
        outcome.add(error.row, error.column, error.message)
        return None
    return header, out


def _check_row(
    number: int, values: dict[str, Cell], labels: dict[str, str], today: dt.date, outcome: ImportOutcome
) -> _Row | None:
    bad = False

    def problem(f: str, message: str) -> None:
        nonlocal bad
        bad = True
        outcome.add(number, labels.get(f, FIELD_LABELS[f]), message)

    for f, value in values.items():
        too_big = _cell_size_problem(value)
        if too_big:
            problem(f, too_big)
            values[f] = ""
            if f == "text":
                return None

    text = ""
    raw = values.get("text")
    written = cell_text(raw)
    if not written.strip():
        problem("text", "内容为空，请填写职工反映的诉求或建议")
    else:
        try:
            text = clean_text(written)
        except DomainError as exc:
            problem("text", exc.message)

    kind = DemandKind.DEMAND.value
    word = tidy(cell_text(values.get("kind")))
    if word:
        if word in KIND_VALUES:
            kind = KIND_VALUES[word]
        else:
            problem("kind", f"类型只能是“诉求”或“建议”，实际为“{word[:20]}”")

    category = ""
    word = tidy(cell_text(values.get("category")))
    if word:
        if word in CATEGORY_VALUES:
            category = CATEGORY_VALUES[word]
        else:
            allowed = "、".join(DemandCategory.labels)
            problem("category", f"分类“{word[:20]}”不在可选范围内（{allowed}）")

    source = DemandSource.SURVEY.value
    word = tidy(cell_text(values.get("source")))
    if word:
        if word in SOURCE_VALUES:
            source = SOURCE_VALUES[word]
        elif word in _SELF_WORDS:
            problem("source", "导入的诉求不能标为“职工自报”（职工自报请职工本人在手机上提交）")
        else:
            allowed = "、".join(label for value, label in DemandSource.choices if value != DemandSource.SELF)
            problem("source", f"来源“{word[:20]}”不在可选范围内（{allowed}）")

    org_key = tidy(cell_text(values.get("org")))

    speaker = tidy_name(cell_text(values.get("speaker")))
    if len(speaker) > MAX_SPEAKER_CHARS:
        problem("speaker", f"反映人姓名太长（最多 {MAX_SPEAKER_CHARS} 字）")

    anonymous = False
    try:
        anonymous = flag_value(values.get("anonymous"))
    except DomainError as exc:
        problem("anonymous", exc.message)

    when = today
    try:
        parsed = date_value(values.get("date"))
    except (ValueError, DomainError) as exc:
        problem("date", str(exc))
    else:
        if parsed is not None:
            if parsed > today:
                problem("date", f"反映日期 {parsed:%Y-%m-%d} 晚于今天")
            elif parsed < EARLIEST_DATE:
                problem("date", f"反映日期 {parsed:%Y-%m-%d} 太早，请检查")
            else:
                when = parsed

    if bad:
        return None
    return _Row(number, text, kind, category, source, org_key, speaker, anonymous, when)


def _resolve_orgs(rows: list[_Row], *, org: Org, actor: Any, column: str, outcome: ImportOutcome) -> dict[str, Org]:
    """所属工会 by code or full name: an active union inside the imported-into union's subtree (and so in
    the actor's scope). A union outside gets the same answer as one that does not exist."""
    keys = sorted({r.org_key for r in rows if r.org_key})
    if not keys:
        return {}
    scope = scope_for(actor)
    by_code: dict[str, Org] = {}
    by_name: dict[str, list[Org]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found = Org.objects.filter(path__startswith=org.path).filter(Q(code__in=chunk) | Q(name__in=chunk))
        for o in found.only("pk", "code", "name", "path", "status"):
            if not scope.allows(Action.VOICE, o):
                continue
            by_code[o.code] = o
            by_name.setdefault(o.name, []).append(o)
    answers: dict[str, Org | str] = {}
    for key in keys:
        hit: Org | None = by_code.get(key)
        if hit is None:
            named = by_name.get(key, [])
            if len(named) > 1:
                answers[key] = f"有 {len(named)} 个工会都叫“{key[:40]}”，请改填工会编码"
                continue
            hit = named[0] if named else None
        if hit is None:
            answers[key] = f"找不到工会“{key[:40]}”：请填写{org.name}或其下属工会的编码或全称"
        elif hit.status != OrgStatus.ACTIVE:
            answers[key] = f"工会“{hit.name}”已撤销或合并，不能再登记诉求"
        else:
            answers[key] = hit
    for r in rows:
        answer = answers.get(r.org_key) if r.org_key else None
        if isinstance(answer, str):
            outcome.add(r.row, column, answer)
    return {k: v for k, v in answers.items() if isinstance(v, Org)}


# --- writing -----------------------------------------------------------------------------------------


def _tracking_numbers(count: int, today: dt.date) -> list[str]:
    """`count` distinct numbers, none already taken."""
    drawn: set[str] = set()
    while len(drawn) < count:
        need = count - len(drawn)
        fresh = {new_tracking_no(today) for _ in range(need)} - drawn
        for start in range(0, len(fresh), 2000):
            chunk = list(fresh)[start : start + 2000]
            fresh -= set(Demand.objects.filter(tracking_no__in=chunk).values_list("tracking_no", flat=True))
        drawn |= fresh
    return list(drawn)


def _write(rows: list[_Row], orgs: dict[str, Org], *, actor: Any, org: Org, name: str, outcome: ImportOutcome) -> None:
    normalized: dict[str, str] = {}
    for r in rows:
        if r.text not in normalized:
            normalized[r.text] = normalize(r.text)
    today = timezone.localdate()
    for attempt in range(3):
        try:
            with transaction.atomic():
                locked = Org.objects.select_for_update().get(pk=org.pk)
                check_import_allowed(actor=actor, org=locked)
                batch = DemandImport.objects.create(org=locked, file_name=name, rows=len(rows), created_by=actor)
                numbers = _tracking_numbers(len(rows), today)
                demands = [
                    Demand(
                        tracking_no=numbers[n],
                        org=orgs[r.org_key] if r.org_key else locked,
                        kind=r.kind,
                        category=r.category,
                        source=r.source,
                        text=r.text,
                        text_normalized=normalized[r.text],
                        speaker_name="" if r.anonymous else r.speaker,
                        is_anonymous=r.anonymous,
                        entered_by=actor,
                        import_batch=batch,
                        submitted_on=r.when,
                    )
                    for n, r in enumerate(rows)
                ]
                Demand.objects.bulk_create(demands, batch_size=_BULK_BATCH)
                audit.record(
                    actor=actor,
                    action="demand.import",
                    obj=batch,
                    object_label=f"{locked.name}：导入问卷“{name[:80]}”",
                    org_id=locked.pk,
                    after=_counts(demands, name),
                )
        except IntegrityError:  # a tracking number taken meanwhile by another submission: draw again
            if attempt == 2:
                raise
            continue
        outcome.created = len(demands)
        outcome.batch = batch
        return


def _counts(demands: list[Demand], name: str) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    sources: dict[str, int] = {}
    for d in demands:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
        sources[d.source] = sources.get(d.source, 0) + 1
    return {
        "file": name,
        "rows": len(demands),
        "unions": len({d.org_id for d in demands}),
        "anonymous": sum(1 for d in demands if d.is_anonymous),
        "kinds": kinds,
        "sources": sources,
    }


# --- reading back, and the sample file ----------------------------------------------------------------


def get_import_for_user(user: Any, pk: Any) -> DemandImport:
    """An import batch of a union in the user's VOICE scope; anything else is NotFound."""
    try:
        return DemandImport.objects.select_related("org").get(
            pk=int(pk), org__in=Org.objects.filter(scope_for(user).org_q(Action.VOICE))
        )
    except (DemandImport.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该导入记录") from None


def sample_workbook() -> bytes:
    """A blank-to-fill .xlsx: the header row, two example rows, drop-down lists and a sheet of notes."""
    import xlsxwriter

    today = timezone.localdate()
    examples: list[list[object]] = [
        [
            "车间夏天太热，降温设备不够，希望增加风扇和防暑降温用品",
            "诉求",
            DemandCategory.SAFETY.label,
            DemandSource.SURVEY.label,
            "",
            "张丽",
            "否",
            today - dt.timedelta(days=7),
        ],
        [
            "建议食堂晚上延长供餐时间，照顾上夜班的职工",
            "建议",
            DemandCategory.LIVING.label,
            DemandSource.MEETING.label,
            "",
            "",
            "是",
            today - dt.timedelta(days=3),
        ],
    ]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("诉求")
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text = wb.add_format({"text_wrap": True, "valign": "top"})
    date = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    plain = wb.add_format({"valign": "top", "num_format": "@"})
    for c, h in enumerate(SAMPLE_HEADER):
        ws.write_string(0, c, h, head)
    for r, row in enumerate(examples, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date)
            else:
                ws.write_string(r, c, str(value), text if c == 0 else plain)
    ws.set_column(0, 0, 50)
    ws.set_column(1, 3, 14)
    ws.set_column(4, 4, 22, plain)
    ws.set_column(5, 6, 10)
    ws.set_column(7, 7, 13, date)
    ws.freeze_panes(1, 0)
    lists = {
        1: DemandKind.labels,
        2: DemandCategory.labels,
        3: [label for value, label in DemandSource.choices if value != DemandSource.SELF],
        6: ["是", "否"],
    }
    for col, values in lists.items():
        ws.data_validation(1, col, 5000, col, {"validate": "list", "source": list(values), "ignore_blank": True})
    notes = wb.add_worksheet("填写说明")
    lines = [
        "每行一条诉求或建议；只有“内容”必填（5 到 2000 字），其余列可以留空。",
        "类型：诉求 或 建议（空着算诉求）。",
        "分类：" + "、".join(DemandCategory.labels) + "（可空）。",
        "来源：" + "、".join(lists[3]) + "（空着算问卷导入）。",
        "所属工会：工会编码或全称，须是导入到的工会或其下属工会；空着就记在导入到的工会。",
        "反映人：职工姓名，可空；匿名填“是”时不保存姓名。",
        "反映日期：2026-11-03、2026/11/3、2026年11月3日或 Excel 日期；不能晚于今天，空着算今天。",
        "整份文件一行有错就一条也不导入，页面会列出每个问题所在的行和列。",
        "示例两行请删除或改成真实内容后再导入。",
    ]
    notes.set_column(0, 0, 100)
    for r, line in enumerate(lines):
        notes.write_string(r, 0, line)
    wb.close()
    return buffer.getvalue()


# --- the staged job (upload → check → confirm → run) -------------------------------------------------
#
# The web page runs a survey file through the shared staged import (core.tabular.staged) on the shared
# job table (core.TabularJob): the upload waits encrypted, the check runs in the request for a small file
# and in the worker (a child process) otherwise, the cadre sees every problem or confirms, and the file is
# deleted whenever the job ends. This module brings only who may import where and the rules above.


def _job_org(job: Any) -> Org:
    return Org.objects.get(pk=job.org_id)


def _survey_check(job: Any, path: Path, progress: Any) -> Any:
    from gonghui.core.tabular.staged import Outcome

    outcome = demand_import(
        actor=job.actor, org=_job_org(job), upload_path=path, original_name=job.file_name, dry_run=True
    )
    return Outcome(
        ok=outcome.ok,
        count=outcome.created,
        errors=list(outcome.errors),
        errors_omitted=outcome.errors_omitted,
        processed=outcome.data_rows + outcome.header_row,
    )


def _survey_run(job: Any, path: Path, progress: Any) -> Any:
    from gonghui.core.tabular.staged import Outcome

    outcome = demand_import(actor=job.actor, org=_job_org(job), upload_path=path, original_name=job.file_name)
    return Outcome(
        ok=outcome.batch is not None,
        count=outcome.created,
        errors=list(outcome.errors),
        errors_omitted=outcome.errors_omitted,
        processed=outcome.data_rows + outcome.header_row,
        failure="" if outcome.batch is not None else "导入前复查发现问题，未写入任何数据",
        result={"batch": outcome.batch.pk} if outcome.batch is not None else {},
    )


def _survey_kind() -> Any:
    from gonghui.core.models import TabularJob, TabularJobState
    from gonghui.core.tabular import staged

    flow = staged.import_flow(
        name="survey_import",
        model=TabularJob,
        states=TabularJobState,
        scope=scope_for,
        action=Action.VOICE,
        audit_confirm="demand.import_confirm",
        audit_cancel="demand.import_cancel",
        org=_job_org,
        register=False,
    )
    path = "gonghui.voice.services.imports.SURVEY"
    return staged.ImportKind(
        path=path,
        model=TabularJob,
        folder="survey",
        noun="问卷",
        limits=limits,
        flow=flow,
        audit_upload="demand.import_upload",
        audit_expire="demand.import_expire",
        check_allowed=lambda org, actor: check_import_allowed(actor=actor, org=org),
        check=_survey_check,
        run=_survey_run,
        new_job=lambda org: {"org_id": org.pk, "kind": path},
        kind_filter={"kind": path},
    )


SURVEY = _survey_kind()


def survey_jobs_for(user: Any) -> Any:
    """Survey import jobs of the unions in the user's VOICE scope."""
    return SURVEY.jobs().filter(org_id__in=Org.objects.filter(scope_for(user).org_q(Action.VOICE)).values("pk"))


def get_survey_job_for_user(user: Any, pk: Any) -> Any:
    from gonghui.core.tabular import staged

    return staged.get_job(SURVEY, survey_jobs_for(user), pk)


def survey_job_create(*, org: Org, upload: Any, actor: Any) -> Any:
    from gonghui.core.tabular import staged

    return staged.job_create(SURVEY, org=org, upload=upload, actor=actor)


def survey_job_confirm(*, job: Any, version: int, actor: Any) -> Any:
    from gonghui.core.tabular import staged

    return staged.job_confirm(SURVEY, job=job, version=version, actor=actor)


def survey_job_cancel(*, job: Any, version: int, actor: Any) -> Any:
    from gonghui.core.tabular import staged

    return staged.job_cancel(SURVEY, job=job, version=version, actor=actor)
