from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangvu.development"
    label = "development"
    verbose_name = "Phát triển đảng viên"
