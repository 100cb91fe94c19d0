"""The two routers gonghui/api.py mounts: members (under /api/members) and roster import (/api/imports)."""

from ninja import Router

router = Router(tags=["会员"])
imports_router = Router(tags=["名册导入"])
