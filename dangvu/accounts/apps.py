from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangvu.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from dangvu.accounts.middleware import mark_session_start

        user_logged_in.connect(mark_session_start, dispatch_uid="dangvu_session_start")
