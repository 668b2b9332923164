"""dangvu report --org CODE --from YYYY-MM-DD --to YYYY-MM-DD [--as-of ISO] --format json|text|docx|xlsx|pdf [-o FILE]"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangvu.organisations.models import Organisation
from dangvu.reports import documents as exports
from dangvu.reports.engine import as_json, compute


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày {name} không hợp lệ: “{value}” (cần dạng YYYY-MM-DD, ví dụ 2019-06-30).") from None


class Command(BaseCommand):
    help = "Báo cáo tổng hợp của một tổ chức đảng cho một kỳ (REPORTS.md)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã tổ chức đảng")
        parser.add_argument("--from", dest="date_from", required=True, help="từ ngày YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="đến ngày YYYY-MM-DD")
        parser.add_argument("--as-of", dest="as_of", help="số liệu đã biết đến thời điểm (ISO 8601)")
        parser.add_argument("--format", default="json", choices=["json", "text", "docx", "xlsx", "pdf"])
        parser.add_argument("-o", "--out", help="ghi ra tệp (bắt buộc với docx, xlsx, pdf nếu không chuyển hướng)")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=options["org"].strip().upper()).first()
        if organisation is None:
            raise CommandError(f"Không tìm thấy tổ chức đảng có mã “{options['org']}”.")
        date_from = _day(options["date_from"], "bắt đầu")
        date_to = _day(options["date_to"], "kết thúc")
        if date_from > date_to:
            raise CommandError(f"Kỳ báo cáo không hợp lệ: ngày bắt đầu {date_from:%d/%m/%Y} sau ngày kết thúc "
                               f"{date_to:%d/%m/%Y}.")
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"Thời điểm không hợp lệ: “{options['as_of']}” (cần dạng ISO, ví dụ "
                                   "2019-07-12T17:00:00+07:00).") from None
            if timezone.is_naive(as_of):
                as_of = timezone.make_aware(as_of)
        report = compute(organisation, date_from, date_to, as_of)
        fmt = options["format"]
        if fmt == "json":
            payload: bytes = (json.dumps(as_json(report), ensure_ascii=False, indent=1) + "\n").encode()
        elif fmt == "text":
            payload = exports.to_text(report).encode()
        elif fmt == "docx":
            payload = exports.to_docx(report)
        elif fmt == "xlsx":
            payload = exports.to_xlsx(report)
        else:
            try:
                payload = exports.docx_to_pdf(exports.to_docx(report))
            except exports.PdfUnavailable as exc:
                raise CommandError(str(exc)) from None
        if options["out"]:
            with open(options["out"], "wb") as handle:
                handle.write(payload)
        elif fmt in ("json", "text"):
            self.stdout.write(payload.decode(), ending="")
        else:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
