"""`gonghui revoke-api-token --prefix gh_xxxxx`: revoke a token (by the first 8 characters shown at creation)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.accounts.models import ApiToken
from gonghui.accounts.services import token_revoke


class Command(BaseCommand):
    help = "吊销 API 令牌"
    # The system checks import the whole web layer (URL conf, views, API schemas: ~0.4 s) that a command
    # never uses; they run in `make test`/CI, `manage.py check --deploy` and at every server start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="令牌的前8个字符")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = list(ApiToken.objects.filter(prefix=options["prefix"][:8], revoked_at__isnull=True))
        if not tokens:
            raise CommandError("没有以此开头的有效令牌")
        if len(tokens) > 1:
            raise CommandError("有多个令牌以此开头，请联系系统管理员在后台吊销")
        token_revoke(token=tokens[0], actor=None)
        self.stdout.write(f"已吊销令牌 {tokens[0].prefix}…（{tokens[0].name}）")
