"""Demands, the issues they form at each level of the tree, reports up and answers back down."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import (
    DemandCategory,
    DemandKind,
    DemandSource,
    DemandStatus,
    IssueStatus,
    Rating,
    ReportStatus,
    RunStatus,
)


class Demand(models.Model):
    """One thing a worker said: a 诉求 or a 建议, kept as written beside its analysed copy."""

    tracking_no = models.CharField("受理编号", max_length=20, unique=True)
    org = models.ForeignKey("orgs.Org", verbose_name="所属工会", on_delete=models.PROTECT, related_name="demands")
    kind = models.CharField("类型", max_length=12, choices=DemandKind.choices, default=DemandKind.DEMAND)
    category = models.CharField("分类", max_length=20, choices=DemandCategory.choices, blank=True)
    source = models.CharField("来源", max_length=12, choices=DemandSource.choices, default=DemandSource.SELF)
    text = models.TextField("内容")
    # normalized (简体, half-width, ID and mobile numbers masked): what the pipeline, lists and reports use
    text_normalized = models.TextField("分析文本")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="反映人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_name = models.CharField("反映人姓名", max_length=50, blank=True)
    is_anonymous = models.BooleanField("匿名", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    import_batch = models.ForeignKey(
        "DemandImport", null=True, blank=True, on_delete=models.PROTECT, related_name="demands"
    )
    submitted_on = models.DateField("反映日期", db_index=True)
    status = models.CharField("状态", max_length=12, choices=DemandStatus.choices, default=DemandStatus.RECEIVED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "职工诉求"
        verbose_name_plural = "职工诉求"
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["org", "submitted_on"], name="demand_org_date_idx")]

    def __str__(self) -> str:
        # no words of the demand: str() becomes the label of audit entries
        return f"诉求 {self.tracking_no}"


class DemandAttachment(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="voice/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField(max_length=60)

    class Meta:
        verbose_name = "诉求附件"
        verbose_name_plural = "诉求附件"

    def __str__(self) -> str:
        return self.name


class DemandImport(models.Model):
    """One survey file taken in whole: its demands point back here."""

    org = models.ForeignKey("orgs.Org", verbose_name="导入单位", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=200)
    rows = models.PositiveIntegerField("条数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "诉求导入"
        verbose_name_plural = "诉求导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ClusterRun(models.Model):
    """One analysis of every demand under an org; the web shows its progress."""

    scope_org = models.ForeignKey("orgs.Org", verbose_name="分析范围", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    stage = models.CharField("阶段", max_length=40, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    since = models.DateField("起始日期", null=True, blank=True)
    demand_count = models.PositiveIntegerField(default=0)
    issue_count = models.PositiveIntegerField(default=0)
    noise = models.JSONField("未归类诉求", default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "议题分析"
        verbose_name_plural = "议题分析"
        ordering = ["-created_at"]
        constraints = [
            # one analysis at a time per org: a double click queues nothing twice
            models.UniqueConstraint(
                fields=["scope_org"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_run_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"议题分析 #{self.pk}"


class Issue(models.Model):
    """A cluster of demands at one level of the tree. Cadre edits are kept across analyses."""

    scope_org = models.ForeignKey("orgs.Org", verbose_name="层级", on_delete=models.PROTECT, related_name="+")
    label = models.CharField("议题", max_length=60)
    label_locked = models.BooleanField("名称由干部确定", default=False)
    keywords = models.JSONField("关键词", default=list)
    representatives = models.JSONField("代表性诉求", default=list)
    status = models.CharField("状态", max_length=10, choices=IssueStatus.choices, default=IssueStatus.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveIntegerField("诉求件数", default=0)
    distinct_submitters = models.PositiveIntegerField("涉及职工", default=0)
    distinct_unions = models.PositiveIntegerField("涉及工会", default=0)
    recent = models.PositiveIntegerField("本期", default=0)
    previous = models.PositiveIntegerField("上期", default=0)
    growth = models.FloatField("环比", null=True, blank=True)
    urgent = models.PositiveIntegerField("紧急件数", default=0)
    urgency_reasons = models.JSONField("紧急原因", default=list)
    score = models.FloatField("强度", default=0)
    demands: models.ManyToManyField[Demand, IssueMembership] = models.ManyToManyField(
        Demand, through="IssueMembership", related_name="issues"
    )
    last_run = models.ForeignKey(ClusterRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["-score", "-size", "id"]
        indexes = [models.Index(fields=["scope_org", "status"], name="issue_scope_status_idx")]

    def __str__(self) -> str:
        return self.label


class IssueMembership(models.Model):
    """A demand belongs to at most one issue per level; `pinned` marks a cadre's decision."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="memberships")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="memberships")
    scope_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    pinned = models.BooleanField("干部指定", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["demand", "scope_org"], name="one_issue_per_demand_per_level")]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.issue_id}"


class Report(models.Model):
    """专报: selected issues packed into one report to party or government, and the answer that came back."""

    org = models.ForeignKey("orgs.Org", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveSmallIntegerField("期号")
    title = models.CharField("标题", max_length=120)
    summary = models.TextField("导语", blank=True)
    asks = models.TextField("意见建议", blank=True)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    issues: models.ManyToManyField[Issue, ReportItem] = models.ManyToManyField(
        Issue, through="ReportItem", related_name="reports"
    )
    submitted_to = models.CharField("报送对象", max_length=120, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    snapshot = models.JSONField("报送时内容", null=True, blank=True)
    fed_back_at = models.DateTimeField("反馈完成时间", null=True, blank=True)
    workers_reached = models.PositiveIntegerField("已通知职工", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "专报"
        verbose_name_plural = "专报"
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "serial"], name="one_serial_per_org_year")]

    def __str__(self) -> str:
        return f"{self.title}（〔{self.year}〕第{self.serial}期）"


class ReportItem(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="items")
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("排序")
    asks = models.TextField("该议题的建议", blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["report", "issue"], name="issue_once_per_report")]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.rank}"


class Answer(models.Model):
    """What the party or government body answered; one per report."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="answer")
    body = models.CharField("答复单位", max_length=120)
    text = models.TextField("答复内容")
    answered_on = models.DateField("答复日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党政答复"
        verbose_name_plural = "党政答复"

    def __str__(self) -> str:
        return f"{self.body} 答复"


class DemandReply(models.Model):
    """The answer as one worker sees it under 我的诉求, and how they rated it."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="replies")
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="replies")
    delivered_at = models.DateTimeField(auto_now_add=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    comment = models.CharField("评价意见", max_length=300, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "答复反馈"
        verbose_name_plural = "答复反馈"
        ordering = ["-delivered_at"]
        constraints = [models.UniqueConstraint(fields=["demand", "answer"], name="one_reply_per_demand_answer")]

    def __str__(self) -> str:
        return f"{self.demand_id} ← {self.answer_id}"
