from django.urls import path

from .views import analysis, imports, intake, mine, reports

app_name = "voice"
urlpatterns = [
    # workers, on their phones
    path("submit/", mine.submit, name="submit"),
    path("mine/", mine.my_demands, name="mine"),
    path("mine/<str:tracking_no>/", mine.my_demand, name="my_demand"),
    path("mine/<str:tracking_no>/rate/<int:reply_id>/", mine.rate, name="rate"),
    path("messages/", mine.notifications, name="notifications"),
    # cadres: demands in, issues, reports, the loop's figures
    path("demands/", intake.demand_list, name="demands"),
    path("demands/new/", intake.demand_new, name="demand_new"),
    path("demands/<int:pk>/", intake.demand_detail, name="demand"),
    path("demands/<int:pk>/files/<int:aid>/", intake.attachment, name="attachment"),
    path("demands/<int:pk>/file-into/", intake.demand_file_into, name="demand_file_into"),
    path("import/", imports.upload, name="import"),
    path("import/sample.xlsx", imports.sample, name="import_sample"),
    path("import/jobs/<int:pk>/", imports.job_detail, name="import_job"),
    path("import/jobs/<int:pk>/status/", imports.job_status, name="import_job_status"),
    path("import/jobs/<int:pk>/confirm/", imports.job_confirm, name="import_job_confirm"),
    path("import/jobs/<int:pk>/cancel/", imports.job_cancel, name="import_job_cancel"),
    path("issues/", analysis.issue_list, name="issues"),
    path("issues/run/", analysis.run_new, name="run_new"),
    path("issues/runs/<int:pk>/", analysis.run_status, name="run_status"),
    path("issues/<int:pk>/", analysis.issue_detail, name="issue"),
    path("issues/<int:pk>/rename/", analysis.issue_rename_view, name="issue_rename"),
    path("issues/<int:pk>/split/", analysis.issue_split_view, name="issue_split"),
    path("issues/merge/", analysis.issue_merge_view, name="issue_merge"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/submit/", reports.report_submit_view, name="report_submit"),
    path("reports/<int:pk>/items/<int:issue_id>/remove/", reports.report_remove_issue_view, name="report_remove_issue"),
    path("reports/<int:pk>/answer/", reports.report_answer_view, name="report_answer"),
    path("reports/<int:pk>/download.<str:fmt>", reports.report_download, name="report_download"),
    path("loop/", reports.loop_view, name="loop"),
]
