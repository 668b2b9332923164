from django.core.management.base import BaseCommand, CommandError

from dangvu.accounts.models import User
from dangvu.accounts.services import user_unlock


class Command(BaseCommand):
    help = "Mở khóa đăng nhập cho một tài khoản bị khóa do nhập sai mật khẩu nhiều lần (có ghi nhật ký)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        cleared = user_unlock(actor=None, user=user)
        self.stdout.write(f"Đã mở khóa {username} ({cleared} lần đăng nhập sai được xóa).")
