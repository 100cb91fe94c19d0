"""The audit actions this app writes, with the labels the audit page shows. An action that is not
declared here is refused by `core.audit.record`."""

from gonghui.core.audit import register_actions

register_actions(
    {
        "demand.enter": "干部代录诉求",
        "demand.import": "导入问卷诉求",
        "demand.import_cancel": "放弃导入问卷",
        "demand.import_confirm": "确认导入问卷",
        "demand.import_expire": "中断或过期的问卷导入标记为失败",
        "demand.import_upload": "上传问卷文件",
        "demand.submit": "职工提交诉求",
        "issue.add_demand": "把诉求归入议题",
        "issue.merge": "合并议题",
        "issue.merged_into": "议题并入其他议题",
        "issue.rename": "议题改名",
        "issue.split": "拆分议题",
        "reply.rate": "职工评价答复",
        "report.answer": "记录党政答复",
        "report.create": "生成专报草稿",
        "report.download_docx": "下载专报 Word",
        "report.download_pdf": "下载专报 PDF",
        "report.feed_back": "答复反馈到职工",
        "report.remove_issue": "从专报移出议题",
        "report.submit": "报送专报",
        "report.update": "修改专报",
        "voice_run.abandon": "放弃中断的议题分析",
        "voice_run.apply": "保存议题分析结果",
        "voice_run.request": "发起议题分析",
    }
)
