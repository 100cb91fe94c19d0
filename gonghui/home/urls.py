from django.urls import path

from . import views

app_name = "home"
urlpatterns = [path("audit/", views.audit_list, name="audit_list")]
