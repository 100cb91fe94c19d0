from __future__ import annotations

from decimal import Decimal

from django.db import models


class OrgKind(models.TextChoices):
    NATIONAL = "national", "全国总工会"
    PROVINCE = "province", "省总工会"
    CITY = "city", "市总工会"
    COUNTY = "county", "县区总工会"
    INDUSTRY = "industry", "产业工会"
    GRASSROOTS = "grassroots", "基层工会"
    GROUP = "group", "工会小组"


# Which kind may sit under which: a grassroots union never holds a county federation.
ALLOWED_CHILD_KINDS: dict[str, set[str]] = {
    OrgKind.NATIONAL: {OrgKind.PROVINCE, OrgKind.INDUSTRY},
    OrgKind.PROVINCE: {OrgKind.CITY, OrgKind.INDUSTRY, OrgKind.GRASSROOTS},
    OrgKind.CITY: {OrgKind.COUNTY, OrgKind.INDUSTRY, OrgKind.GRASSROOTS},
    OrgKind.COUNTY: {OrgKind.INDUSTRY, OrgKind.GRASSROOTS},
    OrgKind.INDUSTRY: {OrgKind.GRASSROOTS, OrgKind.INDUSTRY},
    OrgKind.GRASSROOTS: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}
# Kinds that keep members on their roster.
MEMBER_HOLDING_KINDS = {OrgKind.GRASSROOTS, OrgKind.GROUP}


class Industry(models.TextChoices):
    TOURISM = "tourism", "酒店旅游"
    HYDROPOWER = "hydropower", "水电能源"
    MINING = "mining", "采矿"
    CONSTRUCTION = "construction", "建筑"
    LOGISTICS = "logistics", "物流快递"
    EDUCATION = "education", "教育"
    HEALTH = "health", "医疗卫生"
    MANUFACTURING = "manufacturing", "制造"
    PUBLIC = "public", "机关事业"
    RETAIL = "retail", "商贸服务"
    AGRICULTURE = "agriculture", "农林"
    OTHER = "other", "其他"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    MERGED = "merged", "已合并"
    CLOSED = "closed", "已撤销"


class Org(models.Model):
    """A union in the tree. `path` ("/1/7/42/") makes a subtree one indexed prefix match."""

    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=120)
    kind = models.CharField("层级类型", max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=False)
    depth = models.PositiveSmallIntegerField(default=0)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    industry = models.CharField("行业", max_length=16, choices=Industry.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    status = models.CharField("状态", max_length=8, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    closed_at = models.DateTimeField("撤销/合并时间", null=True, blank=True)
    closed_reason = models.CharField("撤销原因", max_length=200, blank=True)
    # 基层工会建设: 有人、有钱、有地方办事
    fulltime_cadres = models.PositiveIntegerField("专职干部数", default=0)
    parttime_cadres = models.PositiveIntegerField("兼职干部数", default=0)
    funds_year = models.PositiveSmallIntegerField("经费年度", null=True, blank=True)
    funds_received = models.DecimalField("本年经费收入（元）", max_digits=14, decimal_places=2, default=Decimal("0.00"))
    funds_spent = models.DecimalField("本年经费支出（元）", max_digits=14, decimal_places=2, default=Decimal("0.00"))
    has_venue = models.BooleanField("有职工之家", default=False)
    venue_name = models.CharField("职工之家名称", max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "status"], name="org_kind_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(funds_received__gte=0), name="org_funds_received_nonneg"),
            models.CheckConstraint(condition=models.Q(funds_spent__gte=0), name="org_funds_spent_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def holds_members(self) -> bool:
        return self.kind in MEMBER_HOLDING_KINDS

    def is_within(self, other: Org) -> bool:
        """True when self is `other` or one of its descendants."""
        return self.path.startswith(other.path)
