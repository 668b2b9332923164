"""The figure registry: every figure of REPORTS.md defined once, declaratively.

A figure is an ID, a Vietnamese label, the population of records it counts (computed by the engine,
see ``engine.POPULATIONS``) and the attribute values a record must carry to count. The same
definition drives the count, the drill-down (the records that match) and every export, so adding a
figure is adding one ``FigureDef`` to ``REGISTRY``. Oversight and discipline figures are counted and
drilled by ``dangvu.oversight.figures`` (population ``oversight``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvu.codes.data import AGE_BANDS, LISTS

SECTIONS = {
    "members": "Đảng viên",
    "organisations": "Tổ chức đảng",
    "development": "Phát triển đảng viên",
    "oversight": "Kiểm tra, giám sát",
    "discipline": "Thi hành kỷ luật",
}
CONFIDENTIAL_SECTIONS = {"oversight", "discipline"}


@dataclass(frozen=True)
class FigureDef:
    id: str
    label: str
    section: str
    population: str
    match: tuple[tuple[str, object], ...] = ()
    kind: str = "count"  # "count" or "mean" (the mean of ``value`` over the matching records)
    value: str = ""

    @property
    def confidential(self) -> bool:
        return self.section in CONFIDENTIAL_SECTIONS


REGISTRY: dict[str, FigureDef] = {}


def define(figure_id: str, label: str, section: str, population: str, kind: str = "count", value: str = "",
           **match) -> None:
    assert figure_id not in REGISTRY, figure_id
    REGISTRY[figure_id] = FigureDef(figure_id, label, section, population, tuple(sorted(match.items())), kind, value)


JOIN_ERAS = [
    ("before_1945", "Vào Đảng trước 19/8/1945"),
    ("1945_1954", "Vào Đảng từ 19/8/1945 đến 20/7/1954"),
    ("1954_1975", "Vào Đảng từ 21/7/1954 đến 30/4/1975"),
    ("from_1975", "Vào Đảng từ 01/5/1975"),
    ("unknown", "Chưa cập nhật"),
]
OCCUPATION_GROUPS = {
    "civil_servant": ("Cán bộ, công chức", ("state_official", "party_front_official", "commune_official")),
    "student": ("Học sinh, sinh viên", ("university_student", "pupil")),
    "enterprise": ("Người làm việc trong doanh nghiệp", ("enterprise_manager", "enterprise_staff", "worker")),
}
BREAKDOWN_TITLES = {
    "occupation": "nghề nghiệp", "general_education": "giáo dục phổ thông", "professional": "chuyên môn, nghiệp vụ",
    "academic_title": "học hàm", "political_theory": "lý luận chính trị", "ethnicity": "dân tộc",
    "religion": "tôn giáo", "age": "độ tuổi", "joined": "thời gian vào Đảng",
}
AGE_CODES = [(code, label) for code, label, _low, _high in AGE_BANDS] + [("unknown", "Chưa cập nhật")]

# Membership ------------------------------------------------------------------------------------
define("members.opening", "Đảng viên đầu kỳ", "members", "opening")
define("members.closing", "Đảng viên cuối kỳ", "members", "closing")
define("members.closing.official", "Đảng viên chính thức cuối kỳ", "members", "closing", status="official")
define("members.closing.probationary", "Đảng viên dự bị cuối kỳ", "members", "closing", status="probationary")
define("members.closing.exempted", "Đảng viên được miễn sinh hoạt cuối kỳ", "members", "closing", exempted=True)
define("members.closing.female", "Đảng viên nữ cuối kỳ", "members", "closing", gender="female")
define("members.closing.ethnic_minority", "Đảng viên dân tộc thiểu số cuối kỳ", "members", "closing",
       ethnic_minority=True)
define("members.closing.religious", "Đảng viên có đạo cuối kỳ", "members", "closing", religious=True)
define("members.closing.youth_union", "Đảng viên là đoàn viên cuối kỳ", "members", "closing", youth_union=True)
define("members.closing.business_owner", "Đảng viên là chủ doanh nghiệp tư nhân cuối kỳ", "members", "closing",
       business_owner=True)
define("members.closing.foreign_spouse", "Đảng viên có vợ/chồng người nước ngoài cuối kỳ", "members", "closing",
       foreign_spouse=True)
for _attr in ("occupation", "general_education", "professional", "academic_title", "political_theory", "ethnicity",
              "religion"):
    for _code, _label in LISTS[_attr]:
        define(f"members.closing.{_attr}.{_code}", f"Đảng viên cuối kỳ – {BREAKDOWN_TITLES[_attr]}: {_label}",
               "members", "closing", **{_attr: _code})
for _code, _label in AGE_CODES:
    define(f"members.closing.age.{_code}", f"Đảng viên cuối kỳ – độ tuổi: {_label}", "members", "closing",
           age_band=_code)
define("members.closing.age.mean", "Tuổi bình quân của đảng viên cuối kỳ", "members", "closing", kind="mean",
       value="age")
for _code, _label in JOIN_ERAS:
    define(f"members.closing.joined.{_code}", f"Đảng viên cuối kỳ – {_label}", "members", "closing", joined=_code)
define("members.recognized_official", "Công nhận đảng viên chính thức", "members", "recognitions")
FLOWS = {
    "transferred_in": "Đảng viên chuyển đến", "transferred_out": "Đảng viên chuyển đi",
    "org_moved_in": "Đảng viên vào phạm vi theo tổ chức (chuyển trực thuộc, sáp nhập)",
    "org_moved_out": "Đảng viên ra khỏi phạm vi theo tổ chức (chuyển trực thuộc, sáp nhập)",
    "restored": "Phục hồi đảng tịch", "removed": "Xóa tên", "probation_removed": "Xóa tên khỏi danh sách dự bị",
    "resigned": "Xin ra khỏi Đảng", "expelled": "Khai trừ (đảng viên ra khỏi Đảng)", "died": "Từ trần",
}
for _flow, _label in FLOWS.items():
    define(f"members.{_flow}", _label, "members", "flows", flow=_flow)
for _flow in ("transferred_in", "transferred_out"):
    define(f"members.{_flow}.other_province", f"{FLOWS[_flow]} – ngoài tỉnh, thành phố", "members", "flows",
           flow=_flow, province="other")
    define(f"members.{_flow}.same_province", f"{FLOWS[_flow]} – trong tỉnh, thành phố", "members", "flows",
           flow=_flow, province="same")

# Development -----------------------------------------------------------------------------------
define("admissions.total", "Kết nạp đảng viên mới", "development", "admissions")
define("admissions.readmitted", "Kết nạp lại", "development", "admissions", readmitted=True)
for _attr in ("occupation", "general_education", "professional", "ethnicity", "religion"):
    for _code, _label in LISTS[_attr]:
        define(f"admissions.{_attr}.{_code}", f"Kết nạp – {BREAKDOWN_TITLES[_attr]}: {_label}", "development",
               "admissions", **{_attr: _code})
for _group, (_label, _codes) in OCCUPATION_GROUPS.items():
    define(f"admissions.occupation.{_group}", f"Kết nạp – {_label}", "development", "admissions",
           occupation_group=_group)
for _flag, _label in (("business_owner", "chủ doanh nghiệp tư nhân"), ("female", "nữ"),
                      ("ethnic_minority", "người dân tộc thiểu số"), ("religious", "người có đạo"),
                      ("youth_union", "đoàn viên"), ("foreign_spouse", "có vợ/chồng người nước ngoài")):
    define(f"admissions.{_flag}", f"Kết nạp – {_label}", "development", "admissions",
           **({"gender": "female"} if _flag == "female" else {_flag: True}))
for _code, _label in AGE_CODES:
    define(f"admissions.age.{_code}", f"Kết nạp – độ tuổi: {_label}", "development", "admissions", age_band=_code)
define("admissions.age_18_30", "Kết nạp – tuổi từ 18 đến 30", "development", "admissions", age_band="18_30")
define("admissions.age.mean", "Tuổi bình quân khi kết nạp", "development", "admissions", kind="mean", value="age")
define("admissions.base_orgs_admitting", "Tổ chức cơ sở đảng có kết nạp đảng viên", "development", "admitting")
define("orgs.base_party_committees.admitting", "Đảng bộ cơ sở có kết nạp đảng viên", "development", "admitting",
       org_type="base_party_committee")
define("orgs.base_cells.admitting", "Chi bộ cơ sở có kết nạp đảng viên", "development", "admitting",
       org_type="base_cell")

# Organisations ---------------------------------------------------------------------------------
define("orgs.closing.base", "Tổ chức cơ sở đảng cuối kỳ", "organisations", "orgs_closing", is_base=True)
define("orgs.closing.base_party_committees", "Đảng bộ cơ sở cuối kỳ", "organisations", "orgs_closing",
       org_type="base_party_committee")
define("orgs.closing.base_cells", "Chi bộ cơ sở cuối kỳ", "organisations", "orgs_closing", org_type="base_cell")
define("orgs.closing.subordinate_cells", "Chi bộ trực thuộc cuối kỳ", "organisations", "orgs_closing",
       org_type="subordinate_cell")
define("orgs.founded", "Tổ chức đảng thành lập mới", "organisations", "org_events", event="founding")
define("orgs.dissolved", "Tổ chức đảng giải thể", "organisations", "org_events", event="dissolution")
define("orgs.merged", "Tổ chức đảng sáp nhập", "organisations", "org_events", event="merger")


# Oversight and discipline (counted and drilled by dangvu.oversight.figures) ----------------------
ACTOR_LABELS = {
    "standing_committee": "Ban Thường vụ", "executive_committee": "Ban Chấp hành",
    "inspection_committee": "Ủy ban Kiểm tra", "base_committees": "Cấp ủy cơ sở",
    "base_inspection_committees": "Ủy ban Kiểm tra cơ sở", "cells": "Chi bộ trực thuộc, đảng bộ bộ phận",
}
ACTIVITY_LABELS = {
    "inspection": "kiểm tra", "inspection_compliance": "kiểm tra việc chấp hành",
    "inspection_violation_signs": "kiểm tra khi có dấu hiệu vi phạm",
    "inspection_oversight_work": "kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật",
    "inspection_discipline_enforcement": "kiểm tra việc thi hành kỷ luật",
    "inspection_finance": "kiểm tra tài chính đảng", "inspection_asset_declaration": "kiểm tra kê khai tài sản",
    "supervision": "giám sát", "supervision_regular": "giám sát thường xuyên",
    "supervision_thematic": "giám sát chuyên đề",
}
SUFFIX_LABELS = {
    "distinct": "số đối tượng khác nhau", "violated": "có vi phạm", "discipline_required": "phải xem xét kỷ luật",
    "disciplined": "đã thi hành kỷ luật", "committee_members": "là cấp ủy viên",
}
DISCIPLINE_LABELS = {
    "discipline.members.total": "Đảng viên bị thi hành kỷ luật (lượt)",
    "discipline.members.persons": "Đảng viên bị thi hành kỷ luật (người)",
    "discipline.members.reprimand": "Kỷ luật đảng viên – khiển trách",
    "discipline.members.warning": "Kỷ luật đảng viên – cảnh cáo",
    "discipline.members.dismissal": "Kỷ luật đảng viên – cách chức",
    "discipline.members.expulsion": "Kỷ luật đảng viên – khai trừ",
    "discipline.members.committee_members": "Đảng viên bị kỷ luật là cấp ủy viên",
    "discipline.orgs.total": "Tổ chức đảng bị thi hành kỷ luật",
    "discipline.orgs.reprimand": "Kỷ luật tổ chức đảng – khiển trách",
    "discipline.orgs.warning": "Kỷ luật tổ chức đảng – cảnh cáo",
    "discipline.orgs.dissolution": "Kỷ luật tổ chức đảng – giải tán",
    "discipline.members.suspended": "Đảng viên bị đình chỉ sinh hoạt đảng",
    "programmes.base_orgs_with_programme": "Tổ chức cơ sở đảng có chương trình kiểm tra, giám sát năm",
}


def _oversight_label(figure_id: str) -> str:
    from dangvu.oversight.figures import BODIES
    from dangvu.oversight.models import ViolationContent

    if figure_id in DISCIPLINE_LABELS:
        return DISCIPLINE_LABELS[figure_id]
    parts = figure_id.split(".")
    if parts[:3] == ["discipline", "members", "by_body"]:
        return f"Kỷ luật đảng viên – cấp quyết định: {BODIES.get(parts[3], parts[3])}"
    if parts[:3] == ["discipline", "members", "content"]:
        return f"Kỷ luật đảng viên – nội dung vi phạm: {ViolationContent(parts[3]).label}"
    actor, activity, subject = parts[1], parts[2], parts[3]
    text = (f"{ACTOR_LABELS[actor]} {ACTIVITY_LABELS[activity]} "
            f"{'tổ chức đảng' if subject == 'orgs' else 'đảng viên'} (lượt)")
    if len(parts) > 4:
        text += f" – {SUFFIX_LABELS[parts[4]]}"
    return text


def _define_oversight() -> None:
    from dangvu.oversight.figures import figure_ids

    for figure_id in figure_ids():
        section = "oversight" if figure_id.startswith(("oversight.", "programmes.")) else "discipline"
        define(figure_id, _oversight_label(figure_id), section, "oversight")


_define_oversight()


def figure_ids(*, confidential: bool = True) -> list[str]:
    return [fid for fid, fig in REGISTRY.items() if confidential or not fig.confidential]
