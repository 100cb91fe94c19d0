from django.urls import include, path

from . import views, views_import

app_name = "members"
urlpatterns = [
    # cadre back office
    path("", views.member_list, name="list"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/history/", views.member_history, name="history"),
    path("<int:pk>/leave/", views.member_leave_view, name="leave"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("<int:pk>/household/", views.household, name="household"),
    path("<int:pk>/household/<int:fid>/remove/", views.family_remove, name="family_remove"),
    path("queues/", views.queues, name="queues"),
    path("queues/join/<int:pk>/<str:decision>/", views.join_decide, name="join_decide"),
    path("queues/transfer/<int:pk>/<str:decision>/", views.transfer_decide, name="transfer_decide"),
    # self-service
    path("me/", views.me, name="me"),
    path("me/reveal/", views.my_reveal, name="my_reveal"),
    path("me/household/", views.my_household, name="my_household"),
    path("me/household/<int:fid>/remove/", views.my_family_remove, name="my_family_remove"),
    path("me/requests/", views.my_requests, name="my_requests"),
    path("me/requests/join/<int:pk>/cancel/", views.my_join_cancel, name="my_join_cancel"),
    path("me/requests/transfer/<int:pk>/cancel/", views.my_transfer_cancel, name="my_transfer_cancel"),
    path("me/transfer/", views.my_transfer, name="my_transfer"),
    path("join/", views.join, name="join"),
    path("join/orgs/", views.org_search, name="org_search"),
    # roster import (pages of their own live in gonghui/members/import_urls.py)
    path("import/", views_import.upload, name="import_upload"),
    path("roster/", include("gonghui.members.import_urls")),
]
