"""Synthetic Vietnamese people for the demo and the benchmark (deployment profile C: demo only).

Family names follow their approximate national frequencies; middle and given names are gendered;
a few members belong to ethnic minorities (with their own naming customs) or to a religion. Every
citizen ID is a random 12-digit number in the official layout (province code, century/gender digit,
two digits of the birth year, six random digits) — it belongs to nobody.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

# (family name, weight in ‰) — approximate shares among Vietnamese (Hoàng/Huỳnh and Vũ/Võ are the
# northern/southern forms of one name; southern forms weigh more in a southern industrial zone).
FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Huỳnh", 32), ("Hoàng", 19),
    ("Phan", 45), ("Võ", 24), ("Vũ", 15), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Trương", 8), ("Đinh", 6), ("Lâm", 5), ("Mai", 5),
    ("Lương", 4), ("Cao", 4), ("Châu", 3), ("Tô", 3), ("Hà", 3), ("Tạ", 2), ("Lưu", 2), ("Thái", 2),
    ("Quách", 1.5), ("Kiều", 1.5), ("Văn", 1), ("Đoàn", 4), ("Trịnh", 4), ("Nông", 1), ("Triệu", 1),
]

MALE_MIDDLE: list[tuple[str, float]] = [
    ("Văn", 30), ("Minh", 12), ("Quốc", 8), ("Hữu", 8), ("Đức", 7), ("Thanh", 6), ("Công", 5),
    ("Hoàng", 5), ("Ngọc", 4), ("Tuấn", 3), ("Xuân", 3), ("Duy", 3), ("Tấn", 4), ("Quang", 4),
    ("Thành", 3), ("Trọng", 3), ("Anh", 3), ("Gia", 2), ("Bá", 2), ("Đình", 3), ("Trung", 2),
]
FEMALE_MIDDLE: list[tuple[str, float]] = [
    ("Thị", 45), ("Ngọc", 8), ("Thanh", 6), ("Thu", 5), ("Kim", 4), ("Mỹ", 4), ("Hồng", 4),
    ("Bích", 3), ("Phương", 3), ("Thùy", 3), ("Minh", 3), ("Hoài", 2), ("Khánh", 2), ("Ánh", 2),
    ("Diệu", 2), ("Thảo", 2), ("Quỳnh", 2), ("Hải", 1),
]
# Given names; the last few are deliberately rare (the benchmark searches one of them).
MALE_GIVEN: list[tuple[str, float]] = [
    ("Anh", 6), ("Bảo", 3), ("Bình", 4), ("Cường", 4), ("Dũng", 6), ("Duy", 4), ("Đạt", 4), ("Đức", 4),
    ("Hải", 5), ("Hào", 2), ("Hiếu", 4), ("Hòa", 3), ("Hoàng", 3), ("Hùng", 6), ("Huy", 6), ("Hưng", 4),
    ("Khang", 3), ("Khoa", 3), ("Kiên", 3), ("Lâm", 2), ("Lộc", 3), ("Long", 5), ("Luân", 2), ("Minh", 6),
    ("Nam", 5), ("Nghĩa", 3), ("Nhân", 3), ("Phát", 3), ("Phong", 4), ("Phúc", 4), ("Phước", 3),
    ("Quân", 4), ("Quang", 4), ("Sang", 3), ("Sơn", 5), ("Tài", 3), ("Tâm", 4), ("Tân", 3), ("Thắng", 4),
    ("Thành", 5), ("Thiện", 2), ("Thịnh", 3), ("Tín", 2), ("Toàn", 3), ("Trí", 3), ("Trung", 4),
    ("Tú", 3), ("Tuấn", 6), ("Tùng", 3), ("Việt", 3), ("Vinh", 3), ("Vũ", 3), ("Khải", 1), ("Lực", 1),
    ("Khiêm", 0.3), ("Thuần", 0.2),
]
FEMALE_GIVEN: list[tuple[str, float]] = [
    ("An", 3), ("Anh", 5), ("Châu", 2), ("Chi", 2), ("Diễm", 2), ("Dung", 4), ("Duyên", 3), ("Giang", 3),
    ("Hà", 4), ("Hạnh", 4), ("Hằng", 5), ("Hậu", 2), ("Hiền", 4), ("Hoa", 4), ("Hồng", 3), ("Huyền", 4),
    ("Hương", 6), ("Lan", 4), ("Liên", 3), ("Linh", 6), ("Loan", 3), ("Mai", 4), ("My", 3), ("Nga", 4),
    ("Ngân", 3), ("Ngọc", 4), ("Nhi", 3), ("Nhung", 4), ("Oanh", 3), ("Phương", 5), ("Quyên", 2),
    ("Quỳnh", 3), ("Thảo", 6), ("Thơ", 2), ("Thu", 3), ("Thúy", 4), ("Thủy", 4), ("Tiên", 2),
    ("Trang", 6), ("Trinh", 3), ("Tuyết", 3), ("Uyên", 2), ("Vân", 3), ("Vy", 3), ("Xuân", 2), ("Yến", 4),
    ("Diệp", 0.5), ("Khuê", 0.2),
]

# Ethnic minorities: (code, weight, family names, male middle, female middle, given names, home provinces,
# religion weights). Names follow each group's customs as they appear in Vietnamese registers.
MINORITIES: list[tuple[str, float, list[str], list[str], list[str], list[str], list[str], list[tuple[str, float]]]] = [
    ("hoa", 1.2, ["Lâm", "Quách", "Trương", "Lý", "Mạch", "Tăng", "Hứa", "La"], ["Gia", "Vĩnh", "Quốc"],
     ["Mỹ", "Tú", "Thị"], ["Huy", "Kiệt", "Phát", "Linh", "Mẫn", "Khánh", "Hào", "Ngọc"],
     ["TP. Hồ Chí Minh", "Sóc Trăng"], [("none", 6), ("buddhism", 4)]),
    ("khmer", 1.0, ["Thạch", "Sơn", "Danh", "Kim", "Lâm"], ["Văn", "Sô", ""], ["Thị", "Sa", ""],
     ["Phol", "Sa Ry", "Sô Phia", "Chanh Đa", "Mách", "Ry Na", "Sóc", "Kha"],
     ["Sóc Trăng", "Trà Vinh"], [("buddhism", 8), ("none", 2)]),
    ("tay", 0.6, ["Nông", "Hoàng", "Lục", "Hà", "Lương"], ["Văn", "Đức"], ["Thị"],
     ["Dũng", "Thắng", "Hoa", "Quyết", "Lan", "Tâm"], ["Cao Bằng", "Lạng Sơn"], [("none", 1)]),
    ("nung", 0.4, ["Hoàng", "Nông", "Lục", "Vi"], ["Văn"], ["Thị"], ["Hải", "Thảo", "Dương", "Mây"],
     ["Lạng Sơn", "Cao Bằng"], [("none", 1)]),
    ("muong", 0.5, ["Bùi", "Đinh", "Quách", "Hà"], ["Văn", "Công"], ["Thị"], ["Tường", "Liên", "Sáng", "Hằng"],
     ["Hòa Bình", "Thanh Hóa"], [("none", 1)]),
    ("thai", 0.4, ["Lò", "Lường", "Cầm", "Quàng", "Vi"], ["Văn", "Bá"], ["Thị"], ["Ơn", "Xuân", "Thiêm", "Hoa"],
     ["Sơn La", "Nghệ An"], [("none", 1)]),
    ("cham", 0.3, ["Đàng", "Thuận", "Châu", "Từ", "Bá"], ["Năng", "Văn"], ["Thị"], ["Thọ", "Sa", "Hiếu", "Mai"],
     ["Ninh Thuận", "An Giang"], [("islam", 5), ("other", 3), ("none", 2)]),
]
MINORITY_SHARE = 0.05

# Religion among Kinh members (weights in ‰); members of a religion are a small part of the Party.
RELIGIONS_KINH: list[tuple[str, float]] = [
    ("none", 930), ("buddhism", 40), ("catholicism", 20), ("cao_dai", 5), ("hoa_hao", 3), ("protestantism", 2),
]

# Home province → CCCD province code (Decree 137/2015 list of codes).
PROVINCES: list[tuple[str, str, float]] = [
    ("TP. Hồ Chí Minh", "079", 22), ("Bình Dương", "074", 6), ("Đồng Nai", "075", 6), ("Long An", "080", 6),
    ("Tây Ninh", "072", 3), ("Tiền Giang", "082", 4), ("Bến Tre", "083", 4), ("Vĩnh Long", "086", 2),
    ("Đồng Tháp", "087", 3), ("An Giang", "089", 3), ("Cần Thơ", "092", 2), ("Sóc Trăng", "094", 2),
    ("Trà Vinh", "084", 2), ("Nghệ An", "040", 6), ("Thanh Hóa", "038", 6), ("Hà Tĩnh", "042", 4),
    ("Thái Bình", "034", 3), ("Nam Định", "036", 3), ("Hà Nội", "001", 2), ("Quảng Nam", "049", 3),
    ("Quảng Ngãi", "051", 4), ("Bình Định", "052", 4), ("Phú Yên", "054", 1), ("Ninh Thuận", "058", 1),
    ("Cao Bằng", "004", 0.5), ("Lạng Sơn", "020", 0.5), ("Hòa Bình", "017", 0.5), ("Sơn La", "014", 0.5),
]
PROVINCE_CODE = {name: code for name, code, _ in PROVINCES}

WARDS = [
    "phường Tân Hưng", "phường Tân Thuận", "phường Bình Hưng Hòa", "phường Linh Xuân", "phường Tăng Nhơn Phú",
    "phường Bình Tân", "phường An Lạc", "phường Phú Lợi", "phường Dĩ An", "phường Thuận An",
    "xã Tân Nhựt", "xã Bình Chánh", "xã Hiệp Phước", "xã Nhà Bè", "phường Long Trường",
]
STREETS = ["đường số 1", "đường số 7", "đường Tân Hưng", "đường Nguyễn Văn Linh", "đường Lê Văn Lương",
           "đường Huỳnh Tấn Phát", "đường Trần Văn Giàu", "đường Kinh Dương Vương", "hẻm 48", "hẻm 112"]


def weighted(rng: random.Random, table):
    names = [row[0] for row in table]
    weights = [row[1] for row in table]
    return rng.choices(names, weights)[0]


@dataclass
class Person:
    full_name: str
    gender: str
    ethnicity: str
    religion: str
    home_province: str


class NameFactory:
    """Draws people from the weighted tables; the same seed gives the same people."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Pre-expanded cumulative tables: ``choices`` with cum_weights is much faster in bulk.
        self._tables = {}
        for key, table in {
            "family": FAMILY_NAMES, "male_middle": MALE_MIDDLE, "female_middle": FEMALE_MIDDLE,
            "male_given": MALE_GIVEN, "female_given": FEMALE_GIVEN, "religion": RELIGIONS_KINH,
            "province": [(n, w) for n, _c, w in PROVINCES],
        }.items():
            names = [row[0] for row in table]
            cum = []
            total = 0.0
            for row in table:
                total += row[1]
                cum.append(total)
            self._tables[key] = (names, cum)
        self._minority_weights = [m[1] for m in MINORITIES]

    def _pick(self, key: str) -> str:
        names, cum = self._tables[key]
        return self.rng.choices(names, cum_weights=cum)[0]

    def person(self, gender: str | None = None) -> Person:
        rng = self.rng
        gender = gender or ("female" if rng.random() < 0.42 else "male")
        if rng.random() < MINORITY_SHARE:
            code, _w, families, male_mid, female_mid, givens, provinces, religions = rng.choices(
                MINORITIES, self._minority_weights)[0]
            middle = rng.choice(female_mid if gender == "female" else male_mid)
            parts = [rng.choice(families), middle, rng.choice(givens)]
            name = " ".join(p for p in parts if p)
            return Person(name, gender, code, weighted(rng, religions), rng.choice(provinces))
        family = self._pick("family")
        if gender == "female":
            middle, given = self._pick("female_middle"), self._pick("female_given")
        else:
            middle, given = self._pick("male_middle"), self._pick("male_given")
        if middle == given:
            middle = "Văn" if gender == "male" else "Thị"
        name = f"{family} {middle} {given}"
        # Some southern names carry two middle names ("Nguyễn Thị Ngọc Hân").
        if gender == "female" and middle == "Thị" and rng.random() < 0.12:
            name = f"{family} Thị {rng.choice(['Ngọc', 'Kim', 'Mỹ', 'Thanh', 'Bích'])} {given}"
        return Person(name, gender, "kinh", self._pick("religion"), self._pick("province"))

    def citizen_id(self, province: str, gender: str, born: date, used: set[str]) -> str:
        century = 0 if born.year < 2000 else 2
        sex = 1 if gender == "female" else 0
        prefix = f"{PROVINCE_CODE.get(province, '079')}{century + sex}{born.year % 100:02d}"
        while True:
            value = f"{prefix}{self.rng.randrange(10**6):06d}"
            if value not in used:
                used.add(value)
                return value

    def address(self) -> str:
        rng = self.rng
        return f"Số {rng.randint(1, 350)}, {rng.choice(STREETS)}, {rng.choice(WARDS)}, TP. Hồ Chí Minh"

    def phone(self) -> str:
        rng = self.rng
        return rng.choice(["090", "091", "093", "097", "098", "086", "070", "079", "083"]) + f"{rng.randrange(10**7):07d}"
