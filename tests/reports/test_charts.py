"""Charts of issue 5 (admissions per year by occupation, oversight by actor, discipline by form): on the web page
as inline SVG (no script, nothing fetched from outside) and in the Word file as drawn bars."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse

from dangvu.reports import documents as exports
from dangvu.reports.charts import bar_png, chart_data
from dangvu.reports.periods import build_report

pytestmark = pytest.mark.django_db
TERM = (date(2015, 6, 1), date(2020, 9, 30))
TITLES = ("Kết nạp đảng viên theo năm và nghề nghiệp", "Kiểm tra, giám sát theo chủ thể (lượt)",
          "Kỷ luật đảng viên theo hình thức")


def test_chart_data_counts(committee):
    charts = dict(chart_data(build_report(committee.du, *TERM)))
    assert tuple(charts) == TITLES
    admissions = dict(charts[TITLES[0]])
    # 2016: A1 and A2 workers, M6 unknown; 2017: A3 unknown; 2018: A4 worker, A5 other.
    assert admissions["2016 – Công nhân, lao động trực tiếp sản xuất"] == 2
    assert admissions["2016 – Chưa cập nhật"] == 1 and admissions["2018 – Khác"] == 1
    assert sum(admissions.values()) == 6
    assert dict(charts[TITLES[1]])["Ủy ban Kiểm tra"] == 2  # thematic supervision of B1 and A2
    assert dict(charts[TITLES[2]]) == {"Khiển trách": 1, "Cảnh cáo": 0, "Cách chức": 0, "Khai trừ": 0}


def test_charts_on_the_page_are_inline_svg_without_outside_sources(client, committee, cast):
    client.force_login(cast.inspection_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=custom&tu=01/06/2015&den=30/09/2020").content.decode()
    for title in TITLES:
        assert f"<figcaption>{title}</figcaption><svg" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_confidential_charts_only_for_oversight_readers(client, committee, cast):
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + "?to_chuc=DU&ky=custom&tu=01/06/2015&den=30/09/2020").content.decode()
    assert TITLES[0] in page and TITLES[1] not in page and TITLES[2] not in page


def test_charts_in_the_word_file_are_drawn_bars(committee):
    from docx import Document

    document = Document(io.BytesIO(exports.to_docx(build_report(committee.du, *TERM))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert all(title in text for title in TITLES)
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["2016 – Công nhân, lao động trực tiếp sản xuất", "", "2"] in rows
    bars = [shape for shape in document.inline_shapes]
    # One bar per non-zero value: 5 admission rows (2016 ×2, 2017, 2018 ×2), 1 actor, 1 discipline form.
    assert len(bars) == 7
    widths = sorted(shape.width for shape in bars)
    assert widths[-1] == 2 * widths[0]  # proportional: the largest (2) twice the smallest (1)


def test_bar_picture_is_a_valid_png():
    png = bar_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"IHDR" in png and png.endswith(b"IEND\xaeB`\x82")


def test_long_labels_get_room_left_of_the_bars():
    """A long occupation label is not cut at the chart's left edge: the bars start after the longest label."""
    from dangvu.reports.charts import svg_bars

    long_label = "2024 – Công nhân, người lao động trong doanh nghiệp ngoài khu vực nhà nước"
    svg = svg_bars("Kết nạp đảng viên theo năm và nghề nghiệp", [(long_label, 3), ("2024 – Nông dân", 1)])
    bar_left = int(re.search(r'<rect x="(\d+)"', svg).group(1))
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert bar_left >= len(long_label) * 7
    assert width > bar_left + 280
    assert f"viewBox=\"0 0 {width} " in svg
    short = svg_bars("Kỷ luật", [("Khiển trách", 1)])
    assert '<rect x="300"' in short
