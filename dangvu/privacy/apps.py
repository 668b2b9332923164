from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "dangvu.privacy"
    label = "privacy"
    verbose_name = "Bảo vệ dữ liệu cá nhân"
