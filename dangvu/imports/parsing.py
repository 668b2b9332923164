"""Reading the office's files: .xlsx and .csv into rows of clean text, whatever the encoding, the
header wording or the date format. Nothing here touches the database."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dangvu.codes.data import LISTS
from dangvu.common.text import clean, search_key
from dangvu.imports import legacy

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_HEADER_SCAN = 15


class FileRefused(Exception):
    """The file cannot be read at all; ``str()`` is the Vietnamese message."""


class Formula(str):
    """A cell that holds a formula instead of a value."""


class Merged:
    """A cell covered by a merged range (not its top-left cell): it has no value of its own."""

    def __repr__(self) -> str:
        return "Merged"


MERGED = Merged()


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]]  # (row number in the file, cell values)
    encoding: str = ""  # legacy encoding found and converted ("tcvn3", "vni")
    converted_cells: int = 0
    notes: list[str] = field(default_factory=list)
    merged_headers: dict = field(default_factory=dict)


# Reading -------------------------------------------------------------------------------------------

def read_file(content: bytes, file_name: str = "") -> Sheet:
    if not content:
        raise FileRefused("Tệp rỗng, không có dữ liệu.")
    if content.startswith(OLE2_MAGIC):
        raise FileRefused(
            "Tệp được đặt mật khẩu hoặc là tệp Excel cũ (.xls): hãy mở bằng Excel, bỏ mật khẩu "
            "(Tệp → Thông tin → Bảo vệ sổ làm việc) và lưu lại dạng .xlsx rồi nhập lại.")
    if content.startswith(ZIP_MAGIC):
        sheet = _read_xlsx(content)
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused("Tệp bị hỏng hoặc không phải tệp Excel (.xlsx): không đọc được.")
    else:
        sheet = _read_csv(content)
    _hygiene(sheet)
    return sheet


def _merged_ranges(content: bytes, worksheet_path: str) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        with archive.open(worksheet_path.lstrip("/")) as stream:
            tail = b""
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                text = tail + chunk
                for ref in re.findall(rb'<mergeCell ref="([A-Z0-9:]+)"', text):
                    ranges.append(range_boundaries(ref.decode()))
                tail = text[-200:]
    return sorted(set(ranges))


def _read_xlsx(content: bytes) -> Sheet:
    """The fast reader (one streaming pass over the sheet XML); openpyxl for anything it does not expect."""
    try:
        return _read_xlsx_fast(content)
    except _NotSimple:
        return _read_xlsx_openpyxl(content)
    except FileRefused:
        raise
    except Exception:  # a damaged file: let openpyxl give its verdict (and the same message as before)
        return _read_xlsx_openpyxl(content)


# Fast .xlsx reading: the shared strings, the styles (which cells are dates) and the rows of one worksheet,
# read with ElementTree's streaming parser. About 10x faster than openpyxl's cell objects, same values:
# numbers as int/float, date-formatted cells as datetime, formulas as ``Formula``, merged cells as ``MERGED``.

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class _NotSimple(Exception):
    """A workbook the fast reader does not handle (e.g. Strict OOXML): read it with openpyxl."""


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0]).lower()
    return bool(re.search(r"[dmyhs]", code)) and "general" not in code


def _xml(archive: zipfile.ZipFile, name: str):
    import xml.etree.ElementTree as ET

    try:
        return ET.fromstring(archive.read(name))
    except KeyError:
        return None


def _sheet_rows(stream):
    """(row number, [(ref, type, style, value, formula, inline text)], merge refs) from the sheet XML, streamed
    (each row is cleared once read, so memory stays flat on a 100 000-row sheet)."""
    import xml.etree.ElementTree as ET

    row_tag, cell_tag, merge_tag = f"{_NS}row", f"{_NS}c", f"{_NS}mergeCell"
    v_tag, f_tag, is_tag, t_tag = f"{_NS}v", f"{_NS}f", f"{_NS}is", f"{_NS}t"
    refs = []
    for _event, element in ET.iterparse(stream, events=("end",)):
        tag = element.tag
        if tag == row_tag:
            cells = []
            for cell in element.iter(cell_tag):
                # One pass over the cell's children (the first <v>, <f>, <is> of each, as find() would take).
                raw = formula = inline = None
                for child in cell:
                    child_tag = child.tag
                    if child_tag == v_tag:
                        if raw is None:
                            raw = child.text or ""
                    elif child_tag == f_tag:
                        if formula is None:
                            formula = child.text or ""
                    elif child_tag == is_tag and inline is None:
                        inline = "".join(t.text or "" for t in child.iter(t_tag))
                attrib = cell.attrib
                cells.append((attrib.get("r"), attrib.get("t", "n"), attrib.get("s"), raw, formula, inline))
            yield element.get("r"), cells, None
            element.clear()
        elif tag == merge_tag:
            refs.append(element.get("ref"))
    if refs:
        yield None, [], refs


def _convert_rows(stream, shared: list[str], date_styles: set[int], epoch: datetime):
    """The rows of a worksheet's XML (or of a part of it made by ``_split_sheet``) as cell values, with the
    merged ranges it lists and its width."""
    rows: list[tuple[int, list]] = []
    merged: list[tuple[int, int, int, int]] = []
    width = 0
    next_row = 1
    for row_number, raw_cells, merge_refs in _sheet_rows(stream):
        if merge_refs:
            from openpyxl.utils.cell import range_boundaries

            merged.extend(range_boundaries(ref) for ref in merge_refs)
            continue
        number = int(row_number or next_row)
        next_row = number + 1
        cells: list = []
        for ref, kind, style, raw, formula, inline in raw_cells:
            if ref:
                column = _column_number(_CELL_REF.match(ref).group(1))
            else:
                column = len(cells) + 1
            if column > len(cells) + 1:
                cells.extend([None] * (column - 1 - len(cells)))
            if formula is not None:
                value = Formula("=" + formula)
            elif kind == "s":
                value = shared[int(raw)] if raw is not None else None
            elif kind == "inlineStr":
                value = inline
            elif raw is None:
                value = None
            elif kind in ("str", "e"):
                value = raw
            elif kind == "b":
                value = raw == "1"
            elif kind == "d":
                value = datetime.fromisoformat(raw.replace("Z", ""))
            else:
                number_value = float(raw)
                if style and int(style) in date_styles:
                    value = epoch + timedelta(days=number_value)
                    if epoch.year == 1899 and number_value < 61:
                        value += timedelta(days=1)  # Excel's 29/02/1900
                elif number_value.is_integer() and "." not in raw and "E" not in raw.upper():
                    value = int(number_value)
                else:
                    value = number_value
            if isinstance(value, str) and not isinstance(value, Formula) and value.startswith("="):
                value = Formula(value)
            cells.append(value)
        width = max(width, len(cells))
        rows.append((number, cells))
    return rows, merged, width


# A worksheet whose XML is larger than this is read in two halves, the second in another process (the
# machine's second core), when it is plain: UTF-8, default namespace, no DOCTYPE, comments or CDATA, the
# second half starting at a <row r="…"> tag. The halves are whole rows inside the same root and sheetData
# tags, so each reads as the whole sheet would; any failure of the other process reads it here instead.
SPLIT_SHEET_BYTES = 8 << 20
_ROW_START = re.compile(rb'<row r="\d+"')


def _split_sheet(archive: zipfile.ZipFile, path: str) -> tuple[bytes, bytes] | None:
    info = archive.getinfo(path)
    if info.file_size <= SPLIT_SHEET_BYTES:
        return None
    xml = archive.read(path)
    head = xml[:4096]
    declaration = re.match(rb'(\xef\xbb\xbf)?<\?xml[^>]*\?>\s*', head)
    if declaration and not re.search(rb'encoding="utf-8"', declaration.group(0), re.IGNORECASE) \
            and b"encoding=" in declaration.group(0):
        return None
    root = re.match(rb'(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>\s*)?(<worksheet\s[^>]*>)', xml)
    data = xml.find(b"<sheetData>")
    if root is None or data < 0 or b"<!DOCTYPE" in xml or b"<!--" in xml or b"<![CDATA[" in xml:
        return None
    end = xml.find(b"</sheetData>", data)
    middle = _ROW_START.search(xml, max(len(xml) // 2, data))
    if end < 0 or middle is None or middle.start() >= end:
        return None
    return (xml[:middle.start()] + b"</sheetData></worksheet>",
            root.group(1) + b"<sheetData>" + xml[middle.start():])


def _convert_part(xml: bytes, shared: list[str], date_styles: set[int], epoch: datetime):
    return _convert_rows(io.BytesIO(xml), shared, date_styles, epoch)


def _convert_in_two(halves: tuple[bytes, bytes], shared: list[str], date_styles: set[int], epoch: datetime):
    """``_convert_rows`` of the whole sheet, from its two halves: the second read by a child process while
    this one reads the first."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    first, second = halves
    pool = None
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        future = pool.submit(_convert_part, second, shared, date_styles, epoch)
    except Exception:  # no child process here: read both halves in this one
        future = None
    try:
        rows, merged, width = _convert_part(first, shared, date_styles, epoch)
        try:
            later = future.result() if future is not None else None
        except Exception:
            later = None
        if later is None:
            later = _convert_part(second, shared, date_styles, epoch)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    rows.extend(later[0])
    return rows, merged + later[1], max(width, later[2])



def _read_xlsx_fast(content: bytes) -> Sheet:
    import posixpath

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = _xml(archive, "xl/workbook.xml")
        if workbook is None or not workbook.tag.startswith(_NS):
            raise _NotSimple
        rels = _xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL_NS}Relationship")} if rels is not None else {}
        pr = workbook.find(f"{_NS}workbookPr")
        epoch = datetime(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") else datetime(1899, 12, 30)
        sheets = [(s.get("name"), s.get("state", "visible"), targets.get(s.get(f"{_REL_NS}id")))
                  for s in workbook.iter(f"{_NS}sheet")]
        visible = [s for s in sheets if s[1] == "visible"] or sheets
        if not visible:
            raise _NotSimple
        name, _state, target = next((s for s in visible if header_key(s[0]) == "dulieu"), visible[0])
        if not target:
            raise _NotSimple
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        shared: list[str] = []
        strings = _xml(archive, "xl/sharedStrings.xml")
        if strings is not None:
            for item in strings.iter(f"{_NS}si"):
                text = item.find(f"{_NS}t")
                if text is not None:
                    shared.append(text.text or "")
                else:  # rich text: the runs, without phonetic hints
                    shared.append("".join(r.findtext(f"{_NS}t") or "" for r in item.findall(f"{_NS}r")))
        date_styles: set[int] = set()
        styles = _xml(archive, "xl/styles.xml")
        if styles is not None:
            custom = {int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter(f"{_NS}numFmt")}
            xfs = styles.find(f"{_NS}cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else []):
                fmt = int(xf.get("numFmtId", 0))
                if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                    date_styles.add(index)
        halves = _split_sheet(archive, path)
        if halves is None:
            with archive.open(path) as stream:
                rows, merged, width = _convert_rows(stream, shared, date_styles, epoch)
    if halves is not None:
        rows, merged, width = _convert_in_two(halves, shared, date_styles, epoch)
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for min_col, min_row, max_col, max_row in sorted(set(merged)):
        width = max(width, max_col)
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    covered[(r, c)] = (min_row, min_col)
    kept: list[tuple[int, list]] = []
    covered_rows = {r for r, _c in covered}
    for number, cells in rows:
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        if number in covered_rows:
            for column in range(1, width + 1):
                if (number, column) in covered:
                    cells[column - 1] = MERGED
        if any(v not in (None, "") and v is not MERGED for v in cells):
            kept.append((number, cells))
    sheet = Sheet(name=name, rows=kept)
    sheet.merged_headers = {(r, c): origin for (r, c), origin in covered.items() if r <= MAX_HEADER_SCAN}
    return sheet


def _read_xlsx_openpyxl(content: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        # Our templates put an instruction sheet first: the data is on "Dữ liệu"; otherwise the first visible sheet.
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"] or book.worksheets
        worksheet = next((ws for ws in visible if header_key(ws.title) == "dulieu"), visible[0])
        merged = _merged_ranges(content, worksheet._worksheet_path)
        covered: dict[tuple[int, int], tuple[int, int]] = {}
        for min_col, min_row, max_col, max_row in merged:
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        covered[(r, c)] = (min_row, min_col)
        rows: list[tuple[int, list]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = []
            for column, value in enumerate(values, start=1):
                if (number, column) in covered:
                    cells.append(MERGED)
                elif isinstance(value, str) and value.startswith("="):
                    cells.append(Formula(value))
                else:
                    cells.append(value)
            if any(v not in (None, "") and v is not MERGED for v in cells):
                rows.append((number, cells))
        name = worksheet.title
        book.close()
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused("Tệp bị hỏng hoặc không phải tệp Excel (.xlsx): không đọc được "
                          f"({type(exc).__name__}).") from exc
    # Merged header cells: a title spanning several columns is read in each of them.
    sheet = Sheet(name=name, rows=rows)
    sheet.merged_headers = {(r, c): origin for (r, c), origin in covered.items() if r <= MAX_HEADER_SCAN}
    return sheet


def _read_csv(content: bytes) -> Sheet:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        # Legacy files saved by Excel in the Windows code page (TCVN3 / VNI bytes): Latin-1 keeps every byte.
        text = content.decode("cp1252", errors="replace") if b"\x81" not in content else content.decode("latin-1")
    if "\x00" in text:
        raise FileRefused("Tệp bị hỏng hoặc không phải tệp CSV/Excel: không đọc được.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if any(v.strip() for v in values):
            rows.append((number, values))
    sheet = Sheet(name="CSV", rows=rows)
    sheet.merged_headers = {}
    return sheet


def _hygiene(sheet: Sheet) -> None:
    """NFC, trimmed, legacy encodings converted (one decision for the whole file)."""
    texts = [v for _n, values in sheet.rows for v in values if isinstance(v, str) and not isinstance(v, Formula)]
    encoding = legacy.detect_file(t for t in texts if not t.isascii())
    sheet.encoding = encoding
    converted = 0
    for _number, values in sheet.rows:
        for index, value in enumerate(values):
            if isinstance(value, str) and not isinstance(value, Formula):
                if encoding and legacy.looks_legacy(value, encoding):
                    value = legacy.to_unicode(value, encoding)[0]
                    converted += 1
                values[index] = clean(value.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
                                      if not encoding else value)
    sheet.converted_cells = converted
    if encoding:
        sheet.notes.append(f"Đã chuyển {converted} ô từ bảng mã {'TCVN3 (ABC)' if encoding == 'tcvn3' else 'VNI'} "
                           "sang Unicode.")


# Headers ------------------------------------------------------------------------------------------

def header_key(text) -> str:
    """Case, diacritics, spacing and punctuation ignored: "Họ và tên" == "HO VA TEN" == "ho_va_ten"."""
    return re.sub(r"[^a-z0-9]", "", search_key(str(text or "")))


@dataclass
class HeaderMatch:
    row: int  # index in sheet.rows of the (last) header row
    columns: dict[str, int]  # field name -> column index
    labels: dict[str, str]  # field name -> the header text in the file
    unused: list[str]


def match_headers(sheet: Sheet, variants: dict[str, list[str]]) -> HeaderMatch | None:
    """Find the header row among the first rows (titles above it are skipped) and map its columns."""
    keyed = {header_key(v): name for name, names in variants.items() for v in names}
    best: HeaderMatch | None = None
    for index in range(min(len(sheet.rows), MAX_HEADER_SCAN)):
        texts = _header_texts(sheet, index)
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        unused = []
        for column, text in enumerate(texts):
            if not text:
                continue
            name = keyed.get(header_key(text)) or keyed.get(header_key(re.sub(r"\(.*?\)", "", text)))
            if name and name not in columns:
                columns[name] = column
                labels[name] = text
            else:
                unused.append(text)
        if len(columns) >= 2 and (best is None or len(columns) > len(best.columns)):
            best = HeaderMatch(row=index, columns=columns, labels=labels, unused=unused)
        # Two-row headers: a merged group title above sub-headings ("Ngày" over "vào Đảng" | "chính thức").
        if index + 1 < len(sheet.rows):
            combined = _combined_texts(sheet, index)
            if combined:
                columns2, labels2, unused2 = {}, {}, []
                for column, text in enumerate(combined):
                    if not text:
                        continue
                    name = keyed.get(header_key(text)) or keyed.get(header_key(re.sub(r"\(.*?\)", "", text)))
                    if name and name not in columns2:
                        columns2[name] = column
                        labels2[name] = text
                    else:
                        unused2.append(text)
                if len(columns2) > len(best.columns if best else {}) and len(columns2) >= 2:
                    best = HeaderMatch(row=index + 1, columns=columns2, labels=labels2, unused=unused2)
    return best


def _header_texts(sheet: Sheet, index: int) -> list[str]:
    number, values = sheet.rows[index]
    texts = []
    for column, value in enumerate(values, start=1):
        if value is MERGED:
            origin = sheet.merged_headers.get((number, column))
            value = _value_at(sheet, *origin) if origin else ""
        texts.append(clean(str(value)) if value not in (None, MERGED) else "")
    return texts


def _value_at(sheet: Sheet, row: int, column: int):
    for number, values in sheet.rows:
        if number == row:
            return values[column - 1] if column - 1 < len(values) else None
    return None


def _combined_texts(sheet: Sheet, index: int) -> list[str] | None:
    top = _header_texts(sheet, index)
    number, _values = sheet.rows[index]
    next_number, _next = sheet.rows[index + 1]
    if next_number != number + 1:
        return None
    below = _header_texts(sheet, index + 1)
    merged_top = {c for (r, c) in sheet.merged_headers if r == number} | {
        origin[1] for (r, _c), origin in sheet.merged_headers.items() if r == number}
    if not merged_top:
        return None
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    out = []
    for column in range(width):
        if below[column] and (column + 1) in merged_top:
            out.append(f"{top[column]} {below[column]}".strip())
        else:
            out.append(top[column] or below[column])
    return out


# Values -------------------------------------------------------------------------------------------

class BadValue(Exception):
    """A value that cannot be read; ``str()`` is the Vietnamese reason."""


EXCEL_EPOCH = date(1899, 12, 30)
_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def check_cell(value):
    if value is MERGED:
        raise BadValue("Ô nằm trong vùng gộp ô (merge): mỗi dòng cần giá trị riêng.")
    if isinstance(value, Formula):
        raise BadValue(f"Ô chứa công thức ({value[:40]}) thay vì giá trị: hãy sao chép và dán dạng giá trị.")
    return value


def parse_text(value) -> str:
    value = check_cell(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value))


def parse_digits(value) -> str:
    """Citizen ID, card number: digits kept as text (leading zeros lost by Excel are not restored)."""
    text = parse_text(value).replace(" ", "").replace(".", "")
    if text.startswith("'"):
        text = text[1:]
    return text


def parse_date(value, *, today: date | None = None) -> date | None:
    value = check_cell(value)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    if isinstance(value, str) and today is None:
        key = (value, date.today().year)
        if key not in _DATE_CACHE:
            if len(_DATE_CACHE) > 50_000:
                _DATE_CACHE.clear()
            _DATE_CACHE[key] = _parse_date_text(value, today)  # a BadValue is raised, not cached
        return _DATE_CACHE[key]
    return _parse_date_text(str(value), today)


_DATE_CACHE: dict[tuple[str, int], date] = {}


def _parse_date_text(value: str, today: date | None) -> date:
    text = clean(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text))
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            pivot = (today or date.today()).year % 100
            year += 2000 if year <= pivot else 1900
        return _make(year, month, day, text)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make(year, month, day, text)
    raise BadValue(f"Không đọc được ngày “{text}”: viết dạng ngày/tháng/năm, ví dụ 05/09/1990.")


def _serial(number: float) -> date:
    if not 1 <= number <= 2958465:
        raise BadValue(f"Số ngày Excel {number:g} không hợp lệ.")
    return EXCEL_EPOCH + timedelta(days=int(number))


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(f"Ngày “{text}” không có thật (ngày/tháng/năm).") from None


# Synonyms offices use for some codes, keyed by header_key of the text.
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"nu": "female", "f": "female", "m": "male", "nam": "male"},
    "general_education": {"1212": "upper_secondary", "1010": "upper_secondary", "912": "lower_secondary",
                          "910": "lower_secondary", "712": "lower_secondary", "512": "primary",
                          "thpt": "upper_secondary", "thcs": "lower_secondary"},
    "professional": {"cunhan": "bachelor", "kysu": "bachelor", "thacsy": "master", "tiensy": "doctor",
                     "khong": "none", "trungcapchuyennghiep": "intermediate"},
    "political_theory": {"caocap": "advanced", "cunhan": "advanced", "khong": "none", "chuaqua": "none"},
    "religion": {"khongtongiao": "none", "thienchua": "catholicism", "thienchuagiao": "catholicism",
                 "phat": "buddhism", "dao phat": "buddhism", "daophat": "buddhism"},
}


def code_index(list_name: str, entries=None) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, text in (entries if entries is not None else LISTS[list_name]):
        index[header_key(code)] = code
        index[header_key(text)] = code
    index.update(SYNONYMS.get(list_name, {}))
    return index


_CODE_CACHE: dict[tuple, str] = {}  # (list or index, text) -> code: a file repeats the same few labels


def parse_code(value, list_name: str, *, index: dict[str, str] | None = None, default: str = "") -> str:
    text = parse_text(value)
    if not text:
        return default
    key = (list_name, id(index), text)
    cached = _CODE_CACHE.get(key)
    if cached is not None:
        return cached
    index = index or code_index(list_name)
    found = index.get(header_key(text))
    if found is not None and len(_CODE_CACHE) < 50_000:
        _CODE_CACHE[key] = found
    if found is None:
        raise BadValue(f"Giá trị “{text}” không có trong danh mục.")
    return found


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
