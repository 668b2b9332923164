"""Helpers that write the messy files of the test corpus (openpyxl workbooks and raw bytes)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from dangvu.imports import services

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số thẻ đảng viên", "Ngày vào Đảng",
           "Ngày chính thức", "Chi bộ / Mã tổ chức", "Nghề nghiệp", "Trình độ học vấn", "Lý luận chính trị"]


def member_row(n: int, org="C1", admitted="02/04/2018", official="02/04/2019", **extra):
    row = {"STT": n, "Họ và tên": f"Nguyễn Văn Thử {n}", "Ngày sinh": "15/03/1990", "Giới tính": "Nam",
           "Dân tộc": "Kinh", "Số CCCD": f"0790{n:08d}", "Số thẻ đảng viên": "", "Ngày vào Đảng": admitted,
           "Ngày chính thức": official, "Chi bộ / Mã tổ chức": org, "Nghề nghiệp": "Công nhân, lao động trực tiếp sản xuất",
           "Trình độ học vấn": "12/12", "Lý luận chính trị": "Sơ cấp"}
    row.update(extra)
    return row


def xlsx_bytes(rows: list[dict] | list[list], headers=None, *, title=None, setup=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    if setup:
        setup(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], headers=None, *, delimiter=",", bom=True, encoding="utf-8") -> bytes:
    headers = headers or HEADERS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


@pytest.fixture
def run_import(system_user):
    """run_import(content, kind="members", user=None, commit=False, name="so.xlsx") -> (batch, report)."""

    def _run(content: bytes, kind="members", user=None, commit=False, name="so-dang-vien.xlsx"):
        user = user or system_user
        batch = services.batch_create(user=user, kind=kind, file_name=name, content=content)
        report = services.batch_preview(batch, user=user)
        if commit and report.ok:
            report = services.batch_commit(batch, user=user)
        batch.refresh_from_db()
        return batch, report

    return _run


TODAY = date.today()
