from django.urls import include, path

from . import views_import
from .views import accounts, households, queues, records, requests, self_service

app_name = "members"
urlpatterns = [
    # cadre back office
    path("", records.member_list, name="list"),
    path("add/", records.member_add, name="add"),
    path("<int:pk>/", records.member_detail, name="detail"),
    path("<int:pk>/edit/", records.member_edit, name="edit"),
    path("<int:pk>/history/", records.member_history, name="history"),
    path("<int:pk>/leave/", records.member_leave_view, name="leave"),
    path("<int:pk>/reveal/", records.member_reveal, name="reveal"),
    path("<int:pk>/household/", households.household, name="household"),
    path("<int:pk>/household/<int:fid>/remove/", households.family_remove, name="family_remove"),
    path("queues/", queues.queues, name="queues"),
    path("queues/join/<int:pk>/<str:decision>/", queues.join_decide, name="join_decide"),
    path("queues/transfer/<int:pk>/<str:decision>/", queues.transfer_decide, name="transfer_decide"),
    # self-service
    path("me/", self_service.me, name="me"),
    path("me/reveal/", self_service.my_reveal, name="my_reveal"),
    path("me/household/", households.my_household, name="my_household"),
    path("me/household/<int:fid>/remove/", households.my_family_remove, name="my_family_remove"),
    path("me/requests/", self_service.my_requests, name="my_requests"),
    path("me/requests/join/<int:pk>/cancel/", self_service.my_join_cancel, name="my_join_cancel"),
    path("me/requests/join/<int:pk>/resubmit/", requests.my_join_resubmit, name="my_join_resubmit"),
    path("me/requests/transfer/<int:pk>/cancel/", self_service.my_transfer_cancel, name="my_transfer_cancel"),
    path("me/transfer/", self_service.my_transfer, name="my_transfer"),
    path("join/", self_service.join, name="join"),
    path("join/orgs/", self_service.org_search, name="org_search"),
    # accounts for members: self-activation, and a whole union at once (views/accounts.py)
    path("activate/", accounts.activate, name="activate"),
    path("activate/confirm/", accounts.activate_confirm, name="activate_confirm"),
    path("accounts/bulk/", accounts.accounts_bulk, name="accounts_bulk"),
    # roster import (pages of their own live in gonghui/members/import_urls.py)
    path("import/", views_import.upload, name="import_upload"),
    path("roster/", include("gonghui.members.import_urls")),
]
