"""The statistical forms of Hướng dẫn 11-HD/BTCTW (REPORTS.md "The official forms"), as Excel sheets.

Every cell is filled from a catalogue figure (never typed): a line names the figure IDs it adds up, and
the sheet prints them beside the line so that each number can be traced. Biểu 1 (tăng, giảm đảng viên),
Biểu 2 (đảng viên mới kết nạp), Biểu 3 (đội ngũ đảng viên) and Biểu 4 (dân tộc, tôn giáo) are built here.
Biểu 5 (organisations and members by host-unit type) is not: the catalogue has no figure by host-unit
type yet, and a form cell must come from a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvu.codes.data import LISTS
from dangvu.reports.figures import AGE_CODES, JOIN_ERAS, OCCUPATION_GROUPS, REGISTRY


@dataclass(frozen=True)
class Line:
    code: str  # "A", "B1", "2.3" …
    label: str
    ids: tuple[str, ...]  # the figures whose sum is the line's value
    bold: bool = False


@dataclass(frozen=True)
class Form:
    sheet: str  # Excel sheet title (≤ 31 characters)
    title: str
    lines: tuple[Line, ...]


def _line(code: str, label: str, *ids: str, bold: bool = False) -> Line:
    for figure_id in ids:
        assert figure_id in REGISTRY, figure_id
    return Line(code, label, ids, bold)


def _breakdown(number: str, prefix: str, codes) -> list[Line]:
    return [_line(f"{number}.{i}", label, f"{prefix}.{code}") for i, (code, label) in enumerate(codes, start=1)]


def _form1() -> Form:
    return Form("Biểu 1 - Tăng giảm ĐV", "BIỂU 1 – TĂNG, GIẢM ĐẢNG VIÊN", (
        _line("A", "Đảng viên đầu kỳ", "members.opening", bold=True),
        _line("B", "Đảng viên tăng trong kỳ", "admissions.total", "members.transferred_in", "members.org_moved_in",
              "members.restored", bold=True),
        _line("B1", "Kết nạp (kể cả kết nạp lại)", "admissions.total"),
        _line("", "trong đó: kết nạp lại", "admissions.readmitted"),
        _line("B2", "Chuyển đến (*)", "members.transferred_in", "members.org_moved_in"),
        _line("", "– từ ngoài tỉnh, thành phố", "members.transferred_in.other_province"),
        _line("", "– trong tỉnh, thành phố", "members.transferred_in.same_province"),
        _line("", "– theo tổ chức (chuyển trực thuộc, sáp nhập) (*)", "members.org_moved_in"),
        _line("B3", "Phục hồi đảng tịch", "members.restored"),
        _line("C", "Đảng viên giảm trong kỳ", "members.died", "members.expelled", "members.removed",
              "members.probation_removed", "members.resigned", "members.transferred_out", "members.org_moved_out",
              bold=True),
        _line("C1", "Từ trần", "members.died"),
        _line("C2", "Khai trừ", "members.expelled"),
        _line("C3", "Xóa tên", "members.removed", "members.probation_removed"),
        _line("", "trong đó: xóa tên đảng viên dự bị", "members.probation_removed"),
        _line("C4", "Xin ra khỏi Đảng", "members.resigned"),
        _line("C5", "Chuyển đi (*)", "members.transferred_out", "members.org_moved_out"),
        _line("", "– ra ngoài tỉnh, thành phố", "members.transferred_out.other_province"),
        _line("", "– trong tỉnh, thành phố", "members.transferred_out.same_province"),
        _line("", "– theo tổ chức (chuyển trực thuộc, sáp nhập) (*)", "members.org_moved_out"),
        _line("D", "Đảng viên cuối kỳ", "members.closing", bold=True),
    ))


def _form2() -> Form:
    lines = [
        _line("1", "Tổng số đảng viên mới kết nạp", "admissions.total", bold=True),
        _line("", "trong đó: kết nạp lại", "admissions.readmitted"),
        _line("", "nữ", "admissions.female"),
        _line("", "người dân tộc thiểu số", "admissions.ethnic_minority"),
        _line("", "người có đạo", "admissions.religious"),
        _line("", "đoàn viên Đoàn TNCS Hồ Chí Minh", "admissions.youth_union"),
        _line("", "chủ doanh nghiệp tư nhân", "admissions.business_owner"),
        _line("", "có vợ/chồng người nước ngoài", "admissions.foreign_spouse"),
        _line("2", "Theo nghề nghiệp", bold=True),
        *_breakdown("2", "admissions.occupation", LISTS["occupation"]),
        *[_line("", f"cộng: {label}", f"admissions.occupation.{group}")
          for group, (label, _codes) in OCCUPATION_GROUPS.items()],
        _line("3", "Theo độ tuổi", bold=True),
        *_breakdown("3", "admissions.age", AGE_CODES),
        _line("", "Tuổi bình quân khi kết nạp", "admissions.age.mean"),
        _line("4", "Theo trình độ giáo dục phổ thông", bold=True),
        *_breakdown("4", "admissions.general_education", LISTS["general_education"]),
        _line("5", "Theo trình độ chuyên môn, nghiệp vụ", bold=True),
        *_breakdown("5", "admissions.professional", LISTS["professional"]),
        _line("6", "Tổ chức cơ sở đảng có kết nạp đảng viên", "admissions.base_orgs_admitting", bold=True),
        _line("", "đảng bộ cơ sở", "orgs.base_party_committees.admitting"),
        _line("", "chi bộ cơ sở", "orgs.base_cells.admitting"),
    ]
    return Form("Biểu 2 - ĐV mới kết nạp", "BIỂU 2 – ĐẢNG VIÊN MỚI KẾT NẠP", tuple(lines))


def _form3() -> Form:
    lines = [
        _line("1", "Tổng số đảng viên cuối kỳ", "members.closing", bold=True),
        _line("", "đảng viên chính thức", "members.closing.official"),
        _line("", "đảng viên dự bị", "members.closing.probationary"),
        _line("", "được miễn công tác và sinh hoạt đảng", "members.closing.exempted"),
        _line("", "nữ", "members.closing.female"),
        _line("", "đoàn viên Đoàn TNCS Hồ Chí Minh", "members.closing.youth_union"),
        _line("", "chủ doanh nghiệp tư nhân", "members.closing.business_owner"),
        _line("", "có vợ/chồng người nước ngoài", "members.closing.foreign_spouse"),
        _line("2", "Theo nghề nghiệp", bold=True),
        *_breakdown("2", "members.closing.occupation", LISTS["occupation"]),
        _line("3", "Theo độ tuổi", bold=True),
        *_breakdown("3", "members.closing.age", AGE_CODES),
        _line("", "Tuổi bình quân", "members.closing.age.mean"),
        _line("4", "Theo trình độ giáo dục phổ thông", bold=True),
        *_breakdown("4", "members.closing.general_education", LISTS["general_education"]),
        _line("5", "Theo trình độ chuyên môn, nghiệp vụ", bold=True),
        *_breakdown("5", "members.closing.professional", LISTS["professional"]),
        _line("6", "Theo học hàm", bold=True),
        *_breakdown("6", "members.closing.academic_title", LISTS["academic_title"]),
        _line("7", "Theo trình độ lý luận chính trị (mỗi người tính một lần, ở trình độ cao nhất)", bold=True),
        *_breakdown("7", "members.closing.political_theory", LISTS["political_theory"]),
        _line("8", "Theo thời gian vào Đảng", bold=True),
        *_breakdown("8", "members.closing.joined", JOIN_ERAS),
    ]
    return Form("Biểu 3 - Đội ngũ ĐV", "BIỂU 3 – ĐỘI NGŨ ĐẢNG VIÊN", tuple(lines))


def _form4() -> Form:
    lines = [
        _line("1", "Tổng số đảng viên cuối kỳ", "members.closing", bold=True),
        _line("2", "Đảng viên là người dân tộc thiểu số", "members.closing.ethnic_minority", bold=True),
        _line("3", "Theo dân tộc", bold=True),
        *_breakdown("3", "members.closing.ethnicity", LISTS["ethnicity"]),
        _line("4", "Đảng viên có đạo", "members.closing.religious", bold=True),
        _line("5", "Theo tôn giáo", bold=True),
        *_breakdown("5", "members.closing.religion", LISTS["religion"]),
    ]
    return Form("Biểu 4 - Dân tộc, tôn giáo", "BIỂU 4 – ĐẢNG VIÊN LÀ NGƯỜI DÂN TỘC THIỂU SỐ, CÓ ĐẠO", tuple(lines))


FORMS: tuple[Form, ...] = (_form1(), _form2(), _form3(), _form4())


def line_value(line: Line, figures: dict | None):
    """The sum of the line's figures (a mean figure stands alone); ``None`` for a heading or missing data."""
    if not line.ids or figures is None or any(figure_id not in figures for figure_id in line.ids):
        return None
    values = [figures[figure_id] for figure_id in line.ids]
    return values[0] if len(values) == 1 else sum(values)


def footnote(form: Form, figures: dict) -> str:
    if form.sheet.startswith("Biểu 1"):
        moved_in, moved_out = figures.get("members.org_moved_in", 0), figures.get("members.org_moved_out", 0)
        if moved_in or moved_out:
            return (f"(*) B2 gồm {moved_in} và C5 gồm {moved_out} đảng viên vào, ra khỏi phạm vi theo tổ chức "
                    "(tổ chức đảng chuyển trực thuộc, sáp nhập), không phải chuyển sinh hoạt đảng.")
    return ""


def write_forms(book, report) -> None:
    """Add the sheets of the official forms to an openpyxl workbook."""
    from openpyxl.styles import Font

    from dangvu.reports.periods import ratio

    same = report.year_earlier if report.year_earlier_period is not None else None
    bold = Font(bold=True)
    for form in FORMS:
        sheet = book.create_sheet(form.sheet[:31])
        sheet.append([form.title])
        sheet["A1"].font = bold
        sheet.append([f"{report.root.name} – từ ngày {report.date_from:%d/%m/%Y} đến ngày {report.date_to:%d/%m/%Y}"])
        sheet.append(["(Hướng dẫn 11-HD/BTCTW; số liệu tính từ sổ đảng viên, không nhập tay)"])
        header = ["STT", "Chỉ tiêu", "Kỳ báo cáo"]
        if same is not None:
            header += [f"Cùng kỳ năm trước ({report.year_earlier_label})", "Tỷ lệ so với cùng kỳ (%)"]
        header.append("Mã chỉ số")
        sheet.append(header)
        for cell in sheet[4]:
            cell.font = bold
        for line in form.lines:
            value = line_value(line, report.figures)
            row = [line.code, line.label, value]
            if same is not None:
                earlier = line_value(line, same)
                row += [earlier, ratio(value, earlier) if line.ids else None]
            row.append(" + ".join(line.ids))
            sheet.append(row)
            if line.bold:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        note = footnote(form, report.figures)
        if note:
            sheet.append([])
            sheet.append([note])
        sheet.column_dimensions["A"].width = 6
        sheet.column_dimensions["B"].width = 70
        sheet.column_dimensions["C"].width = 14
        sheet.column_dimensions["D" if same is None else "F"].width = 60
