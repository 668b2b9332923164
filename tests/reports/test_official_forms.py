"""The statistical forms of 11-HD/BTCTW (REPORTS.md "The official forms") as Excel sheets, every cell from a
figure: Biểu 1 tăng giảm, Biểu 2 kết nạp, Biểu 3 đội ngũ, Biểu 4 dân tộc, tôn giáo."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dangvu.reports import documents as exports
from dangvu.reports.figures import REGISTRY
from dangvu.reports.official_forms import FORMS
from dangvu.reports.periods import build_report

pytestmark = pytest.mark.django_db
Y2018 = (date(2018, 1, 1), date(2018, 12, 31))


def _sheet(book, prefix):
    name = next(n for n in book.sheetnames if n.startswith(prefix))
    rows = list(book[name].iter_rows(values_only=True))
    by_code = {row[0]: row for row in rows[4:] if row and row[0]}
    by_label = {row[1]: row for row in rows[4:] if row and len(row) > 1 and row[1]}
    return rows, by_code, by_label


def test_every_form_line_is_made_of_catalogue_figures():
    assert [f.sheet[:6] for f in FORMS] == ["Biểu 1", "Biểu 2", "Biểu 3", "Biểu 4"]
    for form in FORMS:
        assert all(figure_id in REGISTRY for line in form.lines for figure_id in line.ids)


def test_form_1_increases_and_decreases_read_back(committee):
    book = load_workbook(io.BytesIO(exports.to_xlsx(build_report(committee.b1, *Y2018))))
    rows, line, _ = _sheet(book, "Biểu 1")
    assert rows[0][0] == "BIỂU 1 – TĂNG, GIẢM ĐẢNG VIÊN"
    # B1 in 2018: opening 2 (A1 A2); +1 admitted (A4), +2 transferred in (A3 from B2, R1), +1 with C3 (M6);
    # −1 transferred out (A1); closing 5.
    assert line["A"][2] == 2 and isinstance(line["A"][2], int)
    assert line["B1"][2] == 1 and line["B2"][2] == 3 and line["B"][2] == 4
    assert line["C5"][2] == 1 and line["C"][2] == 1 and line["C1"][2] == 0
    assert line["D"][2] == 5 and line["A"][2] + line["B"][2] - line["C"][2] == line["D"][2]
    assert line["B2"][-1] == "members.transferred_in + members.org_moved_in"  # the source figures
    assert any(row and row[0] and str(row[0]).startswith("(*) B2 gồm 1") for row in rows)
    # The same period a year earlier (2017) beside it, with the ratio.
    assert rows[3][3] == "Cùng kỳ năm trước (năm 2017)"
    assert line["D"][3] == 2 and line["D"][4] == 250.0


def test_forms_2_to_4_read_back(committee):
    book = load_workbook(io.BytesIO(exports.to_xlsx(build_report(committee.du, *Y2018))))
    _rows, _line, by_label = _sheet(book, "Biểu 2")
    assert by_label["Tổng số đảng viên mới kết nạp"][2] == 2
    assert by_label["nữ"][2] == 1 and by_label["chủ doanh nghiệp tư nhân"][2] == 1
    assert by_label["Công nhân, lao động trực tiếp sản xuất"][2] == 1 and by_label["Khác"][2] == 1
    _rows, _line, by_label = _sheet(book, "Biểu 3")
    assert by_label["Tổng số đảng viên cuối kỳ"][2] == 6
    _rows, _line, by_label = _sheet(book, "Biểu 4")
    assert by_label["Đảng viên là người dân tộc thiểu số"][2] == 1 and by_label["Tày"][2] == 1
