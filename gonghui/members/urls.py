from django.urls import include, path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("me/", views.me, name="me"),
    path("queues/", views.queues, name="queues"),
    path("import/", views.import_upload, name="import_upload"),
    # Roster import/export pages live in their own module (gonghui/members/import_urls.py).
    # path("roster/", include("gonghui.members.import_urls")),
]
