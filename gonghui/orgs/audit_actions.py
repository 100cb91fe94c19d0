"""The audit actions this app writes, with the labels the audit page shows. An action that is not
declared here is refused by `core.audit.record`."""

from gonghui.core.audit import register_actions

register_actions(
    {
        "org.close": "撤销组织",
        "org.create": "新建组织",
        "org.merge": "合并组织",
        "org.move": "调整上级组织",
        "org.update": "修改组织信息",
    }
)
