from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "dangvu.oversight"
    label = "oversight"
    verbose_name = "Kiểm tra, giám sát, kỷ luật"
