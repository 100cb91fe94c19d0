"""The audit actions this app writes, with the labels the audit page shows. An action that is not
declared here is refused by `core.audit.record`."""

from gonghui.core.audit import register_actions

register_actions(
    {
        "role.grant": "授予角色",
        "role.revoke": "收回角色",
        "token.create": "创建 API 令牌",
        "token.revoke": "吊销 API 令牌",
        "user.activate": "职工自助激活账号",
        "user.bulk_create": "批量建立职工账号",
        "user.create": "建立账号",
        "user.disable": "停用账号",
        "user.enable": "启用账号",
        "user.password_change": "修改密码",
        "user.password_reset": "重置密码",
    }
)
