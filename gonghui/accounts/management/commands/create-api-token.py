"""`gonghui create-api-token --mobile 139… [--name 用途] [--json]`: make a bearer token for the JSON API.

The secret is printed once; only its SHA-256 is stored. Revoke with `gonghui revoke-api-token`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.accounts.models import User
from gonghui.accounts.services import token_create
from gonghui.core.errors import DomainError
from gonghui.core.identity import validate_mobile


class Command(BaseCommand):
    help = "为账号生成 JSON API 令牌（只显示这一次）"
    # The system checks import the whole web layer (URL conf, views, API schemas: ~0.4 s) that a command
    # never uses; they run in `make test`/CI, `manage.py check --deploy` and at every server start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mobile", required=True, help="账号的手机号码")
        parser.add_argument("--name", default="API", help="令牌用途，例如“名册同步”")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mobile = validate_mobile(options["mobile"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            raise CommandError("没有这个手机号码的账号")
        if not user.is_active:
            raise CommandError("该账号已停用")
        token, secret = token_create(user=user, name=options["name"], actor=None)
        if options["json"]:
            self.stdout.write(json.dumps({"token": secret, "prefix": token.prefix, "name": token.name}))
        else:
            self.stdout.write(f"令牌（只显示这一次，请妥善保存）：{secret}")
            self.stdout.write(f"用法：Authorization: Bearer {secret}")
