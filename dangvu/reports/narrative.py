"""The Vietnamese narrative, generated from the figures by templates (no language model).

Organised like DOMAIN.md §6.1: situation at the start and the end; organisation and members;
development; inspection, supervision and discipline. A sentence whose figures are all zero is left
out; numbers use Vietnamese grouping (1.234); figures are compared with the previous period of the
same length and with the same period one year earlier, with the ratio (``dangvu.reports.periods``),
where the earlier data exists.
"""

from __future__ import annotations

from collections.abc import Sequence

OVERSIGHT_HEADING = "IV. Công tác kiểm tra, giám sát và thi hành kỷ luật đảng"


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = f"{value:,.1f}".partition(".")
        return f"{whole.replace(',', '.')},{fraction}"
    return f"{int(value):,}".replace(",", ".")


def _list(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def comparisons(report) -> list[tuple[str, str, dict]]:
    """[(key, label, figures)] of the periods the report is compared with: the same period one year
    earlier ("year_earlier") and the previous period ("previous"), once when they are the same period."""
    result = []
    same = getattr(report, "year_earlier", None)
    same_period = getattr(report, "year_earlier_period", None)
    if same is not None and same_period is not None:
        result.append(("year_earlier", getattr(report, "year_earlier_label", "") or "cùng kỳ năm trước", same))
    if report.comparison is not None and report.previous is not None and tuple(report.previous) != (
            tuple(same_period) if same is not None and same_period is not None else None):
        start, stop = report.previous
        label = getattr(report, "previous_label", "") or f"kỳ trước, từ {start:%d/%m/%Y} đến {stop:%d/%m/%Y}"
        result.append(("previous", label, report.comparison))
    return result


def percent(value) -> str:
    return f"{number(value)}%" if value is not None else ""


def _compare(report, figure_id: str) -> str:
    """" (so với 6 tháng đầu năm 2024: 4, tăng 2, bằng 150%; so với 6 tháng cuối năm 2024: 5, tăng 1, bằng
    120%)" — a comparison whose earlier data does not exist is left out."""
    from dangvu.reports.periods import ratio

    now = report.figures.get(figure_id, 0)
    parts = []
    for _key, label, figures in comparisons(report):
        earlier = figures.get(figure_id)
        if earlier is None:
            continue
        text = f"so với {label}: {number(earlier)}"
        if now != earlier:
            text += f", {'tăng' if now > earlier else 'giảm'} {number(abs(now - earlier))}"
        share = ratio(now, earlier)
        if share is not None:
            text += f", bằng {percent(share)}"
        parts.append(text)
    return f" ({'; '.join(parts)})" if parts else ""


def _with(items: Sequence[tuple[int, str]]) -> list[str]:
    return [f"{number(value)} {text}" for value, text in items if value]


def paragraphs(report) -> list[tuple[str, list[str]]]:
    """[(heading, [sentence, …])]; sections with no sentence are dropped."""
    f = report.figures
    name = report.root.name
    sections: list[tuple[str, list[str]]] = []

    situation = []
    if f["members.opening"] or f["members.closing"]:
        situation.append(f"Đầu kỳ, {name} có {number(f['members.opening'])} đảng viên; cuối kỳ có "
                         f"{number(f['members.closing'])} đảng viên{_compare(report, 'members.closing')}.")
    closing_parts = _with([(f["members.closing.official"], "đảng viên chính thức"),
                           (f["members.closing.probationary"], "đảng viên dự bị"),
                           (f["members.closing.female"], "đảng viên nữ"),
                           (f["members.closing.ethnic_minority"], "đảng viên là người dân tộc thiểu số"),
                           (f["members.closing.religious"], "đảng viên có đạo"),
                           (f["members.closing.exempted"], "đảng viên được miễn sinh hoạt")])
    if closing_parts:
        situation.append(f"Trong tổng số đảng viên cuối kỳ có {_list(closing_parts)}.")
    org_parts = _with([(f["orgs.closing.base_party_committees"], "đảng bộ cơ sở"),
                       (f["orgs.closing.base_cells"], "chi bộ cơ sở"),
                       (f["orgs.closing.subordinate_cells"], "chi bộ trực thuộc")])
    if org_parts:
        situation.append(f"Đến cuối kỳ có {number(f['orgs.closing.base'])} tổ chức cơ sở đảng, gồm "
                         f"{_list(org_parts[:2]) or '0 tổ chức cơ sở'}"
                         + (f"; {org_parts[2]}" if len(org_parts) > 2 else "") + ".")
    if situation:
        sections.append(("I. Đặc điểm tình hình", situation))

    organisation = []
    changes = _with([(f["orgs.founded"], "tổ chức đảng được thành lập mới"),
                     (f["orgs.merged"], "tổ chức đảng được sáp nhập"),
                     (f["orgs.dissolved"], "tổ chức đảng giải thể")])
    if changes:
        organisation.append(f"Công tác kiện toàn tổ chức: trong kỳ có {_list(changes)}.")
    increases = _with([(f["members.transferred_in"], "đảng viên chuyển đến"),
                       (f["members.restored"], "đảng viên được phục hồi đảng tịch"),
                       (f["members.org_moved_in"], "đảng viên vào Đảng bộ theo tổ chức")])
    if increases:
        organisation.append(f"Ngoài số kết nạp mới, tăng {_list(increases)}.")
    decreases = _with([(f["members.transferred_out"], "đảng viên chuyển đi"),
                       (f["members.died"], "đảng viên từ trần"),
                       (f["members.removed"], "đảng viên bị xóa tên"),
                       (f["members.probation_removed"], "đảng viên dự bị bị xóa tên"),
                       (f["members.resigned"], "đảng viên xin ra khỏi Đảng"),
                       (f["members.expelled"], "đảng viên bị khai trừ"),
                       (f["members.org_moved_out"], "đảng viên ra khỏi Đảng bộ theo tổ chức")])
    if decreases:
        organisation.append(f"Giảm {_list(decreases)}.")
    if f["members.recognized_official"]:
        organisation.append(f"Đã xét, công nhận {number(f['members.recognized_official'])} đảng viên chính thức.")
    if organisation:
        sections.append(("II. Công tác tổ chức, đảng viên", organisation))

    development = []
    if f["admissions.total"]:
        of_whom = _with([(f["admissions.occupation.worker"], "đảng viên là công nhân lao động"),
                         (f["admissions.business_owner"], "đảng viên là chủ doanh nghiệp"),
                         (f["admissions.female"], "đảng viên nữ"),
                         (f["admissions.ethnic_minority"], "đảng viên là người dân tộc thiểu số"),
                         (f["admissions.religious"], "đảng viên có đạo"),
                         (f["admissions.youth_union"], "đảng viên là đoàn viên"),
                         (f["admissions.age_18_30"], "đảng viên từ 18 đến 30 tuổi")])
        sentence = (f"Toàn Đảng bộ phát triển được {number(f['admissions.total'])} đảng viên mới"
                    f"{_compare(report, 'admissions.total')}")
        sentence += f", trong đó có {_list(of_whom)}." if of_whom else "."
        development.append(sentence)
        if f["admissions.readmitted"]:
            development.append(f"Kết nạp lại {number(f['admissions.readmitted'])} người.")
        if f["admissions.base_orgs_admitting"]:
            development.append(f"Có {number(f['admissions.base_orgs_admitting'])} tổ chức cơ sở đảng kết nạp được "
                               "đảng viên trong kỳ.")
    if development:
        sections.append(("III. Công tác phát triển đảng viên", development))

    if report.confidential:
        oversight = _oversight_sentences(report)
        if oversight:
            sections.append((OVERSIGHT_HEADING, oversight))
    return sections


def _oversight_sentences(report) -> list[str]:
    f = report.figures
    sentences = []
    name = "Ban Thường vụ"
    done = _with([(f["oversight.standing_committee.inspection.orgs"], "tổ chức đảng"),
                  (f["oversight.standing_committee.inspection.members"], "đảng viên")])
    watched = _with([(f["oversight.standing_committee.supervision.orgs"], "tổ chức đảng"),
                     (f["oversight.standing_committee.supervision.members"], "đảng viên")])
    parts = ([f"kiểm tra {_list(done)}"] if done else []) + ([f"giám sát {_list(watched)}"] if watched else [])
    if parts:
        sentences.append(f"{name} {report.root.name} thực hiện {'; '.join(parts)}.")
    if f["programmes.base_orgs_with_programme"]:
        sentences.append(f"{number(f['programmes.base_orgs_with_programme'])} cấp ủy cơ sở đã xây dựng chương trình "
                         "kiểm tra, giám sát hằng năm.")
    base = _with([(f["oversight.base_committees.inspection.orgs"], "tổ chức đảng trực thuộc"),
                  (f["oversight.base_committees.inspection.members"], "đảng viên")])
    base_watch = _with([(f["oversight.base_committees.supervision.members"], "đảng viên"),
                        (f["oversight.base_committees.supervision.orgs"], "tổ chức đảng trực thuộc")])
    parts = ([f"kiểm tra {_list(base)}"] if base else []) + ([f"giám sát {_list(base_watch)}"] if base_watch else [])
    if parts:
        sentences.append(f"Cấp ủy các tổ chức cơ sở đảng thực hiện {'; '.join(parts)}.")
    ubkt = []
    if f["oversight.inspection_committee.inspection_oversight_work.orgs"]:
        ubkt.append("kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật đảng đối với "
                    f"{number(f['oversight.inspection_committee.inspection_oversight_work.orgs'])} tổ chức đảng")
    if f["oversight.inspection_committee.inspection_violation_signs.members"]:
        ubkt.append("kiểm tra khi có dấu hiệu vi phạm đối với "
                    f"{number(f['oversight.inspection_committee.inspection_violation_signs.members'])} đảng viên")
    thematic = _with([(f["oversight.inspection_committee.supervision_thematic.orgs"], "tổ chức đảng"),
                      (f["oversight.inspection_committee.supervision_thematic.members"], "đảng viên")])
    if thematic:
        ubkt.append(f"giám sát chuyên đề đối với {_list(thematic)}")
    if ubkt:
        sentences.append(f"Ủy ban Kiểm tra đã tiến hành {'; '.join(ubkt)}.")
    if f["discipline.members.total"]:
        forms = _with([(f["discipline.members.reprimand"], "khiển trách"), (f["discipline.members.warning"], "cảnh cáo"),
                       (f["discipline.members.dismissal"], "cách chức"), (f["discipline.members.expulsion"], "khai trừ")])
        sentences.append(f"Tổng số đảng viên bị thi hành kỷ luật trong kỳ là {number(f['discipline.members.persons'])} "
                         f"người ({number(f['discipline.members.total'])} lượt) với các hình thức "
                         + _list([" ".join(p.split(" ", 1)[::-1]) for p in forms])
                         + f"{_compare(report, 'discipline.members.total')}.")
    if f["discipline.orgs.total"]:
        sentences.append(f"Thi hành kỷ luật {number(f['discipline.orgs.total'])} tổ chức đảng.")
    if f["discipline.members.suspended"]:
        sentences.append(f"Đình chỉ sinh hoạt đảng {number(f['discipline.members.suspended'])} đảng viên.")
    return sentences


def narrative(report) -> str:
    blocks = []
    for heading, sentences in paragraphs(report):
        blocks.append(heading + "\n" + " ".join(sentences))
    if not blocks:
        return f"Trong kỳ, {report.root.name} không có số liệu để báo cáo."
    return "\n\n".join(blocks)



def text_paragraphs(text: str) -> list[tuple[str, list[str]]]:
    """The stored text split back into [(heading, [body])], the inverse of ``narrative``: an issued report
    shows its text exactly as issued, whatever the templates say today."""
    blocks = []
    for block in (text or "").split("\n\n"):
        if not block.strip():
            continue
        heading, newline, body = block.partition("\n")
        blocks.append((heading, [body]) if newline else ("", [heading]))
    return blocks


def without_oversight(text: str) -> str:
    """The stored text without its inspection/discipline section (for readers who may not see it)."""
    return "\n\n".join(block for block in (text or "").split("\n\n") if not block.startswith(OVERSIGHT_HEADING))


def report_paragraphs(report) -> list[tuple[str, list[str]]]:
    """The paragraphs shown and exported: from the report's text when it has one (an issued report's
    frozen text; for a computed report the text is ``narrative(report)``), else from the figures."""
    if report.text:
        return [(h, s) for h, s in text_paragraphs(report.text) if h]
    return paragraphs(report)
