"""Chart data (admissions per year by occupation, oversight by actor, discipline by form) and their
renderings: inline SVG bars on the page (no script, no external file); in Word, a table whose bars are
drawn pictures (a one-colour PNG stretched to a width proportional to the value)."""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from html import escape

from dangvu.codes.data import label
from dangvu.reports.figures import ACTOR_LABELS


def chart_data(report) -> list[tuple[str, list[tuple[str, float]]]]:
    f = report.figures
    charts = []
    per_year: Counter = Counter()
    for record in report.populations.get("admissions", []):
        per_year[(record.day.year, record.attrs.get("occupation", "unknown"))] += 1
    if per_year:
        rows = [(f"{year} – {label('occupation', occupation)}", n) for (year, occupation), n in sorted(per_year.items())]
        charts.append(("Kết nạp đảng viên theo năm và nghề nghiệp", rows))
    elif f.get("admissions.total"):
        charts.append(("Kết nạp đảng viên", [("Tổng số", f["admissions.total"])]))
    if report.confidential:
        rows = []
        for actor, name in ACTOR_LABELS.items():
            total = sum(f.get(f"oversight.{actor}.{activity}.{subject}", 0)
                        for activity in ("inspection", "supervision") for subject in ("orgs", "members"))
            rows.append((name, total))
        if any(n for _l, n in rows):
            charts.append(("Kiểm tra, giám sát theo chủ thể (lượt)", rows))
        forms = [("Khiển trách", f.get("discipline.members.reprimand", 0)),
                 ("Cảnh cáo", f.get("discipline.members.warning", 0)),
                 ("Cách chức", f.get("discipline.members.dismissal", 0)),
                 ("Khai trừ", f.get("discipline.members.expulsion", 0))]
        if any(n for _l, n in forms):
            charts.append(("Kỷ luật đảng viên theo hình thức", forms))
    return charts


def svg_bars(title: str, rows: list[tuple[str, float]]) -> str:
    from dangvu.reports.narrative import number

    bar_width, row_height = 280, 24
    # The labels sit left of the bars, right-aligned: room for the longest (about 7,5 px a character at 13 px,
    # Vietnamese letters with their marks included), so that none is cut at the left edge.
    bar_left = max(300, round(max((len(text) for text, _n in rows), default=0) * 7.5) + 16)
    width = bar_left + bar_width + 60
    top = max((n for _l, n in rows), default=0) or 1
    height = row_height * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>']
    for i, (text, n) in enumerate(rows):
        y = i * row_height + 5
        w = round(bar_width * n / top)
        parts.append(f'<text x="{bar_left - 8}" y="{y + 15}" text-anchor="end" font-size="13">{escape(text)}</text>'
                     f'<rect x="{bar_left}" y="{y + 2}" width="{w}" height="16" fill="#a32020"/>'
                     f'<text x="{bar_left + w + 6}" y="{y + 15}" font-size="13">{number(n)}</text>')
    parts.append("</svg>")
    return "".join(parts)


BAR_COLOUR = (0xA3, 0x20, 0x20)


def bar_png(colour: tuple[int, int, int] = BAR_COLOUR, size: int = 4) -> bytes:
    """A small one-colour PNG (written here, no imaging library), stretched in Word to draw a bar."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(colour) * size
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))
