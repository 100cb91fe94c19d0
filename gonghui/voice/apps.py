from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "gonghui.voice"
    label = "voice"
    verbose_name = "职工诉求与专报"
