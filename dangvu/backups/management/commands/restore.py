from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvu.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ một tệp sao lưu đã mã hóa (thay toàn bộ dữ liệu hiện có)."

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="source", required=True, help="tệp sao lưu")
        parser.add_argument("--key-file", required=True, help="tệp chứa khóa mã hóa")

    def handle(self, *args, source, key_file, **options):
        try:
            backup_restore(actor=None, source=Path(source), key_file=Path(key_file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {source}.")
