"""The audit actions this app writes, with the labels the audit page shows. An action that is not
declared here is refused by `core.audit.record`."""

from gonghui.core.audit import register_actions

register_actions(
    {
        "family.add": "添加家庭成员",
        "family.remove": "移除家庭成员",
        "household.bulk_create": "名册导入建立家庭档案",
        "household.create": "建立家庭档案",
        "household.update": "修改家庭住址",
        "join_request.advance": "入会申请通过本级审核",
        "join_request.approve": "批准入会申请",
        "join_request.cancel": "撤回入会申请",
        "join_request.reject": "驳回入会申请",
        "join_request.resubmit": "修改后重新提交入会申请",
        "join_request.return": "退回入会申请修改",
        "join_request.submit": "提交入会申请",
        "member.accounts_bulk": "为工会会员批量开通账号",
        "member.activation_code": "发送账号激活验证码",
        "member.bulk_create": "批量登记会员",
        "member.create": "登记会员",
        "member.export": "导出会员名册",
        "member.import": "导入会员名册",
        "member.import_batch": "名册导入写入一批会员",
        "member.import_cancel": "取消会员名册导入",
        "member.import_confirm": "确认导入会员名册",
        "member.import_expire": "中断的名册导入标记为失败",
        "member.import_upload": "上传会员名册",
        "member.leave": "办理退会",
        "member.rejoin": "重新入会",
        "member.reveal_id": "查看完整身份证号",
        "member.transfer_out": "转出到平台外工会",
        "member.update": "修改会员信息",
        "member.update_own": "会员修改本人联系方式",
        "members.export": "导出会员名册",
        "members.import": "导入会员名册",
        "transfer.accept": "接收转入",
        "transfer.cancel": "撤回转会申请",
        "transfer.reject": "驳回转会申请",
        "transfer.release": "同意转出",
        "transfer.request": "提交转会申请",
    }
)
