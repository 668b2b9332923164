from django.core.management.base import BaseCommand, CommandError

from dangvu.audit.models import AuditEntry
from dangvu.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký: phát hiện dòng bị sửa hoặc bị xóa."

    def handle(self, *args, **options):
        problems = audit_verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Nhật ký không toàn vẹn: {len(problems)} lỗi.")
        self.stdout.write(f"Nhật ký toàn vẹn: {AuditEntry.objects.count()} dòng, chuỗi băm khớp.")
