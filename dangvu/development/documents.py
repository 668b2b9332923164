"""The admission decision (9-KNĐ) and the recognition decision as Word files, from the recorded steps,
in the Party's document format (HD 36-HD/VPTW; DOMAIN.md §6.3): two-column header, number, place and
date line, "QUYẾT ĐỊNH" with its subject, body, signature block and "Nơi nhận", Times New Roman 14."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangvu.development.models import Candidate, CandidateStep, StepKind
from dangvu.development.services import DECIDING_BODIES, probation_end
from dangvu.organisations.models import Organisation, OrgType

FONT = "Times New Roman"
DEFAULT_PLACE = "TP. Hồ Chí Minh"


def party_date(day: date) -> str:
    """Days 1–9 and months 1–2 take a leading zero (HD 36-HD/VPTW): "ngày 05 tháng 02 năm 2020"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _upper(text: str) -> str:
    return text.upper()


def _issuer(candidate: Candidate, body_kind: str) -> Organisation:
    """The committee that issues the decision: the authorised base committee, or the superior committee."""
    chain = [int(part) for part in candidate.organisation.path.strip(".").split(".")]
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=chain)}
    ordered = [orgs[pk] for pk in chain if pk in orgs]
    wanted = OrgType.BASE_PARTY_COMMITTEE if body_kind == "base_authorised" else OrgType.SUPERIOR_COMMITTEE
    for org in reversed(ordered):
        if org.org_type == wanted:
            return org
    return ordered[0]


def header_lines(issuer: Organisation) -> tuple[str, str]:
    """("ĐẢNG BỘ …", "ĐẢNG ỦY …"): the organisation above, then the issuing committee."""
    name = issuer.name
    core = name.split(" ", 2)[2] if name.lower().startswith(("đảng bộ ", "đảng ủy ")) else name
    upper = issuer.parent.name if issuer.parent_id else f"Đảng bộ {core}"
    return _upper(upper), _upper(f"Đảng ủy {core}")


def _font(run, size=14, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text="", *, size=14, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_after=0, indent=False):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return document


def _header(document, issuer: Organisation, number: str, place: str, day: date) -> None:
    upper, own = header_lines(issuer)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(left.paragraphs[0].add_run(upper), 14)
    _para(left, own, bold=True)
    _para(left, "*")
    _para(left, f"Số {number}")
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, bold=True)
    _para(right, "───────────────")
    _para(right, f"{place}, {party_date(day)}", italic=True)
    _para(document, "")


def _signature(document, body_kind: str, signer: str, recipients: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    _font(left.paragraphs[0].add_run("Nơi nhận:"), 12, bold=True, italic=False)
    for line in recipients:
        _para(left, line, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(right.paragraphs[0].add_run(DECIDING_BODIES.get(body_kind, DECIDING_BODIES["superior_standing"])[1]),
          14, bold=True)
    _para(right, "BÍ THƯ", bold=True)
    for _ in range(3):
        _para(right, "")
    _para(right, signer or "", bold=True)


def _steps(candidate: Candidate) -> dict[str, CandidateStep]:
    return {s.kind: s for s in candidate.steps.order_by("day", "id") if s.outcome != "failed"}


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def admission_decision(candidate: Candidate) -> bytes:
    steps = _steps(candidate)
    decision = steps[StepKind.DECISION]
    resolution = steps[StepKind.CELL_RESOLUTION]
    body_kind = decision.details.get("body_kind", "superior_standing")
    issuer = _issuer(candidate, body_kind)
    place = decision.details.get("place") or DEFAULT_PLACE
    document = _document()
    _header(document, issuer, decision.document_number, place, decision.day)
    _para(document, "QUYẾT ĐỊNH", size=16, bold=True)
    _para(document, "kết nạp đảng viên" if not candidate.former_member_id else "kết nạp lại đảng viên", bold=True)
    _para(document, "-----", space_after=6)
    committee = header_lines(issuer)[1]
    _para(document, ("BAN THƯỜNG VỤ " if body_kind != "base_authorised" else "") + committee, bold=True,
          space_after=6)
    bases = ["- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"]
    applied = sorted({v for k, v in (resolution.rules_applied | decision.rules_applied).items()
                      if k.startswith(("ADM", "READM"))})
    if applied:
        bases.append("- Căn cứ " + "; ".join(applied[:3]) + ";")
    bases.append(f"- Xét Nghị quyết của {candidate.organisation.name} ngày {resolution.day:%d/%m/%Y} đề nghị "
                 f"kết nạp đảng viên và đề nghị của Ban Tổ chức,")
    for line in bases:
        _para(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, "QUYẾT ĐỊNH", bold=True, space_after=6)
    born = candidate.date_of_birth
    address = f", quê quán {candidate.home_town}" if candidate.home_town else ""
    _para(document, f"Điều 1. Kết nạp đồng chí {candidate.full_name}, sinh ngày {born:%d/%m/%Y}{address}, "
                    f"vào Đảng Cộng sản Việt Nam.", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, "Thời gian dự bị 12 tháng, kể từ ngày chi bộ tổ chức lễ kết nạp.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, f"Điều 2. {candidate.organisation.name} tổ chức lễ kết nạp trong thời hạn 30 ngày làm việc "
                    "theo quy định và giúp đỡ đảng viên dự bị phấn đấu trở thành đảng viên chính thức.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, f"Điều 3. Ban Tổ chức, {candidate.organisation.name} và đồng chí {candidate.full_name} "
                    "thi hành Quyết định này.", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, space_after=12)
    _signature(document, body_kind, decision.details.get("signer", ""),
               ["- Như Điều 3,", f"- {candidate.organisation.name},", "- Lưu Văn phòng Đảng ủy."])
    return _bytes(document)


def recognition_decision(candidate: Candidate) -> bytes:
    steps = _steps(candidate)
    recognition = steps[StepKind.RECOGNITION]
    decision = steps[StepKind.DECISION]
    ceremony = steps[StepKind.CEREMONY]
    vote = steps.get(StepKind.RECOGNITION_VOTE)
    body_kind = recognition.details.get("body_kind") or decision.details.get("body_kind", "superior_standing")
    issuer = _issuer(candidate, body_kind)
    place = recognition.details.get("place") or decision.details.get("place") or DEFAULT_PLACE
    official_on = probation_end(ceremony.day)
    document = _document()
    _header(document, issuer, recognition.document_number, place, recognition.day)
    _para(document, "QUYẾT ĐỊNH", size=16, bold=True)
    _para(document, "công nhận đảng viên chính thức", bold=True)
    _para(document, "-----", space_after=6)
    committee = header_lines(issuer)[1]
    _para(document, ("BAN THƯỜNG VỤ " if body_kind != "base_authorised" else "") + committee, bold=True,
          space_after=6)
    lines = ["- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
             f"- Căn cứ Quyết định số {decision.document_number} ngày {decision.day:%d/%m/%Y} về việc kết nạp "
             f"đảng viên;"]
    if vote:
        lines.append(f"- Xét Nghị quyết của {candidate.organisation.name} ngày {vote.day:%d/%m/%Y} đề nghị công "
                     "nhận đảng viên chính thức và đề nghị của Ban Tổ chức,")
    for line in lines:
        _para(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, "QUYẾT ĐỊNH", bold=True, space_after=6)
    _para(document, f"Điều 1. Công nhận đồng chí {candidate.full_name}, sinh ngày "
                    f"{candidate.date_of_birth:%d/%m/%Y}, kết nạp vào Đảng ngày {decision.day:%d/%m/%Y}, "
                    f"là đảng viên chính thức kể từ ngày {official_on:%d/%m/%Y}.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _para(document, f"Điều 2. Ban Tổ chức, {candidate.organisation.name} và đồng chí {candidate.full_name} "
                    "thi hành Quyết định này.", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, space_after=12)
    _signature(document, body_kind, recognition.details.get("signer", ""),
               ["- Như Điều 2,", f"- {candidate.organisation.name},", "- Lưu Văn phòng Đảng ủy."])
    return _bytes(document)


DOCUMENTS = {
    "ket-nap": (StepKind.DECISION, admission_decision, "quyet-dinh-ket-nap"),
    "cong-nhan": (StepKind.RECOGNITION, recognition_decision, "quyet-dinh-cong-nhan-chinh-thuc"),
}
