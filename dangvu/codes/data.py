"""Code lists of the statistical forms (GLOSSARY.md, 11-HD/BTCTW 2021), kept as data.

Each entry is (code, Vietnamese label). A list may later gain effective dates per entry; until then
every code is valid for all dates. ``unknown`` (chưa cập nhật) exists in every list because imported
ledgers are never complete.
"""

UNKNOWN = ("unknown", "Chưa cập nhật")

OCCUPATION = [
    ("state_official", "Cán bộ, công chức cơ quan Nhà nước"),
    ("party_front_official", "Cán bộ, công chức cơ quan Đảng, MTTQ, đoàn thể chính trị - xã hội"),
    ("commune_official", "Cán bộ, công chức, người hoạt động không chuyên trách ở xã, phường"),
    ("village_part_time", "Người hoạt động không chuyên trách ở thôn, tổ dân phố"),
    ("public_employee", "Viên chức trong đơn vị sự nghiệp công lập"),
    ("private_service_worker", "Người lao động trong đơn vị sự nghiệp ngoài công lập"),
    ("enterprise_manager", "Người lãnh đạo, quản lý doanh nghiệp"),
    ("enterprise_staff", "Nhân viên, người gián tiếp sản xuất"),
    ("worker", "Công nhân, lao động trực tiếp sản xuất"),
    ("farmer", "Nông, lâm, ngư nghiệp"),
    ("armed_forces", "Sĩ quan, chiến sĩ quân đội, công an"),
    ("university_student", "Sinh viên"),
    ("pupil", "Học sinh"),
    ("other", "Khác"),
    ("retired", "Đã nghỉ hưu, nghỉ công tác"),
    UNKNOWN,
]

GENERAL_EDUCATION = [
    ("literate", "Biết đọc, biết viết"),
    ("primary", "Tiểu học"),
    ("lower_secondary", "Trung học cơ sở"),
    ("upper_secondary", "Trung học phổ thông"),
    UNKNOWN,
]

PROFESSIONAL = [
    ("none", "Chưa qua đào tạo"),
    ("elementary", "Sơ cấp, công nhân kỹ thuật"),
    ("intermediate", "Trung cấp"),
    ("college", "Cao đẳng"),
    ("bachelor", "Đại học"),
    ("master", "Thạc sĩ"),
    ("doctor", "Tiến sĩ"),
    UNKNOWN,
]

ACADEMIC_TITLE = [
    ("none", "Không"),
    ("associate_professor", "Phó Giáo sư"),
    ("professor", "Giáo sư"),
    UNKNOWN,
]

POLITICAL_THEORY = [
    ("none", "Chưa qua đào tạo"),
    ("elementary", "Sơ cấp"),
    ("intermediate", "Trung cấp"),
    ("advanced", "Cao cấp, cử nhân"),
    UNKNOWN,
]

RELIGION = [
    ("none", "Không"),
    ("buddhism", "Phật giáo"),
    ("catholicism", "Công giáo"),
    ("hoa_hao", "Phật giáo Hòa Hảo"),
    ("cao_dai", "Cao Đài"),
    ("protestantism", "Tin Lành"),
    ("islam", "Hồi giáo"),
    ("other", "Đạo khác"),
    UNKNOWN,
]

GENDER = [("male", "Nam"), ("female", "Nữ")]

# The 54 ethnic groups of Vietnam, in the order of the official list, then other and foreign origin.
ETHNICITY = [
    ("kinh", "Kinh"), ("tay", "Tày"), ("thai", "Thái"), ("muong", "Mường"), ("khmer", "Khmer"),
    ("hoa", "Hoa"), ("nung", "Nùng"), ("hmong", "H'Mông"), ("dao", "Dao"), ("gia_rai", "Gia Rai"),
    ("e_de", "Ê Đê"), ("ba_na", "Ba Na"), ("xo_dang", "Xơ Đăng"), ("san_chay", "Sán Chay"),
    ("co_ho", "Cơ Ho"), ("cham", "Chăm"), ("san_diu", "Sán Dìu"), ("hre", "Hrê"), ("ra_glai", "Ra Glai"),
    ("m_nong", "M'Nông"), ("tho", "Thổ"), ("xtieng", "Xtiêng"), ("kho_mu", "Khơ Mú"),
    ("bru_van_kieu", "Bru - Vân Kiều"), ("co_tu", "Cơ Tu"), ("giay", "Giáy"), ("ta_oi", "Tà Ôi"),
    ("ma", "Mạ"), ("gie_trieng", "Giẻ - Triêng"), ("co", "Co"), ("cho_ro", "Chơ Ro"),
    ("xinh_mun", "Xinh Mun"), ("ha_nhi", "Hà Nhì"), ("chu_ru", "Chu Ru"), ("lao", "Lào"),
    ("khang", "Kháng"), ("la_chi", "La Chí"), ("phu_la", "Phù Lá"), ("la_hu", "La Hủ"), ("la_ha", "La Ha"),
    ("pa_then", "Pà Thẻn"), ("chut", "Chứt"), ("lu", "Lự"), ("lo_lo", "Lô Lô"), ("mang", "Mảng"),
    ("co_lao", "Cờ Lao"), ("bo_y", "Bố Y"), ("cong", "Cống"), ("ngai", "Ngái"), ("si_la", "Si La"),
    ("pu_peo", "Pu Péo"), ("ro_mam", "Rơ Măm"), ("brau", "Brâu"), ("o_du", "Ơ Đu"),
    ("other", "Dân tộc khác"), ("foreign_origin", "Quốc tịch gốc nước ngoài"),
    UNKNOWN,
]

UNIT_TYPE = [
    ("commune", "Xã"), ("ward", "Phường"), ("township", "Thị trấn"), ("special_zone", "Đặc khu"),
    ("party_front_agency", "Cơ quan Đảng, MTTQ, đoàn thể"), ("state_agency", "Cơ quan Nhà nước"),
    ("public_service_public", "Đơn vị sự nghiệp công lập"),
    ("public_service_private", "Đơn vị sự nghiệp ngoài công lập"),
    ("army", "Quân đội"), ("police", "Công an"),
    ("soe_100", "Doanh nghiệp Nhà nước 100% vốn"), ("soe_50_plus", "Doanh nghiệp Nhà nước từ 50% vốn"),
    ("soe_under_50", "Doanh nghiệp Nhà nước dưới 50% vốn"), ("joint_stock", "Công ty cổ phần"),
    ("private_enterprise", "Doanh nghiệp tư nhân"), ("llc", "Công ty TNHH"), ("partnership", "Công ty hợp danh"),
    ("foreign_invested", "Doanh nghiệp có vốn đầu tư nước ngoài"), ("cooperative", "Hợp tác xã"),
    ("other", "Khác"),
]

ZONE_KIND = [
    ("export_processing_zone", "Khu chế xuất"),
    ("industrial_zone", "Khu công nghiệp"),
    ("high_tech_park", "Khu công nghệ cao"),
    ("none", "Ngoài khu"),
]

AGE_BANDS = [
    ("18_30", "Từ 18 đến 30 tuổi", 18, 30), ("31_35", "Từ 31 đến 35 tuổi", 31, 35),
    ("36_40", "Từ 36 đến 40 tuổi", 36, 40), ("41_45", "Từ 41 đến 45 tuổi", 41, 45),
    ("46_50", "Từ 46 đến 50 tuổi", 46, 50), ("51_55", "Từ 51 đến 55 tuổi", 51, 55),
    ("56_60", "Từ 56 đến 60 tuổi", 56, 60), ("over_60", "Trên 60 tuổi", 61, 200),
]

LISTS = {
    "occupation": OCCUPATION,
    "general_education": GENERAL_EDUCATION,
    "professional": PROFESSIONAL,
    "academic_title": ACADEMIC_TITLE,
    "political_theory": POLITICAL_THEORY,
    "religion": RELIGION,
    "ethnicity": ETHNICITY,
    "gender": GENDER,
    "unit_type": UNIT_TYPE,
    "zone_kind": ZONE_KIND,
}


def label(list_name: str, code: str | None) -> str:
    for entry_code, entry_label in LISTS[list_name]:
        if entry_code == code:
            return entry_label
    return UNKNOWN[1] if not code else code


def choices(list_name: str) -> list[tuple[str, str]]:
    return list(LISTS[list_name])
