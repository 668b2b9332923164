from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "dangvu.workdays"
    label = "workdays"
    verbose_name = "Lịch ngày làm việc"
