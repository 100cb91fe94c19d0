from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write or one sensitive read. Append-only: on PostgreSQL a trigger refuses UPDATE/DELETE."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=100, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    org_id_snapshot = models.BigIntegerField("所属组织", null=True, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"


class Notification(models.Model):
    """An in-site message to one user (站内消息); outside senders (SMS, WeChat) are optional extras."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return self.title


class StateChange(models.Model):
    """One step of a workflow taken on one object (core.workflow.run writes it): who moved it from which
    state to which, when, with what comment. Read object by object (its history) and never rewritten."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    workflow = models.CharField("流程", max_length=40)
    step = models.CharField("步骤", max_length=40)
    from_state = models.CharField("原状态", max_length=24)
    to_state = models.CharField("新状态", max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_id_snapshot = models.BigIntegerField("办理组织", null=True, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="statechange_object_idx")]

    def __str__(self) -> str:
        return f"{self.workflow}#{self.object_id} {self.from_state} → {self.to_state}"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", "通过"
    RETURN = "return", "退回修改"
    REJECT = "reject", "驳回"


class ReviewStep(models.Model):
    """One reviewer's decision at one level of a review chain (core.review). A request returned for
    correction starts a new round; within a round a level is decided once (the database says so)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField("审核事项", max_length=40)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    level = models.PositiveSmallIntegerField("审核级次")  # 0 = the first level of the chain
    level_name = models.CharField("审核环节", max_length=20)
    org_id_snapshot = models.BigIntegerField("审核组织")
    decision = models.CharField("结论", max_length=8, choices=ReviewDecision.choices)
    comment = models.CharField("意见", max_length=500, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "round"], name="reviewstep_object_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "round", "level"], name="one_decision_per_review_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.level_name} {self.get_decision_display()}"


class FormToken(models.Model):
    """A form that was sent and acted on (`core.form_tokens`): the key is unique, so the same form sent
    twice — browser back and submit again, a double tap, twenty parallel posts — writes once."""

    key = models.CharField("令牌", max_length=40, unique=True)
    purpose = models.CharField("表单", max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    result_id = models.BigIntegerField("写入的记录", null=True, blank=True)
    used_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "已提交的表单"
        verbose_name_plural = "已提交的表单"

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"


# The staged imports' table lives beside its pipeline (core.tabular); imported here so Django finds it.
from .tabular.models import TabularJob, TabularJobState  # noqa: E402, F401
