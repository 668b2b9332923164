"""The fictional committee of the demo: organisations, host units, the story of the tree, the demo users.

Everything here is invented. The shape follows DOMAIN.md §1.5 and the seed article: a superior
committee of an industrial-zone authority with base party committees in large enterprises (each with
subordinate cells named after workshops and departments) and base cells in smaller enterprises of
every kind of ownership.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ROOT_CODE = "DBKCN"
ROOT_NAME = "Đảng bộ Khu công nghiệp Tân Hưng"
ROOT_BODY = "Ban Thường vụ Đảng ủy Khu công nghiệp Tân Hưng"
CITY_BODY = "Ban Thường vụ Thành ủy"

# The reference day the histories run to (DOMAIN.md is compiled "November 2026").
HORIZON = date(2026, 11, 27)
SEED = 2026
DEMO_PASSWORD = "DangVu@Demo2026!"
SYSTEM_USERNAME = "hethong"

ZONES = {
    "KCN_TH": ("industrial_zone", "Khu công nghiệp Tân Hưng"),
    "KCN_PA": ("industrial_zone", "Khu công nghiệp Phú An"),
    "KCX_TH": ("export_processing_zone", "Khu chế xuất Tân Hưng"),
    "KCNC_TH": ("high_tech_park", "Khu công nghệ cao Tân Hưng"),
}


@dataclass(frozen=True)
class Unit:
    name: str
    unit_type: str
    zone: str | None  # key of ZONES, None = outside the zones
    address: str
    workers: int


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    org_type: str
    parent: str | None
    founded: date
    unit: Unit | None = None
    size: int = 0  # members on the roll at the horizon (cells only), before the stories
    profile: str = "factory"  # agency | office | factory | tech: drives occupations and education
    decided_by: str = ROOT_BODY


BPC1_BODY = "Đảng ủy Tổng Công ty Cơ khí Tân Hưng"
BPC2_BODY = "Đảng ủy Công ty TNHH Điện tử Hanvina Việt Nam"

ORGANISATIONS: list[OrgSpec] = [
    OrgSpec(ROOT_CODE, ROOT_NAME, "superior_committee", None, date(2015, 1, 15),
            Unit("Ban Quản lý các khu công nghiệp Tân Hưng", "state_agency", None,
                 "Số 2, đường Tân Hưng, phường Tân Hưng, TP. Hồ Chí Minh", 85),
            decided_by=CITY_BODY),
    # The board's own staff: a base cell of the state agency that hosts the superior committee.
    OrgSpec("CBCQ", "Chi bộ Cơ quan Ban Quản lý các khu công nghiệp", "base_cell", ROOT_CODE, date(2015, 2, 2),
            Unit("Văn phòng Ban Quản lý các khu công nghiệp Tân Hưng", "state_agency", None,
                 "Số 2, đường Tân Hưng, phường Tân Hưng, TP. Hồ Chí Minh", 85), size=22, profile="agency"),
    # Base party committee 1: a 100% state-owned engineering corporation.
    OrgSpec("DBCK", "Đảng bộ Tổng Công ty Cơ khí Tân Hưng", "base_party_committee", ROOT_CODE, date(2015, 2, 2),
            Unit("Tổng Công ty Cơ khí Tân Hưng – TNHH Một thành viên", "soe_100", "KCN_TH",
                 "Lô A1–A4, đường số 1, Khu công nghiệp Tân Hưng", 2400)),
    OrgSpec("CKCX", "Chi bộ Phân xưởng Cơ khí chính xác", "subordinate_cell", "DBCK", date(2015, 2, 2),
            size=80, decided_by=BPC1_BODY),
    OrgSpec("CKPD", "Chi bộ Phân xưởng Đúc", "subordinate_cell", "DBCK", date(2015, 2, 2),
            size=60, decided_by=BPC1_BODY),
    OrgSpec("CKKH", "Chi bộ Phòng Kế hoạch – Vật tư", "subordinate_cell", "DBCK", date(2015, 2, 2),
            size=16, profile="office", decided_by=BPC1_BODY),
    OrgSpec("CKVP", "Chi bộ Khối Văn phòng", "subordinate_cell", "DBCK", date(2015, 2, 2),
            size=40, profile="office", decided_by=BPC1_BODY),
    OrgSpec("CKBB", "Chi bộ Xí nghiệp Bao bì", "subordinate_cell", "DBCK", date(2015, 2, 2),
            size=36, decided_by=BPC1_BODY),
    # Base party committee 2: a foreign-invested electronics manufacturer in the export-processing zone.
    OrgSpec("DBHV", "Đảng bộ Công ty TNHH Điện tử Hanvina Việt Nam", "base_party_committee", ROOT_CODE,
            date(2016, 5, 16),
            Unit("Công ty TNHH Điện tử Hanvina Việt Nam", "foreign_invested", "KCX_TH",
                 "Lô 15–18, Khu chế xuất Tân Hưng", 5200)),
    OrgSpec("HVSM", "Chi bộ Xưởng Lắp ráp SMT", "subordinate_cell", "DBHV", date(2016, 5, 16),
            size=86, decided_by=BPC2_BODY),
    OrgSpec("HVQC", "Chi bộ Phòng Quản lý chất lượng", "subordinate_cell", "DBHV", date(2016, 5, 16),
            size=50, profile="office", decided_by=BPC2_BODY),
    OrgSpec("HVHC", "Chi bộ Khối Hành chính – Nhân sự", "subordinate_cell", "DBHV", date(2016, 5, 16),
            size=34, profile="office", decided_by=BPC2_BODY),
    # Eight base cells in enterprises of different ownership.
    OrgSpec("CBDM", "Chi bộ Công ty Cổ phần Dệt may Tân Hưng", "base_cell", ROOT_CODE, date(2015, 2, 2),
            Unit("Công ty Cổ phần Dệt may Tân Hưng", "joint_stock", "KCN_TH",
                 "Lô C3, đường số 5, Khu công nghiệp Tân Hưng", 1800), size=27),
    OrgSpec("CBTP", "Chi bộ Công ty TNHH Thực phẩm Hòa Bình", "base_cell", ROOT_CODE, date(2015, 2, 2),
            Unit("Công ty TNHH Thực phẩm Hòa Bình", "llc", "KCN_PA",
                 "Lô B7, Khu công nghiệp Phú An", 650), size=22),
    OrgSpec("CBDP", "Chi bộ Công ty Cổ phần Dược phẩm Tân Hưng", "base_cell", ROOT_CODE, date(2015, 2, 2),
            Unit("Công ty Cổ phần Dược phẩm Tân Hưng", "soe_50_plus", "KCN_TH",
                 "Lô D2, Khu công nghiệp Tân Hưng", 720), size=25, profile="office"),
    OrgSpec("CBLG", "Chi bộ Công ty Cổ phần Cảng và Logistics Tân Hưng", "base_cell", ROOT_CODE, date(2015, 2, 2),
            Unit("Công ty Cổ phần Cảng và Logistics Tân Hưng", "soe_under_50", "KCN_TH",
                 "Bến số 2, Khu công nghiệp Tân Hưng", 540), size=23),
    OrgSpec("CBGD", "Chi bộ Công ty TNHH Giày da Vĩnh Phong", "base_cell", ROOT_CODE, date(2016, 9, 5),
            Unit("Công ty TNHH Giày da Vĩnh Phong Việt Nam", "foreign_invested", "KCX_TH",
                 "Lô 31, Khu chế xuất Tân Hưng", 6100), size=26),
    OrgSpec("CBMP", "Chi bộ Doanh nghiệp tư nhân Cơ khí Minh Phát", "base_cell", ROOT_CODE, date(2017, 4, 10),
            Unit("Doanh nghiệp tư nhân Cơ khí Minh Phát", "private_enterprise", "KCN_PA",
                 "Lô E5, Khu công nghiệp Phú An", 140), size=10),
    OrgSpec("CBSM", "Chi bộ Công ty TNHH Giải pháp Phần mềm Sao Mai", "base_cell", ROOT_CODE, date(2018, 3, 12),
            Unit("Công ty TNHH Giải pháp Phần mềm Sao Mai", "llc", "KCNC_TH",
                 "Tòa nhà SM, Khu công nghệ cao Tân Hưng", 420), size=19, profile="tech"),
    OrgSpec("CBVM", "Chi bộ Công ty TNHH Vi mạch Alpha Semicon Việt Nam", "base_cell", ROOT_CODE, date(2019, 8, 19),
            Unit("Công ty TNHH Vi mạch Alpha Semicon Việt Nam", "foreign_invested", "KCNC_TH",
                 "Lô I-3, Khu công nghệ cao Tân Hưng", 1300), size=17, profile="tech"),
]

BASE_PARTY_COMMITTEES = ("DBCK", "DBHV")


@dataclass(frozen=True)
class OrgStory:
    kind: str  # rename | merge | move
    code: str
    on: date
    decision: str
    body: str
    new_name: str = ""
    target: str = ""  # merge: the absorbing cell; move: the new parent


ORG_STORIES: list[OrgStory] = [
    OrgStory("rename", "CKPD", date(2019, 6, 3), "45-QĐ/ĐU", BPC1_BODY,
             new_name="Chi bộ Phân xưởng Đúc – Nhiệt luyện"),
    OrgStory("merge", "CKKH", date(2021, 4, 1), "112-QĐ/ĐU", BPC1_BODY, target="CKVP"),
    OrgStory("move", "CKBB", date(2023, 7, 3), "318-QĐ/ĐU", ROOT_BODY, target="DBHV"),
]

# Congress dates (the day a congress closes); a term runs from the next day to the next close.
CONGRESSES = {
    "superior_committee": [date(2020, 7, 16), date(2025, 8, 14)],
    "base_party_committee": [date(2020, 5, 22), date(2025, 5, 23)],
    "cell": [date(2020, 4, 10), date(2025, 4, 11)],
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    organisation: str
    superuser: bool = False
    description: str = field(default="")


DEMO_USERS: list[DemoUser] = [
    DemoUser("quantri", "Quản trị hệ thống", "admin", ROOT_CODE, superuser=True,
             description="quản trị hệ thống"),
    DemoUser("tochuc", "Trần Thị Minh Tâm", "org_staff", ROOT_CODE, description="cán bộ Ban Tổ chức Đảng ủy"),
    DemoUser("kiemtra", "Lê Quốc Khánh", "inspection_staff", ROOT_CODE,
             description="cán bộ Ủy ban Kiểm tra Đảng ủy"),
    DemoUser("lanhdao", "Phạm Văn Hùng", "leader", ROOT_CODE, description="lãnh đạo Đảng ủy (chỉ xem)"),
    DemoUser("vanphong", "Nguyễn Thị Thu Hà", "base_clerk", "DBCK",
             description="văn phòng Đảng ủy Tổng Công ty Cơ khí Tân Hưng"),
]

# Places outside the tenant that members come from or go to.
OUTSIDE_PLACES = [
    ("Đảng bộ phường Tân Thuận, TP. Hồ Chí Minh", False),
    ("Đảng bộ phường Linh Xuân, TP. Hồ Chí Minh", False),
    ("Đảng bộ xã Bình Chánh, TP. Hồ Chí Minh", False),
    ("Đảng bộ Công ty Điện lực Sài Gòn", False),
    ("Đảng bộ Trường Đại học Bách khoa – ĐHQG TP. Hồ Chí Minh", False),
    ("Đảng bộ Quân sự TP. Hồ Chí Minh", False),
    ("Đảng bộ xã Nghi Lộc, tỉnh Nghệ An", True),
    ("Đảng bộ phường Dĩ An, tỉnh Bình Dương", True),
    ("Đảng bộ xã Long Thành, tỉnh Đồng Nai", True),
    ("Đảng bộ thị trấn Cần Đước, tỉnh Long An", True),
    ("Đảng bộ xã Hoằng Hóa, tỉnh Thanh Hóa", True),
    ("Đảng bộ Trường Đại học Cần Thơ", True),
]
