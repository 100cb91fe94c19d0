from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import Education, EventKind, MemberStatus, PoliticalStatus, Relation, RequestState, Sex


class Member(models.Model):
    """One person, platform-wide: the blind index of the ID number is unique."""

    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("姓名拼音首字母", max_length=50, blank=True)
    id_cipher = models.TextField("身份证号（密文）")
    id_hmac = models.CharField(max_length=64)  # unique: see Meta.constraints
    id_masked = models.CharField("身份证号", max_length=18)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    mobile = models.CharField("手机号码", max_length=11, blank=True)
    ethnicity = models.CharField("民族", max_length=10, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True)
    # No single-column index: member_org_keyset_idx (org, id) serves every lookup by union.
    org = models.ForeignKey(
        "orgs.Org", verbose_name="所在工会", on_delete=models.PROTECT, related_name="members", db_index=False
    )
    employer = models.CharField("工作单位", max_length=120, blank=True)
    joined_on = models.DateField("入会时间", null=True, blank=True)
    status = models.CharField("会籍状态", max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    is_migrant_worker = models.BooleanField("农民工", default=False)
    is_new_employment = models.BooleanField("新就业形态劳动者", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        indexes = [
            models.Index(fields=["org", "id"], name="member_org_keyset_idx"),
            # Name / initials prefixes are searched union by union (gonghui/members/search_sql.py), so
            # these indexes lead with the union; they replace the plain name / initials indexes.
            models.Index(
                fields=["org", "name"], name="member_org_name_idx", opclasses=["int8_ops", "varchar_pattern_ops"]
            ),
            models.Index(
                fields=["org", "name_initials"],
                name="member_org_initials_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["mobile"], name="member_mobile_idx"),
        ]
        constraints = [
            # A constraint rather than unique=True: on PostgreSQL that would add a second, pattern-ops index
            # on the blind index (for LIKE, which nobody runs on it) that every import has to maintain.
            models.UniqueConstraint(fields=["id_hmac"], name="member_id_hmac_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class MembershipEvent(models.Model):
    """Events are only read member by member (history page, API); the other foreign keys carry no index,
    so an import (one event per member) maintains two indexes here, not five."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    from_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reason = models.CharField("原因", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = "会籍变动"
        verbose_name_plural = "会籍变动"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name} {self.get_kind_display()}"


class Household(models.Model):
    """A member's family: a student's aid file sits on the parent's household."""

    head = models.OneToOneField(Member, verbose_name="户主", on_delete=models.PROTECT, related_name="household")
    address = models.CharField("家庭住址", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "家庭"
        verbose_name_plural = "家庭"

    def __str__(self) -> str:
        return f"{self.head.name}家"


class FamilyMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="family")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    id_cipher = models.TextField(blank=True)
    id_hmac = models.CharField(max_length=64, blank=True, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    is_student = models.BooleanField("在校学生", default=False)
    school = models.CharField("学校", max_length=120, blank=True)
    member = models.ForeignKey(
        Member, verbose_name="同为会员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [
            models.UniqueConstraint(
                fields=["household", "id_hmac"], condition=~models.Q(id_hmac=""), name="family_person_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"


class JoinRequest(models.Model):
    """A worker asks a grassroots union to take them in; the union approves or rejects."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="join_requests")
    org = models.ForeignKey("orgs.Org", verbose_name="申请加入的工会", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    id_cipher = models.TextField()
    id_hmac = models.CharField(max_length=64, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18)
    mobile = models.CharField("手机号码", max_length=11)
    ethnicity = models.CharField("民族", max_length=10, blank=True)
    employer = models.CharField("工作单位", max_length=120, blank=True)
    is_migrant_worker = models.BooleanField("农民工", default=False)
    is_new_employment = models.BooleanField("新就业形态劳动者", default=False)
    state = models.CharField("状态", max_length=12, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "入会申请"
        verbose_name_plural = "入会申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hmac"], condition=models.Q(state="pending"), name="one_pending_join_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} 申请加入 {self.org.name}"


class TransferRequest(models.Model):
    """Sending union releases, receiving union accepts; the member moves only at acceptance."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey("orgs.Org", verbose_name="转出工会", on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("orgs.Org", verbose_name="转入工会", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("转会原因", max_length=200, blank=True)
    state = models.CharField("状态", max_length=12, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "转会申请"
        verbose_name_plural = "转会申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state__in=["pending", "released"]),
                name="one_open_transfer_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.from_org.name} → {self.to_org.name}"


class ImportJobState(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    VALIDATING = "validating", "正在检查"
    VALIDATED = "validated", "检查通过，待确认"
    FAILED = "failed", "未通过"
    IMPORTING = "importing", "正在导入"
    DONE = "done", "已导入"


class ImportJob(models.Model):
    """A roster file uploaded from the web: checked, shown, confirmed, imported (as a background job).

    The uploaded file sits under settings.UPLOAD_DIR only while the job needs it; it holds ID numbers in
    clear, so it is deleted as soon as the job is done or has failed."""

    org = models.ForeignKey("orgs.Org", verbose_name="导入到", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField("文件名", max_length=200)
    stored_path = models.CharField(max_length=300, blank=True)  # relative to settings.UPLOAD_DIR
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    state = models.CharField("状态", max_length=12, choices=ImportJobState.choices, default=ImportJobState.UPLOADED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    valid_rows = models.PositiveIntegerField("无问题的行数", default=0)
    accepted = models.PositiveIntegerField("已导入人数", default=0)
    errors = models.JSONField("问题", default=list, blank=True)  # [{"row", "column", "message"}]
    errors_omitted = models.PositiveIntegerField(default=0)
    failure = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="importjob_actor_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.org.name}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        if self.state in (ImportJobState.DONE, ImportJobState.VALIDATED, ImportJobState.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))

    @property
    def running(self) -> bool:
        return self.state in (ImportJobState.UPLOADED, ImportJobState.VALIDATING, ImportJobState.IMPORTING)
