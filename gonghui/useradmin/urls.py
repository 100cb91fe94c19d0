from django.urls import path

from . import views

app_name = "useradmin"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/grant/", views.account_grant, name="grant"),
    path("<int:pk>/roles/<int:rid>/revoke/", views.account_revoke, name="revoke"),
    path("<int:pk>/disable/", views.account_disable, name="disable"),
    path("<int:pk>/enable/", views.account_enable, name="enable"),
    path("<int:pk>/reset-password/", views.account_reset_password, name="reset_password"),
]
