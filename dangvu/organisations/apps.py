from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "dangvu.organisations"
    label = "organisations"
    verbose_name = "Tổ chức đảng"
