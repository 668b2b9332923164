from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "dangvu.backups"
    label = "backups"
    verbose_name = "Sao lưu"
