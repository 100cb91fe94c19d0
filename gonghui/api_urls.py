"""The JSON API: one NinjaAPI, each app adds its router."""

from django.urls import path

from gonghui.api import api

urlpatterns = [path("", api.urls)]
