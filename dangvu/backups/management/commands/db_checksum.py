from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "In số dòng và mã băm nội dung của từng bảng (để đối chiếu sau khi khôi phục)."

    def add_arguments(self, parser):
        parser.add_argument("--exclude", action="append", default=[], help="bỏ qua bảng này")
        parser.add_argument("--audit-upto", type=int, default=None,
                            help="chỉ tính các dòng nhật ký có số thứ tự đến giá trị này")

    def handle(self, *args, exclude, audit_upto, **options):
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.table_names()):
                if table in exclude:
                    continue
                quoted = connection.ops.quote_name(table)
                if table == "audit_auditentry" and audit_upto is not None:
                    quoted = f"(SELECT * FROM {quoted} WHERE id <= {int(audit_upto)})"
                if connection.vendor == "postgresql":
                    cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                                   f"FROM {quoted} t")
                    count, digest = cursor.fetchone()
                else:
                    cursor.execute(f"SELECT * FROM {quoted} AS t")
                    rows = sorted(repr(row) for row in cursor.fetchall())
                    import hashlib

                    count, digest = len(rows), hashlib.md5("|".join(rows).encode(), usedforsecurity=False).hexdigest()
                self.stdout.write(f"{table}\t{count}\t{digest}")
