"""Word (.docx) in the Party's document format, Excel (.xlsx) and PDF (LibreOffice from the .docx).

Everything is built from the same ``Report`` (figures, checks, text, drill-down populations), so the
three files carry the same numbers as the page and the JSON.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from datetime import date, datetime

from django.utils import timezone

from dangvu.reports.charts import bar_png, chart_data
from dangvu.reports.figures import REGISTRY, SECTIONS
from dangvu.reports.narrative import comparisons, number, percent, report_paragraphs
from dangvu.reports.official_forms import write_forms
from dangvu.reports.periods import ratio

FONT = "Times New Roman"
POPULATION_SHEETS = {
    "opening": "DS đầu kỳ", "closing": "DS cuối kỳ", "flows": "DS tăng giảm", "admissions": "DS kết nạp",
    "recognitions": "DS công nhận chính thức", "admitting": "DS TCCS có kết nạp", "orgs_closing": "DS tổ chức cuối kỳ",
    "org_events": "DS thay đổi tổ chức",
}


def _vn_date_line(place: str, day: date) -> str:
    return f"{place or 'TP. Hồ Chí Minh'}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def shown_figures(report, section: str) -> list[str]:
    """The figures printed in a section's table: the non-zero ones (every figure is in Excel and JSON)."""
    return [fid for fid, fig in REGISTRY.items() if fig.section == section and fid in report.figures
            and report.figures[fid]]


def to_docx(report, *, number_text: str = "Số     -BC/ĐU", place: str = "", issued_on: date | None = None) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    for style_name in ("Normal", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(14)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)

    def para(container, text="", *, bold=False, italic=False, size=14, align=None, underline=False, space=0):
        p = container.add_paragraph()
        if align:
            p.alignment = align
        p.paragraph_format.space_after = Pt(space)
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
        run.font.name = FONT
        return p

    root = report.root
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].text = ""
    center = WD_ALIGN_PARAGRAPH.CENTER
    if root.parent_id:
        para(left, f"ĐẢNG BỘ {root.parent.name.upper().removeprefix('ĐẢNG BỘ ')}", align=center)
    para(left, root.name.upper(), bold=True, align=center)
    para(left, "*", align=center)
    para(left, number_text, align=center)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15, align=center, underline=True)
    para(right, "")
    para(right, _vn_date_line(place, issued_on or timezone.localdate()), italic=True, align=center)
    para(document, "")
    para(document, "BÁO CÁO", bold=True, size=16, align=center)
    para(document, f"tình hình công tác xây dựng Đảng từ ngày {report.date_from:%d/%m/%Y} đến ngày "
                   f"{report.date_to:%d/%m/%Y}", bold=True, align=center)
    para(document, "-----", align=center, space=6)
    para(document, f"(Số liệu tính đến {timezone.localtime(report.as_of):%H:%M ngày %d/%m/%Y})", italic=True,
         align=center, space=6)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    blocks = report_paragraphs(report)
    for heading, sentences in blocks:
        para(document, heading, bold=True, space=4)
        p = para(document, " ".join(sentences), align=justify, space=6)
        p.paragraph_format.first_line_indent = Cm(1.27)
    if report.text and not blocks:
        para(document, report.text)

    para(document, "BIỂU SỐ LIỆU", bold=True, align=center, space=6)
    for key, title in SECTIONS.items():
        ids = shown_figures(report, key)
        if not ids:
            continue
        para(document, title, bold=True, space=4)
        columns = comparisons(report)
        headings = ["Chỉ số", "Kỳ này"] + [t for _k, label, _f in columns for t in (label[:1].upper() + label[1:], "%")]
        table = document.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headings, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for fid in ids:
            cells = table.add_row().cells
            value = report.figures[fid]
            cells[0].text = REGISTRY[fid].label
            cells[1].text = number(value)
            for i, (_k, _l, figures) in enumerate(columns):
                earlier = figures.get(fid)
                cells[2 + 2 * i].text = number(earlier) if earlier is not None else ""
                cells[3 + 2 * i].text = percent(ratio(value, earlier))
    charts = chart_data(report)
    for title, rows in charts:
        para(document, title, bold=True, space=4)
        top = max((n for _l, n in rows), default=0)
        table = document.add_table(rows=0, cols=3)
        table.style = "Table Grid"
        for text, n in rows:
            cells = table.add_row().cells
            cells[0].text, cells[2].text = text, number(n)
            if n and top:  # the bar: a drawn picture whose width is proportional to the value
                cells[1].paragraphs[0].add_run().add_picture(io.BytesIO(bar_png()), width=Cm(6 * n / top),
                                                             height=Cm(0.4))
    para(document, "Kiểm tra cân đối số liệu", bold=True, space=4)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Nội dung kiểm tra", "Kết quả"
    for check in report.checks:
        cells = table.add_row().cells
        cells[0].text = check.label or check.id
        cells[1].text = ("Đạt. " if check.ok else "KHÔNG ĐẠT. ") + check.detail
    para(document, "")
    footer = document.add_table(rows=1, cols=2)
    recipients, signature = footer.rows[0].cells
    para(recipients, "Nơi nhận:", bold=True, underline=True, size=12)
    for line in ("- Ban Thường vụ cấp trên (để báo cáo),", "- Các đồng chí cấp ủy viên,", "- Lưu Văn phòng."):
        para(recipients, line, size=12)
    body = "T/M CHI BỘ" if root.org_type in ("base_cell", "subordinate_cell") else "T/M BAN THƯỜNG VỤ"
    para(signature, body, bold=True, align=center)
    para(signature, "BÍ THƯ", bold=True, align=center)
    for _ in range(3):
        para(signature, "")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(report, *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    summary.append(["Tổ chức", report.root.name])
    summary.append(["Mã", report.root.code])
    summary.append(["Từ ngày", report.date_from])
    summary.append(["Đến ngày", report.date_to])
    summary.append(["Số liệu tính đến", timezone.localtime(report.as_of).replace(tzinfo=None)])
    for row in range(3, 5):
        summary.cell(row=row, column=2).number_format = "DD/MM/YYYY"
    summary.cell(row=5, column=2).number_format = "DD/MM/YYYY HH:MM"
    summary.append([])
    summary.append(["Kiểm tra", "Kết quả", "Chi tiết"])
    for check in report.checks:
        summary.append([check.label or check.id, "Đạt" if check.ok else "Không đạt", check.detail])
    summary.append([])
    summary.append(["Nội dung"])
    for block in report.text.split("\n"):
        summary.append([block])
    for key, section_title in SECTIONS.items():
        ids = [fid for fid, fig in REGISTRY.items() if fig.section == key and fid in report.figures]
        if not ids:
            continue
        sheet = book.create_sheet(section_title[:31])
        columns = comparisons(report)
        sheet.append(["Mã chỉ số", "Chỉ số", "Kỳ này"]
                     + [t for _k, label, _f in columns for t in (label[:1].upper() + label[1:], "Tỷ lệ (%)")])
        for cell in sheet[1]:
            cell.font = bold
        for fid in ids:
            value = report.figures[fid]
            row = [fid, REGISTRY[fid].label, value]
            for _k, _l, figures in columns:
                row += [figures.get(fid), ratio(value, figures.get(fid))]
            sheet.append(row)
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 70
    write_forms(book, report)
    for population, sheet_title in POPULATION_SHEETS.items():
        records = report.populations.get(population)
        if not records:
            continue
        sheet = book.create_sheet(sheet_title[:31])
        write_records(sheet, records)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_records(sheet, records) -> None:
    from openpyxl.styles import Font

    sheet.append(["STT", "Họ tên / tổ chức", "Ngày", "Tổ chức đảng", "Nội dung"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, record in enumerate(records, start=1):
        sheet.append([i, record.label, record.day, record.organisation, record.description])
        if record.day:
            sheet.cell(row=i + 1, column=3).number_format = "DD/MM/YYYY"
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["D"].width = 36
    sheet.column_dimensions["E"].width = 60


def records_xlsx(title: str, records) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_records(sheet, records)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class PdfUnavailable(RuntimeError):
    pass


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """Convert with LibreOffice (headless, a private profile so that parallel runs do not collide)."""
    binary = libreoffice()
    if binary is None:
        raise PdfUnavailable("Máy chủ chưa cài LibreOffice nên không tạo được tệp PDF.")
    with tempfile.TemporaryDirectory(prefix="dangvu-pdf-") as work:
        source = os.path.join(work, "bao-cao.docx")
        with open(source, "wb") as handle:
            handle.write(docx)
        profile = f"-env:UserInstallation=file://{work}/profile"
        result = subprocess.run([binary, profile, "--headless", "--convert-to", "pdf", "--outdir", work, source],
                                capture_output=True, timeout=timeout, check=False)
        target = os.path.join(work, "bao-cao.pdf")
        if result.returncode != 0 or not os.path.exists(target):
            raise PdfUnavailable("LibreOffice không chuyển được tệp sang PDF.")
        with open(target, "rb") as handle:
            return handle.read()


def to_text(report) -> str:
    lines = [f"BÁO CÁO – {report.root.name} ({report.root.code})",
             f"Từ ngày {report.date_from:%d/%m/%Y} đến ngày {report.date_to:%d/%m/%Y}; số liệu tính đến "
             f"{timezone.localtime(report.as_of):%H:%M ngày %d/%m/%Y}", "", report.text, "", "SỐ LIỆU"]
    for key, title in SECTIONS.items():
        ids = shown_figures(report, key)
        if ids:
            lines.append(f"\n{title}")
            columns = comparisons(report)
            for fid in ids:
                line = f"  {fid}\t{REGISTRY[fid].label}\t{number(report.figures[fid])}"
                for _k, label, figures in columns:
                    if figures.get(fid) is not None:
                        line += f"\t{label}: {number(figures[fid])}"
                lines.append(line)
    lines.append("\nKIỂM TRA")
    lines += [f"  [{'Đạt' if c.ok else 'KHÔNG ĐẠT'}] {c.id}: {c.detail}" for c in report.checks]
    return "\n".join(lines) + "\n"


def filename(report, extension: str) -> str:
    stamp = datetime.now().strftime("%Y%m%d")
    return f"bao-cao-{report.root.code}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}-{stamp}.{extension}"
