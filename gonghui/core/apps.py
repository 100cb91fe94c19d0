from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        # Every app's audit_actions.py declares its audit actions; core names no app.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_actions")
        # ... and its to-do sources for the home page (gonghui.core.todo) in todo.py.
        autodiscover_modules("todo")
