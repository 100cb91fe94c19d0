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


CADRE_ROLES = {Role.GRASSROOTS_CADRE, Role.COUNTY_CADRE, Role.CITY_CADRE}


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
