"""Exports of every list to .xlsx and .csv, with the same filters and access scope as its screen.

Members reuse ``dangvu.members.exports`` (the member list's own export, whose files re-import
unchanged). Each export writes one audit row (``AuditAction.EXPORT``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.utils import timezone

from dangvu.access.policies import access_organisation, organisations_for, require_audit_reader
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.codes.data import label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value):
    return value


def table_response(*, columns: list[tuple[str, Callable]], rows, fmt: str, name: str, title: str) -> HttpResponse:
    rows = list(rows)
    data = [[read(row) for _h, read in columns] for row in rows]
    headings = ["STT", *[h for h, _r in columns]]
    stamp = f"{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        for number, values in enumerate(data, start=1):
            writer.writerow([number, *[v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else
                                       ("" if v is None else v) for v in values]])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, values in enumerate(data, start=1):
        sheet.append([number, *[v.replace(tzinfo=None) if hasattr(v, "tzinfo") and getattr(v, "tzinfo", None)
                                else v for v in values]])
    for index, heading in enumerate(headings, start=1):
        if heading.startswith(("Ngày", "Thời điểm")):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY" if heading.startswith("Ngày") else "DD/MM/YYYY HH:MM"
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 6 if heading == "STT" else 22
    sheet.freeze_panes = "B2"
    from openpyxl.writer.excel import save_workbook

    buffer = io.BytesIO()
    save_workbook(book, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def _audit(user, kind: str, fmt: str, filters: dict, count: int, title: str) -> None:
    audit_record(actor=user, action=AuditAction.EXPORT, event_type=f"{kind}:{fmt}", target_repr=title,
                 new={"format": fmt, "filters": filters, "count": count})


# One function per list: (request, fmt) -> response ----------------------------------------------

def export_members(request, fmt: str) -> HttpResponse:
    from dangvu.members import exports
    from dangvu.members.selectors import member_list
    from dangvu.members.views import _filters_for_audit, _list_filters

    _form, filters = _list_filters(request)
    members = member_list(user=request.user, filters=filters)
    writer = exports.export_xlsx if fmt == "xlsx" else exports.export_csv
    return writer(user=request.user, members=members, filters=_filters_for_audit(filters))


ORGANISATION_COLUMNS = [
    ("Mã tổ chức", lambda o: o.code),
    ("Tên tổ chức", lambda o: o.name),
    ("Loại tổ chức", lambda o: o.get_org_type_display()),
    ("Mã tổ chức cấp trên", lambda o: o.parent.code if o.parent else ""),
    ("Ngày thành lập", lambda o: o.founded_on),
    ("Ngày kết thúc", lambda o: o.ended_on),
    ("Đơn vị", lambda o: o.host_unit.name if o.host_unit else ""),
    ("Loại hình đơn vị", lambda o: label("unit_type", o.host_unit.unit_type) if o.host_unit else ""),
]


def export_organisations(request, fmt: str) -> HttpResponse:
    organisations = organisations_for(request.user, for_write=False).select_related("parent", "host_unit")
    filters = {}
    root = request.GET.get("to_chuc")
    if root:
        if not str(root).isdigit():
            raise Http404("Không tìm thấy tổ chức đảng.")
        root = access_organisation(request.user, root, for_write=False)
        organisations = organisations.filter(path__startswith=root.path)
        filters["organisation"] = root.code
    if request.GET.get("con_hoat_dong"):
        organisations = organisations.filter(ended_on__isnull=True)
        filters["active"] = True
    organisations = list(organisations.order_by("path"))
    _audit(request.user, "organisations", fmt, filters, len(organisations), "Danh sách tổ chức đảng")
    return table_response(columns=ORGANISATION_COLUMNS, rows=organisations, fmt=fmt, name="to-chuc-dang",
                          title="Tổ chức đảng")


def export_candidates(request, fmt: str) -> HttpResponse:
    from dangvu.development.forms import CandidateFilterForm
    from dangvu.development.selectors import candidate_list

    organisations = list(organisations_for(request.user, for_write=False).order_by("path"))
    form = CandidateFilterForm(request.GET or None, organisations=organisations)
    data = form.cleaned_data if form.is_valid() else {}
    organisation = access_organisation(request.user, data["to_chuc"], for_write=False) if data.get("to_chuc") else None
    candidates = list(candidate_list(user=request.user, organisation=organisation, stage=data.get("giai_doan") or "",
                                     query=(data.get("q") or "").strip()))
    from dangvu.access.policies import may_see_sensitive
    from dangvu.imports.kinds import HIDDEN_MARK

    sees_ids = may_see_sensitive(request.user)
    # The columns of the candidates import (``CandidateKind``): the file re-imports unchanged. "Giai đoạn" and
    # "Đảng viên giúp đỡ" are for reading only (the import ignores them).
    columns = [
        ("Họ và tên", lambda c: c.full_name),
        ("Ngày sinh", lambda c: c.date_of_birth),
        ("Giới tính", lambda c: label("gender", c.gender)),
        ("Số CCCD", lambda c: c.citizen_id if sees_ids else HIDDEN_MARK),
        ("Dân tộc", lambda c: label("ethnicity", c.ethnicity)),
        ("Tôn giáo", lambda c: label("religion", c.religion)),
        ("Quê quán", lambda c: c.home_town),
        ("Nơi thường trú", lambda c: c.residence),
        ("Chi bộ / Mã tổ chức", lambda c: c.organisation.code),
        ("Giai đoạn", lambda c: c.get_stage_display()),
        ("Ngày đưa vào danh sách nguồn", lambda c: c.listed_on),
        ("Nghề nghiệp", lambda c: label("occupation", c.occupation)),
        ("Trình độ học vấn", lambda c: label("general_education", c.general_education)),
        ("Chuyên môn", lambda c: label("professional", c.professional)),
        ("Đoàn viên", lambda c: "Có" if c.is_youth_union_member else "Không"),
        ("Đoàn viên công đoàn", lambda c: "Có" if c.is_trade_union_member else "Không"),
        ("Đảng viên giúp đỡ", lambda c: c.helper.full_name if c.helper else ""),
        ("Ghi chú", lambda c: c.notes),
    ]
    _audit(request.user, "candidates", fmt, {k: str(v) for k, v in data.items() if v}, len(candidates),
           "Danh sách quần chúng ưu tú")
    return table_response(columns=columns, rows=candidates, fmt=fmt, name="nguon-phat-trien-dang",
                          title="Nguồn phát triển đảng")


def export_activities(request, fmt: str) -> HttpResponse:
    from dangvu.access.policies import may_see_sensitive
    from dangvu.imports.kinds import HIDDEN_MARK
    from dangvu.oversight.access import activities_for

    activities = list(activities_for(request.user).select_related("organisation")
                      .prefetch_related("subjects__organisation", "subjects__member").order_by("-decision_date", "-id"))
    user = request.user
    # One row per subject, in the columns of the activities import (``ActivityKind``): re-imports unchanged.
    rows = [(a, s) for a in activities for s in a.subjects.all()]
    columns = [
        ("Số quyết định", lambda r: r[0].decision_number),
        ("Ngày quyết định", lambda r: r[0].decision_date),
        ("Mã tổ chức thực hiện", lambda r: r[0].organisation.code),
        ("Cơ quan thực hiện", lambda r: r[0].get_actor_display()),
        ("Loại", lambda r: r[0].get_activity_type_display()),
        ("Nội dung, chủ đề", lambda r: r[0].topic),
        ("Ngày thời kỳ từ", lambda r: r[0].period_from),
        ("Ngày thời kỳ đến", lambda r: r[0].period_to),
        ("Mã tổ chức là đối tượng", lambda r: r[1].organisation.code if r[1].organisation else ""),
        ("Số CCCD", lambda r: "" if not r[1].member else (r[1].member.citizen_id or "")
         if may_see_sensitive(user, r[1].member) else HIDDEN_MARK),
        ("Số thẻ đảng viên", lambda r: (r[1].member.card_number or "") if r[1].member else ""),
        ("Họ và tên", lambda r: r[1].member.full_name if r[1].member else ""),
        ("Kết luận", lambda r: r[1].get_conclusion_display() if r[1].conclusion else ""),
        ("Ngày kết luận", lambda r: r[1].concluded_on),
        ("Kết quả, nhận xét", lambda r: r[1].findings),
    ]
    _audit(request.user, "activities", fmt, {}, len(activities), "Danh sách hoạt động kiểm tra, giám sát")
    return table_response(columns=columns, rows=rows, fmt=fmt, name="kiem-tra-giam-sat",
                          title="Kiểm tra, giám sát")


def export_decisions(request, fmt: str) -> HttpResponse:
    from dangvu.oversight.access import cases_for

    cases = list(cases_for(request.user).filter(decision_date__isnull=False)
                 .select_related("member", "subject_organisation").order_by("-decision_date", "-id"))
    from dangvu.access.policies import may_see_sensitive
    from dangvu.imports.kinds import HIDDEN_MARK

    user = request.user
    # The columns of the decisions import (``DecisionKind``): the file re-imports unchanged. "Tổ chức đảng" and
    # "Tình trạng" are for reading only.
    columns = [
        ("Số quyết định", lambda c: c.decision_number),
        ("Ngày quyết định", lambda c: c.decision_date),
        ("Số CCCD", lambda c: "" if not c.member else (c.member.citizen_id or "")
         if may_see_sensitive(user, c.member) else HIDDEN_MARK),
        ("Số thẻ đảng viên", lambda c: (c.member.card_number or "") if c.member else ""),
        ("Họ và tên", lambda c: c.member.full_name if c.member else ""),
        ("Tổ chức đảng", lambda c: c.subject_organisation.name),
        ("Hình thức kỷ luật", lambda c: c.get_decided_form_display()),
        ("Nội dung vi phạm", lambda c: c.get_violation_content_display()),
        ("Mô tả vi phạm", lambda c: c.violation_description),
        ("Ngày vi phạm", lambda c: c.violation_from),
        ("Ngày kết luận", lambda c: c.concluded_on),
        ("Mã tổ chức quyết định", lambda c: c.deciding_organisation.code if c.deciding_organisation else ""),
        ("Cơ quan quyết định", lambda c: c.get_deciding_actor_display()),
        ("Số phiếu tán thành", lambda c: (c.votes or {}).get(c.decided_form)),
        ("Tổng số thành viên", lambda c: c.voting_members),
        ("Ngày nhận quyết định", lambda c: c.delivered_on),
        ("Tình trạng", lambda c: c.get_status_display()),
    ]
    _audit(request.user, "decisions", fmt, {}, len(cases), "Danh sách quyết định kỷ luật")
    return table_response(columns=columns, rows=cases, fmt=fmt, name="quyet-dinh-ky-luat", title="Quyết định kỷ luật")


def export_events(request, fmt: str) -> HttpResponse:
    """Ledger events in the columns of the events import (``LedgerEventKind``): the file re-imports unchanged."""
    from dangvu.access.policies import may_see_sensitive
    from dangvu.imports.kinds import HIDDEN_MARK
    from dangvu.imports.selectors import ledger_events_for

    filters = {}
    root = request.GET.get("to_chuc")
    if root:
        if not str(root).isdigit():
            raise Http404("Không tìm thấy tổ chức đảng.")
        root = access_organisation(request.user, root, for_write=False)
        filters["organisation"] = root.code
    events = list(ledger_events_for(request.user, organisation=root or None))
    user = request.user
    columns = [
        ("Số CCCD", lambda e: (e.member.citizen_id or "") if may_see_sensitive(user, e.member) else HIDDEN_MARK),
        ("Số thẻ đảng viên", lambda e: e.member.card_number or ""),
        ("Họ và tên", lambda e: e.member.full_name),
        ("Loại sự kiện", lambda e: e.get_kind_display()),
        ("Ngày hiệu lực", lambda e: e.effective_date),
        ("Số quyết định", lambda e: e.decision_number),
        ("Ngày quyết định", lambda e: e.decision_date),
        ("Cơ quan quyết định", lambda e: e.deciding_body),
        ("Tổ chức đảng nơi đến", lambda e: e.organisation.code if e.organisation else ""),
        ("Nơi đến ngoài Đảng bộ", lambda e: e.external_place),
        ("Ngoài tỉnh", lambda e: "Có" if e.other_province else ""),
        ("Ngày lễ kết nạp", lambda e: e.ceremony_date),
    ]
    _audit(request.user, "events", fmt, filters, len(events), "Danh sách sự kiện đảng viên")
    return table_response(columns=columns, rows=events, fmt=fmt, name="su-kien-dang-vien", title="Sự kiện đảng viên")


def export_audit(request, fmt: str) -> HttpResponse:
    from dangvu.audit.forms import AuditFilterForm
    from dangvu.audit.selectors import AuditFilters, audit_entries

    require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(username=data["nguoi_dung"], action=data["hanh_dong"],
                               target_type=data["loai_doi_tuong"], target_id=data["ma_doi_tuong"],
                               date_from=data["tu_ngay"], date_to=data["den_ngay"])
    entries = list(audit_entries(filters)[:100_000])
    columns = [
        ("Thời điểm", lambda e: timezone.localtime(e.occurred_at)),
        ("Người thực hiện", lambda e: e.actor_username),
        ("Vai trò", lambda e: e.actor_role),
        ("Hành động", lambda e: e.get_action_display()),
        ("Loại sự kiện", lambda e: e.event_type),
        ("Đối tượng", lambda e: e.target_repr),
        ("Kết quả", lambda e: e.result),
        ("Lý do", lambda e: e.reason),
    ]
    _audit(request.user, "audit", fmt, {k: str(v) for k, v in filters.__dict__.items() if v}, len(entries),
           "Nhật ký")
    return table_response(columns=columns, rows=entries, fmt=fmt, name="nhat-ky", title="Nhật ký")


EXPORTS = {
    "dang-vien": export_members,
    "to-chuc": export_organisations,
    "su-kien-dang-vien": export_events,
    "nguon-phat-trien-dang": export_candidates,
    "kiem-tra-giam-sat": export_activities,
    "quyet-dinh-ky-luat": export_decisions,
    "nhat-ky": export_audit,
}
