"""Downloadable .xlsx templates: Vietnamese headings, an instruction sheet, and drop-down lists for the
coded columns (the drop-down values live on a hidden sheet)."""

from __future__ import annotations

import io

from dangvu.codes.data import LISTS
from dangvu.imports.kinds import KINDS, ORG_TYPE_CHOICES, STATUS_CHOICES


def template_bytes(kind_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = KINDS[kind_name]()
    fields = [f for f in kind.FIELDS if f.name != "stt"]
    book = Workbook()
    data = book.active
    data.title = "Dữ liệu"
    data.append(["STT", *[f.label for f in fields]])
    for cell in data[1]:
        cell.font = Font(bold=True)
    lists = book.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    coded = {"status": [label for code, label in STATUS_CHOICES[:9] if code in ("probationary", "official")],
             "org_type": [label for _c, label in ORG_TYPE_CHOICES]}
    column_in_lists = 0
    for index, spec in enumerate(fields, start=2):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = 22
        choice_lists = getattr(kind, "CHOICE_LISTS", {})
        values = coded.get(spec.name) or (
            [label for _c, label in choice_lists[spec.code_list]] if spec.code_list in choice_lists
            else [label for _c, label in LISTS[spec.code_list]] if spec.code_list else None)
        if spec.name.endswith(("_on", "date_of_birth", "_date")):
            for row in range(2, 1002):
                data[f"{letter}{row}"].number_format = "DD/MM/YYYY"
        if not values:
            continue
        column_in_lists += 1
        list_letter = get_column_letter(column_in_lists)
        lists[f"{list_letter}1"] = spec.label
        for offset, value in enumerate(values, start=2):
            lists[f"{list_letter}{offset}"] = value
        validation = DataValidation(type="list", formula1=f"='Danh mục'!${list_letter}$2:${list_letter}${len(values) + 1}",
                                    allow_blank=True, showErrorMessage=True, errorTitle="Giá trị không có trong danh mục",
                                    error="Hãy chọn một giá trị trong danh sách.")
        validation.add(f"{letter}2:{letter}1001")
        data.add_data_validation(validation)
    guide = book.create_sheet("Hướng dẫn", 0)
    guide.column_dimensions["A"].width = 32
    guide.column_dimensions["B"].width = 90
    guide.append([f"Mẫu nhập {kind.label.lower()}"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["Ghi dữ liệu ở trang “Dữ liệu”, mỗi dòng một bản ghi; không gộp ô, không dùng công thức."])
    guide.append(["Ngày viết dạng ngày/tháng/năm (05/09/1990); cột có danh sách thả xuống nhận tên hoặc mã."])
    guide.append([])
    guide.append(["Cột", "Ghi chú"])
    for spec in fields:
        note = "Bắt buộc có cột. " if spec.required else ""
        if spec.note:
            note += spec.note[0].upper() + spec.note[1:] + ". "
        if spec.variants:
            note += "Tên cột khác được chấp nhận: " + ", ".join(spec.variants) + "."
        guide.append([spec.label, note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
