from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo federation (`gonghui seed-demo`): built through every app's services, owned by none."""

    name = "gonghui.demo"
    label = "demo"
    verbose_name = "演示数据"
