from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvu.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu thành một tệp đã mã hóa (khóa để riêng, không cùng chỗ với bản sao lưu)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="tệp sao lưu sẽ ghi")
        parser.add_argument("--key-file", required=True, help="tệp chứa khóa mã hóa")

    def handle(self, *args, out, key_file, **options):
        try:
            digest = backup_create(actor=None, out=Path(out), key_file=Path(key_file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu vào {out} (SHA-256 {digest}).")
