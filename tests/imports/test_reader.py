"""The fast .xlsx reader gives exactly what openpyxl gives (values, dates, formulas, merged cells, sheet
choice), on the kinds of sheets offices send; a damaged file is still refused with the same message."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from dangvu.imports import parsing


def _book(build) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _messy(book):
    guide = book.active
    guide.title = "Hướng dẫn"
    guide.append(["Ghi chú"])
    hidden = book.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    data = book.create_sheet("Dữ liệu")
    data.append(["DANH SÁCH ĐẢNG VIÊN CHI BỘ 1"])
    data.merge_cells("A1:F1")
    data.append(["STT", "Họ và tên", "Ngày", None, "Số CCCD", "Ghi chú"])
    data.merge_cells("C2:D2")
    data.append([None, None, "Vào Đảng", "Chính thức", None, None])
    data.append([1, "Nguyễn Văn An", datetime(2018, 4, 2), date(2019, 4, 2), "079090000001", "=A4+1"])
    data.append([2.5, "Trần &amp; <Bình>", 43192, "02/04/2019", 79090000002, True])
    data.append([])
    data.append([None, None, None, None, None, None])
    data.append([4, "Lê Văn Cường", None, None, "", "=không phải công thức"])
    data["B9"] = "Ô cách dòng"
    data.merge_cells("B10:B11")
    data["B10"] = "Gộp"
    data["A11"] = 5
    data.cell(row=12, column=8, value="xa")


def test_fast_reader_matches_openpyxl_on_a_messy_workbook():
    content = _book(_messy)
    fast, slow = parsing._read_xlsx_fast(content), parsing._read_xlsx_openpyxl(content)
    assert fast.name == slow.name == "Dữ liệu"
    assert fast.rows == slow.rows
    assert fast.merged_headers == slow.merged_headers
    values = dict(fast.rows)
    assert values[4][2] == datetime(2018, 4, 2) and isinstance(values[4][5], parsing.Formula)
    assert values[11][1] is parsing.MERGED and values[2][3] is parsing.MERGED


def test_fast_reader_matches_openpyxl_on_the_template_and_the_member_export(client, tree, cast):
    from django.urls import reverse

    from dangvu.imports.templates_xlsx import template_bytes

    client.force_login(cast.admin)
    exported = client.get(reverse("imports:export", args=["to-chuc"]), {"format": "xlsx"}).content
    for content in (template_bytes("members"), template_bytes("events"), exported):
        fast, slow = parsing._read_xlsx_fast(content), parsing._read_xlsx_openpyxl(content)
        assert (fast.name, fast.rows) == (slow.name, slow.rows)


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 40, b"PK\x03\x04garbage" * 10])
def test_damaged_xlsx_is_refused(content):
    with pytest.raises(parsing.FileRefused, match="hỏng"):
        parsing.read_file(content, "so.xlsx")


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<{p}worksheet xmlns{colon}{pn}="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<{p}sheetData>
<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>Họ và tên</{p}t></{p}is></{p}c><{p}c r="C1" t="inlineStr"><{p}is><{p}r><{p}t>Ngày </{p}t></{p}r><{p}r><{p}t xml:space="preserve">sinh</{p}t></{p}r></{p}is></{p}c></{p}row>
<{p}row r="3"><{p}c r="A3" t="inlineStr"><{p}is><{p}t>Trần &amp; &lt;Bình&gt;</{p}t></{p}is></{p}c><{p}c r="B3" t="str"><{p}f>CONCATENATE("a","b")</{p}f><{p}v>ab</{p}v></{p}c><{p}c r="C3" t="b"><{p}v>1</{p}v></{p}c><{p}c r="D3"><{p}v>12.5</{p}v></{p}c><{p}c r="E3"><{p}v>79090000002</{p}v></{p}c><{p}c r="F3" t="e"><{p}v>#N/A</{p}v></{p}c></{p}row>
</{p}sheetData>
</{p}worksheet>"""


@pytest.mark.parametrize("prefix", ["", "x"])
def test_fast_reader_on_hand_written_xml_inline_strings_and_prefixes(prefix):
    """Inline strings, rich text runs, entities, formulas with a cached value, booleans, errors, gaps; a sheet
    written with a namespace prefix goes through the element parser instead of the text pass."""
    import zipfile

    base = _book(lambda book: book.active.append(["x"]))
    sheet = SHEET.format(p=f"{prefix}:" if prefix else "", colon=":" if prefix else "", pn=prefix)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    content = out.getvalue()
    fast, slow = parsing._read_xlsx_fast(content), parsing._read_xlsx_openpyxl(content)

    def trimmed(rows):  # without a <dimension>, openpyxl does not pad rows to the sheet's width
        out = []
        for number, cells in rows:
            cells = list(cells)
            while cells and cells[-1] is None:
                cells.pop()
            out.append((number, cells))
        return out

    assert trimmed(fast.rows) == trimmed(slow.rows)
    values = dict(fast.rows)
    assert values[1][0] == "Họ và tên" and values[1][2] == "Ngày sinh"
    assert values[3][0] == "Trần & <Bình>" and isinstance(values[3][1], parsing.Formula) and values[3][2] is True
    assert values[3][3] == 12.5 and values[3][4] == 79090000002


def _whole(content):
    sheet = parsing._read_xlsx_fast(content)
    return sheet.name, sheet.rows, sheet.merged_headers


def _with_merges_everywhere(book):
    """A sheet of 400 rows with merged ranges, formulas, dates and gaps throughout (also around its middle)."""
    _messy(book)
    data = book["Dữ liệu"]
    for n in range(13, 413):
        data.append([n, f"Người thứ {n} &amp; <x>", datetime(2018, 4, 2 + n % 20), n * 1.5, "=A1" if n % 7 == 0 else "",
                     None if n % 5 else "Ghi chú", True if n % 3 == 0 else None])
        if n % 50 == 0:
            data.merge_cells(f"B{n}:C{n + 1}")
    data.append([])
    data.cell(row=420, column=9, value="cuối")


@pytest.mark.parametrize("build", [_messy, _with_merges_everywhere])
def test_sheet_read_in_two_processes_is_the_sheet_read_in_one(build, monkeypatch):
    """Above ``SPLIT_SHEET_BYTES`` the second half of the sheet's rows is read by a child process: the rows, merged
    cells and headers must be exactly those of the one-process read, also when the child cannot be started and
    the parent reads both halves itself."""
    content = _book(build)
    alone = _whole(content)
    monkeypatch.setattr(parsing, "SPLIT_SHEET_BYTES", 0)
    split, here = [], []
    original, rows = parsing._convert_in_two, parsing._convert_rows
    monkeypatch.setattr(parsing, "_convert_in_two", lambda *a: split.append(1) or original(*a))
    monkeypatch.setattr(parsing, "_convert_rows", lambda *a: here.append(1) or rows(*a))
    assert _whole(content) == alone
    assert split and here == [1], "the sheet was read in two halves, the second by the child process"

    import concurrent.futures

    class NoProcesses:
        def __init__(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)
    assert _whole(content) == alone
    assert len(split) == 2 and here == [1, 1, 1], "without a child process, both halves are read here"


def test_a_sheet_that_is_not_plain_is_read_in_one_process(monkeypatch):
    """A namespace prefix (or a DOCTYPE, comments, CDATA, another encoding): no split, the one-process reader."""
    import zipfile

    base = _book(lambda book: book.active.append(["x"]))
    sheet = SHEET.format(p="x:", colon=":", pn="x")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    monkeypatch.setattr(parsing, "SPLIT_SHEET_BYTES", 0)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert parsing._split_sheet(archive, "xl/worksheets/sheet1.xml") is None
    with zipfile.ZipFile(io.BytesIO(_book(_with_merges_everywhere))) as archive:
        first, second = parsing._split_sheet(archive, "xl/worksheets/sheet3.xml")  # "Dữ liệu", the third sheet
        assert first.endswith(b"</sheetData></worksheet>") and second.startswith(b"<worksheet ")
