"""Roster import and export pages (included from members/urls.py under roster/)."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("jobs/<int:pk>/", views_import.job_detail, name="import_job"),
    path("jobs/<int:pk>/status/", views_import.job_status, name="import_job_status"),
    path("jobs/<int:pk>/confirm/", views_import.job_confirm, name="import_job_confirm"),
    path("jobs/<int:pk>/cancel/", views_import.job_cancel, name="import_job_cancel"),
    path("export/", views_import.export, name="roster_export"),
]
