from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(mobile=mobile, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in, by mobile number. A worker's account links to their Member."""

    mobile = models.CharField("手机号码", max_length=11, unique=True)
    name = models.CharField("姓名", max_length=50)
    member = models.OneToOneField(
        "members.Member",
        verbose_name="会员档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    is_active = models.BooleanField("启用", default=True)
    is_staff = models.BooleanField("可进入系统后台", default=False)
    must_change_password = models.BooleanField("首次登录须改密码", default=True)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    # The org whose account managers look after this account before it holds a role or a member record
    # (set when a manager creates it); the account's reach is this, its roles' orgs and its member's org.
    managed_at = models.ForeignKey(
        "orgs.Org",
        verbose_name="管理组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return f"{self.name}（{self.mobile[:3]}****{self.mobile[-4:]}）"

    @property
    def display_name(self) -> str:
        return self.name


class Role(models.TextChoices):
    MEMBER = "member", "会员"
    GRASSROOTS_CADRE = "grassroots_cadre", "基层工会干部"
    COUNTY_CADRE = "county_cadre", "县区总工会干部"
    CITY_CADRE = "city_cadre", "市总工会干部"
    LEADER = "leader", "领导"
    SYSADMIN = "sysadmin", "系统管理员"
    ACCOUNT_ADMIN = "account_admin", "账号管理员"


CADRE_ROLES = {Role.GRASSROOTS_CADRE, Role.COUNTY_CADRE, Role.CITY_CADRE}

# Who may grant what (ADR 0007): a manager grants a ranked role at an org only up to the highest ranked
# role they hold at that org or above it; the unranked ones only a system admin at or above that org.
ROLE_RANK: dict[str, int] = {
    Role.MEMBER: 0,
    Role.GRASSROOTS_CADRE: 1,
    Role.COUNTY_CADRE: 2,
    Role.CITY_CADRE: 3,
}
SYSADMIN_ONLY_ROLES = frozenset({Role.LEADER, Role.SYSADMIN, Role.ACCOUNT_ADMIN})
# The kinds of org a cadre role is held at (a county cadre sits at a county federation).
ROLE_ORG_KINDS: dict[str, frozenset[str]] = {
    Role.GRASSROOTS_CADRE: frozenset({"grassroots", "group", "industry"}),
    Role.COUNTY_CADRE: frozenset({"county"}),
    Role.CITY_CADRE: frozenset({"city", "province", "national"}),
}


class RoleAssignment(models.Model):
    """A role held at an org; the scope it grants is that org's subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey("orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="role_unique_per_org")]

    def __str__(self) -> str:
        return f"{self.user.name} · {self.get_role_display()} @ {self.org.name}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Throttle(models.Model):
    """A counter of attempts under one key ("login-ip:…", "activate-mobile:…") in a fixed window.

    Counted in the database, not a per-process cache, so every web worker sees the same count."""

    key = models.CharField(max_length=120, unique=True)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "频率限制"
        verbose_name_plural = "频率限制"

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class OneTimeCode(models.Model):
    """A short code sent to a mobile number (account activation). Only its keyed hash is stored."""

    purpose = models.CharField(max_length=20)
    mobile = models.CharField(max_length=11)
    subject = models.CharField(max_length=64)  # what the code is bound to (the ID number's blind index)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "验证码"
        verbose_name_plural = "验证码"
        indexes = [models.Index(fields=["purpose", "mobile", "created_at"], name="otc_mobile_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.mobile[:3]}****{self.mobile[-4:]}"


class OutboxMessage(models.Model):
    """What the demo's stand-in SMS gateway "sent" (accounts.outbox.OutboxSender): lets the demo be tried
    without a gateway. Only written when an operator names that sender; never in production."""

    mobile = models.CharField(max_length=11)
    title = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "演示短信发件箱"
        verbose_name_plural = "演示短信发件箱"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title
