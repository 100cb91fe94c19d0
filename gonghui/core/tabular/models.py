"""The one table of staged imports (upload → check → confirm → run) for every kind that has no job
table of its own: the survey import now; hardship files, application lists and sign-up lists next.

core imports no app, so the union is kept by id (`org_id`); each kind scopes its jobs by it. The roster
keeps its older `members.ImportJob` of the same shape, on the same pipeline (`staged`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TabularJobState(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    VALIDATING = "validating", "正在检查"
    VALIDATED = "validated", "检查通过，待确认"
    FAILED = "failed", "未通过"
    IMPORTING = "importing", "正在导入"
    DONE = "done", "已导入"


class TabularJob(models.Model):
    kind = models.CharField("导入种类", max_length=120)  # dotted path of the kind (see staged.ImportKind)
    org_id = models.BigIntegerField("导入到")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField("文件名", max_length=200)
    stored_path = models.CharField(max_length=300, blank=True)  # under settings.UPLOAD_DIR/<kind folder>, encrypted
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    state = models.CharField("状态", max_length=12, choices=TabularJobState.choices, default=TabularJobState.UPLOADED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    valid_rows = models.PositiveIntegerField("无问题的行数", default=0)
    accepted = models.PositiveIntegerField("已导入条数", default=0)
    errors = models.JSONField("问题", default=list, blank=True)  # [{"row", "column", "message"}]
    errors_omitted = models.PositiveIntegerField(default=0)
    failure = models.CharField("失败原因", max_length=300, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)  # what the kind wrote (e.g. the batch id)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        app_label = "core"
        verbose_name = "表格导入"
        verbose_name_plural = "表格导入"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "org_id", "state"], name="tabularjob_kind_org_idx"),
            models.Index(fields=["actor", "-created_at"], name="tabularjob_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        if self.state in (TabularJobState.DONE, TabularJobState.VALIDATED, TabularJobState.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))

    @property
    def running(self) -> bool:
        return self.state in (TabularJobState.UPLOADED, TabularJobState.VALIDATING, TabularJobState.IMPORTING)
