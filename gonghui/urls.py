from django.contrib import admin
from django.urls import include, path

from gonghui.core import views as core_views
from gonghui.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("voice/", include("gonghui.voice.urls")),
    path("", include("gonghui.home.urls")),
    path("api/", include("gonghui.api_urls")),
    # 系统管理: our own account pages, scoped to the manager's subtree (ADR 0007). Django's admin ignores
    # org scope, so it is only for is_staff operators, at a path of its own.
    path("sysadmin/", include("gonghui.useradmin.urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "gonghui.core.views.not_found"
handler500 = "gonghui.core.views.server_error"
