"""Exports of the member list (Excel and CSV). Every export writes one audit row naming the filter,
the number of rows and the members exported (SEC: personal data leaving the system)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from dangvu.access.policies import may_see_sensitive
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.codes.data import label
from dangvu.members.models import Member, MemberStatus

HIDDEN = "Ẩn theo phân quyền"
DATE_FORMAT_XLSX = "DD/MM/YYYY"

# (heading, how to read the value from a member); dates stay dates for the xlsx file.
COLUMNS = [
    ("Họ và tên", lambda m: m.full_name),
    ("Ngày sinh", lambda m: m.date_of_birth),
    ("Giới tính", lambda m: label("gender", m.gender)),
    ("Dân tộc", lambda m: label("ethnicity", m.ethnicity)),
    ("Tôn giáo", lambda m: label("religion", m.religion)),
    ("Quê quán", lambda m: m.home_town),
    ("Nơi thường trú", lambda m: m.residence),
    ("Tổ chức đảng", lambda m: m.organisation.name if m.organisation else ""),
    ("Tình trạng", lambda m: MemberStatus(m.status).label),
    ("Ngày vào Đảng", lambda m: m.admitted_on),
    ("Ngày chính thức", lambda m: m.official_on),
    ("Nghề nghiệp", lambda m: label("occupation", m.occupation)),
    ("Giáo dục phổ thông", lambda m: label("general_education", m.general_education)),
    ("Chuyên môn, nghiệp vụ", lambda m: label("professional", m.professional)),
    ("Lý luận chính trị", lambda m: label("political_theory", m.political_theory)),
    ("Số thẻ đảng viên", lambda m: m.card_number or ""),
    ("Số lý lịch", lambda m: m.profile_number),
]
CITIZEN_ID_HEADING = "Số định danh cá nhân (CCCD)"


def _columns(user):
    """The export's columns; the citizen ID only for roles that may see it (and per row, in scope)."""
    columns = [("STT", None), *COLUMNS]
    if may_see_sensitive(user):
        columns.insert(3, (CITIZEN_ID_HEADING,
                           lambda m: (m.citizen_id or "") if may_see_sensitive(user, m) else HIDDEN))
    return columns


def _rows(user, members: list[Member]) -> Iterator[list]:
    columns = _columns(user)
    for number, member in enumerate(members, start=1):
        yield [number if read is None else read(member) for _heading, read in columns]


def _audit(user, fmt: str, filters: dict, members: list[Member]) -> None:
    audit_record(actor=user, action=AuditAction.EXPORT, event_type=f"members:{fmt}",
                 target_type="members.member", target_repr="Danh sách đảng viên",
                 new={"format": fmt, "filters": filters, "count": len(members),
                      "member_ids": [m.pk for m in members],
                      "citizen_id": may_see_sensitive(user)})


def _filename(ext: str) -> str:
    return f"danh-sach-dang-vien-{timezone.localdate():%Y%m%d}.{ext}"


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(*, user, members, filters: dict) -> StreamingHttpResponse:
    """UTF-8 with BOM so that Excel opens the Vietnamese text correctly; dates dd/mm/yyyy."""
    members = list(members)
    _audit(user, "csv", filters, members)
    headings = [heading for heading, _read in _columns(user)]

    def stream() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"
        yield writer.writerow(headings)
        for row in _rows(user, members):
            yield writer.writerow([_text(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def export_xlsx(*, user, members, filters: dict) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import save_workbook

    members = list(members)
    _audit(user, "xlsx", filters, members)
    columns = _columns(user)
    book = Workbook()
    sheet = book.active
    sheet.title = "Đảng viên"
    sheet.append([heading for heading, _read in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(user, members):
        sheet.append(row)
    for index, (heading, _read) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if heading.startswith("Ngày"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = DATE_FORMAT_XLSX
            sheet.column_dimensions[letter].width = 13
        elif heading == CITIZEN_ID_HEADING:
            sheet.column_dimensions[letter].width = 16
        else:
            sheet.column_dimensions[letter].width = 6 if heading == "STT" else 24
    sheet.freeze_panes = "B2"
    buffer = BytesIO()
    save_workbook(book, buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
