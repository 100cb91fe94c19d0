from django.urls import path

from . import audit_views

app_name = "home"
urlpatterns = [path("audit/", audit_views.audit_list, name="audit_list")]
