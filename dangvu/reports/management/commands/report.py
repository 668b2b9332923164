"""dangvu report --org CODE --from YYYY-MM-DD --to YYYY-MM-DD [--as-of ISO] --format json|text|docx|xlsx|pdf [-o FILE]

Instead of --from/--to, a preset: --period year|half [--year YYYY] or --period term_current|term_previous
(the organisation's terms)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangvu.organisations.models import Organisation
from dangvu.reports import documents as exports
from dangvu.reports.engine import as_json
from dangvu.reports.periods import PRESETS, PeriodError, build_report, preset_period


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày {name} không hợp lệ: “{value}” (cần dạng YYYY-MM-DD, ví dụ 2019-06-30).") from None


class Command(BaseCommand):
    help = "Báo cáo tổng hợp của một tổ chức đảng cho một kỳ (REPORTS.md)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã tổ chức đảng")
        parser.add_argument("--from", dest="date_from", help="từ ngày YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="đến ngày YYYY-MM-DD")
        parser.add_argument("--period", choices=[code for code, _label in PRESETS if code != "custom"],
                            help="kỳ định sẵn thay cho --from/--to: year (cả năm), half (6 tháng đầu năm, đến 30/6), "
                                 "term_current, term_previous (nhiệm kỳ hiện tại, nhiệm kỳ trước của tổ chức)")
        parser.add_argument("--year", type=int, help="năm của kỳ year/half (mặc định: năm nay)")
        parser.add_argument("--as-of", dest="as_of", help="số liệu đã biết đến thời điểm (ISO 8601)")
        parser.add_argument("--format", default="json", choices=["json", "text", "docx", "xlsx", "pdf"])
        parser.add_argument("-o", "--out", help="ghi ra tệp (bắt buộc với docx, xlsx, pdf nếu không chuyển hướng)")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=options["org"].strip().upper()).first()
        if organisation is None:
            raise CommandError(f"Không tìm thấy tổ chức đảng có mã “{options['org']}”.")
        if options["period"]:
            if options["date_from"] or options["date_to"]:
                raise CommandError("Dùng --period hoặc --from/--to, không dùng cả hai.")
            try:
                date_from, date_to = preset_period(options["period"], organisation=organisation, year=options["year"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
        else:
            if not options["date_from"] or not options["date_to"]:
                raise CommandError("Hãy cho kỳ báo cáo: --from và --to (YYYY-MM-DD) hoặc --period.")
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
        report = build_report(organisation, date_from, date_to, as_of)
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
