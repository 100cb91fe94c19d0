"""Value lists and workflow tables of the voice loop."""

from django.db import models


class DemandKind(models.TextChoices):
    DEMAND = "demand", "诉求"
    SUGGESTION = "suggestion", "建议"


class DemandCategory(models.TextChoices):
    WAGES = "wages", "工资报酬"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    HOURS = "hours", "工时与休假"
    SAFETY = "safety", "劳动安全卫生"
    CONTRACT = "contract", "劳动合同"
    LIVING = "living", "生产生活条件"
    SKILLS = "skills", "技能与发展"
    CARE = "care", "困难帮扶"
    OTHER = "other", "其他"


class DemandSource(models.TextChoices):
    SELF = "self", "职工自报"
    VISIT = "visit", "走访"
    HOTLINE = "hotline", "热线"
    MEETING = "meeting", "座谈会"
    SURVEY = "survey", "问卷导入"


class DemandStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    CLUSTERED = "clustered", "已归入议题"
    REPORTED = "reported", "已向党政反映"
    ANSWERED = "answered", "已答复"


# A demand only moves forward; a later clustering run never takes a reported demand back to 已归入议题.
DEMAND_STATUS_ORDER = [DemandStatus.RECEIVED, DemandStatus.CLUSTERED, DemandStatus.REPORTED, DemandStatus.ANSWERED]


class IssueStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    MERGED = "merged", "已合并"
    RETIRED = "retired", "已消失"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "分析中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    ANSWERED = "answered", "已答复"
    FED_BACK = "fed_back", "已反馈"


REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.ANSWERED},
    ReportStatus.ANSWERED: {ReportStatus.FED_BACK},
    ReportStatus.FED_BACK: set(),
}


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
