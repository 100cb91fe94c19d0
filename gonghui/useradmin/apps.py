from django.apps import AppConfig


class UseradminConfig(AppConfig):
    name = "gonghui.useradmin"
    label = "useradmin"
    verbose_name = "账号管理"
