from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Pages that stand above every app: the cadre's 待办 home and the audit trail."""

    name = "gonghui.home"
    label = "home"
    verbose_name = "首页与审计"
