"""Forms of the member pages. Field names a user may see in the URL are Vietnamese slugs; labels are
plain Vietnamese. Forms only parse input: access checks live in the views, rules in the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from dangvu.codes.data import AGE_BANDS, choices
from dangvu.members.models import BOOLEAN_ATTRIBUTES, EventKind, MemberStatus, ValueAttribute
from dangvu.members.selectors import FLAG_FIELDS, STATUS_GROUPS
from dangvu.web.forms import VNDateField

ALL = [("", "Tất cả")]


def org_label(organisation, base_depth: int = 0) -> str:
    """Tree-indented name, so that a cell reads as part of its committee in a long select."""
    label = f"{'— ' * max(organisation.depth - base_depth, 0)}{organisation.name}"
    if organisation.ended_on:
        label += " (đã kết thúc hoạt động)"
    return label


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return org_label(obj)


# List filters ----------------------------------------------------------------------------------

class MemberFilterForm(forms.Form):
    q = forms.CharField(label="Tìm theo tên, số thẻ, số lý lịch", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: nguyen van an",
                                                      "autocomplete": "off"}))
    # An integer (not a choice): an organisation outside the user's scope must answer 404, not
    # "invalid choice", so the view resolves it through the access layer.
    to_chuc = forms.IntegerField(label="Tổ chức đảng", required=False, widget=forms.Select)
    tinh_trang = forms.ChoiceField(label="Tình trạng", required=False,
                                   choices=[(key, text) for key, (text, _statuses) in STATUS_GROUPS.items()])
    gioi_tinh = forms.ChoiceField(label="Giới tính", required=False, choices=ALL + choices("gender"))
    nghe_nghiep = forms.ChoiceField(label="Nghề nghiệp", required=False, choices=ALL + choices("occupation"))
    dac_diem = forms.ChoiceField(label="Đặc điểm", required=False, choices=ALL + list(FLAG_FIELDS.items()))
    do_tuoi = forms.ChoiceField(label="Độ tuổi", required=False,
                                choices=ALL + [(code, text) for code, text, _low, _high in AGE_BANDS])
    nam_vao_dang = forms.IntegerField(label="Năm vào Đảng", required=False, min_value=1930, max_value=2100,
                                      widget=forms.NumberInput(attrs={"placeholder": "Ví dụ: 2020",
                                                                      "inputmode": "numeric"}))

    def __init__(self, *args, organisations=(), large_scope=False, **kwargs):
        super().__init__(*args, **kwargs)
        if large_scope:
            self.fields["to_chuc"].help_text = ("Phạm vi có nhiều tổ chức: để xem đảng viên của một chi bộ, "
                                                "mở Cây tổ chức đảng và chọn tổ chức đó.")
        top = min((org.depth for org in organisations), default=0)
        self.fields["to_chuc"].widget.choices = [("", "Tất cả tổ chức trong phạm vi")] + [
            (org.pk, org_label(org, top)) for org in organisations
        ]
        self.fields["tinh_trang"].initial = "active"


# Shared pieces ---------------------------------------------------------------------------------

class DecisionMixin(forms.Form):
    so_quyet_dinh = forms.CharField(label="Số quyết định", max_length=60, required=False,
                                    widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 125-QĐ/ĐU"}))
    ngay_quyet_dinh = VNDateField(label="Ngày quyết định", required=False)
    co_quan_quyet_dinh = forms.CharField(label="Cơ quan quyết định", max_length=200, required=False,
                                         widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Ban Thường vụ Đảng ủy"}))


PROFILE_LABELS = {
    "full_name": "Họ và tên",
    "other_name": "Tên gọi khác",
    "gender": "Giới tính",
    "date_of_birth": "Ngày sinh",
    "place_of_birth": "Nơi sinh",
    "home_town": "Quê quán",
    "residence": "Nơi thường trú",
    "temporary_residence": "Nơi tạm trú",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "citizen_id": "Số định danh cá nhân (CCCD)",
    "card_number": "Số thẻ đảng viên",
    "profile_number": "Số lý lịch",
    "family_background": "Thành phần gia đình, quan hệ gia đình",
    "phone": "Điện thoại",
}
SENSITIVE_FIELDS = ("citizen_id", "family_background")


class ProfileMixin(forms.Form):
    full_name = forms.CharField(label=PROFILE_LABELS["full_name"], max_length=150)
    other_name = forms.CharField(label=PROFILE_LABELS["other_name"], max_length=150, required=False)
    gender = forms.ChoiceField(label=PROFILE_LABELS["gender"], choices=[("", "— Chọn —")] + choices("gender"))
    date_of_birth = VNDateField(label=PROFILE_LABELS["date_of_birth"])
    place_of_birth = forms.CharField(label=PROFILE_LABELS["place_of_birth"], max_length=200, required=False)
    home_town = forms.CharField(label=PROFILE_LABELS["home_town"], max_length=200, required=False)
    residence = forms.CharField(label=PROFILE_LABELS["residence"], max_length=300, required=False)
    temporary_residence = forms.CharField(label=PROFILE_LABELS["temporary_residence"], max_length=300,
                                          required=False)
    ethnicity = forms.ChoiceField(label=PROFILE_LABELS["ethnicity"], choices=choices("ethnicity"), initial="kinh")
    religion = forms.ChoiceField(label=PROFILE_LABELS["religion"], choices=choices("religion"), initial="none")
    citizen_id = forms.CharField(label=PROFILE_LABELS["citizen_id"], max_length=12, required=False,
                                 help_text="12 chữ số.",
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    card_number = forms.CharField(label=PROFILE_LABELS["card_number"], max_length=12, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    profile_number = forms.CharField(label=PROFILE_LABELS["profile_number"], max_length=30, required=False)
    family_background = forms.CharField(label=PROFILE_LABELS["family_background"], required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(label=PROFILE_LABELS["phone"], max_length=20, required=False)

    PROFILE_FIELD_NAMES = tuple(PROFILE_LABELS)
    # (heading, field names) for the page; fields not listed are shown under the last heading.
    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (("Lý lịch", tuple(PROFILE_LABELS)),)

    def fieldsets(self) -> list[tuple[str, list]]:
        listed: set[str] = set()
        sets = []
        for heading, names in self.GROUPS:
            bound = [self[name] for name in names if name in self.fields]
            listed |= set(names)
            if bound:
                sets.append((heading, bound))
        rest = [self[name] for name in self.fields if name not in listed]
        if rest:
            if sets:
                sets[-1] = (sets[-1][0], sets[-1][1] + rest)
            else:
                sets.append(("", rest))
        return sets

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELD_NAMES if name in self.cleaned_data}


class ValuesMixin(forms.Form):
    occupation = forms.ChoiceField(label="Nghề nghiệp", choices=choices("occupation"), initial="unknown")
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", choices=choices("general_education"),
                                          initial="unknown")
    professional = forms.ChoiceField(label="Chuyên môn, nghiệp vụ", choices=choices("professional"),
                                     initial="unknown")
    political_theory = forms.ChoiceField(label="Lý luận chính trị", choices=choices("political_theory"),
                                         initial="unknown")

    VALUE_FIELD_NAMES = ("occupation", "general_education", "professional", "political_theory")

    def values_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VALUE_FIELD_NAMES
                if self.cleaned_data.get(name) and self.cleaned_data[name] != "unknown"}


# New members -----------------------------------------------------------------------------------

class AdmitForm(ProfileMixin, ValuesMixin, forms.Form):
    organisation = OrganisationChoiceField(label="Chi bộ (tổ chức đảng) kết nạp", queryset=None,
                                           empty_label="— Chọn tổ chức đảng —")
    so_quyet_dinh = forms.CharField(label="Số quyết định kết nạp", max_length=60,
                                    widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 125-QĐ/ĐU"}))
    admitted_on = VNDateField(label="Ngày ký quyết định kết nạp",
                              help_text="Tuổi đảng được tính từ ngày này.")
    co_quan_quyet_dinh = forms.CharField(label="Cơ quan quyết định", max_length=200, required=False,
                                         widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Ban Thường vụ Đảng ủy"}))
    ceremony_date = VNDateField(label="Ngày lễ kết nạp", required=False,
                                help_text="Thời kỳ dự bị 12 tháng tính từ ngày lễ kết nạp. Bỏ trống nếu trùng ngày quyết định.")

    GROUPS = (
        ("Lý lịch", tuple(PROFILE_LABELS)),
        ("Quyết định kết nạp", ("organisation", "so_quyet_dinh", "admitted_on", "co_quan_quyet_dinh", "ceremony_date")),
        ("Nghề nghiệp, trình độ khi kết nạp", ValuesMixin.VALUE_FIELD_NAMES),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ReceiveForm(ProfileMixin, ValuesMixin, DecisionMixin, forms.Form):
    organisation = OrganisationChoiceField(label="Tổ chức đảng tiếp nhận", queryset=None,
                                           empty_label="— Chọn tổ chức đảng —")
    received_on = VNDateField(label="Ngày tiếp nhận")
    from_place = forms.CharField(label="Nơi chuyển đến từ", max_length=300,
                                 widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Đảng bộ phường Bến Nghé"}))
    other_province = forms.BooleanField(label="Từ tỉnh, thành phố khác đến", required=False)
    status = forms.ChoiceField(label="Là đảng viên", choices=[
        (MemberStatus.OFFICIAL.value, "Chính thức"), (MemberStatus.PROBATIONARY.value, "Dự bị")])
    admitted_on = VNDateField(label="Ngày vào Đảng (ngày ký quyết định kết nạp)")
    ceremony_date = VNDateField(label="Ngày lễ kết nạp", required=False,
                                help_text="Cần cho đảng viên dự bị: thời kỳ dự bị tính từ ngày này.")
    official_on = VNDateField(label="Ngày công nhận chính thức", required=False)

    GROUPS = (
        ("Lý lịch", tuple(PROFILE_LABELS)),
        ("Tiếp nhận", ("organisation", "received_on", "from_place", "other_province", "so_quyet_dinh",
                       "ngay_quyet_dinh", "co_quan_quyet_dinh")),
        ("Quá trình vào Đảng", ("status", "admitted_on", "ceremony_date", "official_on")),
        ("Nghề nghiệp, trình độ", ValuesMixin.VALUE_FIELD_NAMES),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if data.get("status") == MemberStatus.OFFICIAL and not data.get("official_on"):
            self.add_error("official_on", "Đảng viên chính thức cần có ngày công nhận chính thức.")
        return data


# Ledger events ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventSpec:
    kind: str
    title: str
    date_label: str
    fields: tuple[str, ...] = ()
    hint: str = ""
    # Which current statuses make the button worth showing on the profile page (the rules decide).
    when: tuple[str, ...] = field(default=("active",))


EVENT_SPECS: dict[str, EventSpec] = {
    "cong-nhan-chinh-thuc": EventSpec(
        EventKind.RECOGNITION, "Công nhận đảng viên chính thức", "Ngày công nhận chính thức",
        hint="Ngày công nhận là ngày đủ 12 tháng dự bị, tính từ ngày lễ kết nạp.", when=("probationary",)),
    "chuyen-sinh-hoat": EventSpec(
        EventKind.TRANSFER, "Chuyển sinh hoạt đảng chính thức (trong Đảng bộ)", "Ngày chuyển",
        fields=("organisation",)),
    "chuyen-di": EventSpec(
        EventKind.TRANSFER_OUT, "Chuyển sinh hoạt đảng chính thức ra ngoài Đảng bộ", "Ngày chuyển đi",
        fields=("external_place", "other_province")),
    "sinh-hoat-tam-thoi": EventSpec(
        EventKind.TEMPORARY_AWAY, "Chuyển sinh hoạt đảng tạm thời", "Ngày bắt đầu sinh hoạt tạm thời",
        fields=("temporary_organisation", "external_place", "other_province"),
        hint="Chọn tổ chức đảng trong danh sách, hoặc ghi nơi sinh hoạt tạm thời ngoài Đảng bộ."),
    "tro-ve": EventSpec(EventKind.TEMPORARY_RETURN, "Trở về sau sinh hoạt tạm thời", "Ngày trở về",
                        when=("temporary",)),
    "xoa-ten": EventSpec(EventKind.REMOVAL, "Xóa tên", "Ngày xóa tên", fields=("reason",)),
    "xoa-ten-du-bi": EventSpec(EventKind.PROBATION_REMOVAL, "Xóa tên khỏi danh sách đảng viên dự bị",
                               "Ngày xóa tên", fields=("reason",), when=("probationary",)),
    "xin-ra": EventSpec(EventKind.RESIGNATION, "Xin ra khỏi Đảng", "Ngày ra khỏi Đảng", fields=("reason",)),
    "khai-tru": EventSpec(EventKind.EXPULSION, "Khai trừ", "Ngày khai trừ", fields=("reason",),
                          when=("official",)),
    "tu-tran": EventSpec(EventKind.DEATH, "Từ trần", "Ngày từ trần"),
    "mien-sinh-hoat": EventSpec(EventKind.EXEMPTION, "Miễn công tác và sinh hoạt đảng", "Ngày bắt đầu miễn",
                                fields=("reason",), when=("not_exempted",)),
    "thoi-mien": EventSpec(EventKind.EXEMPTION_END, "Thôi miễn công tác và sinh hoạt đảng", "Ngày thôi miễn",
                           when=("exempted",)),
    "dinh-chi": EventSpec(EventKind.SUSPENSION, "Đình chỉ sinh hoạt đảng", "Ngày bắt đầu đình chỉ",
                          fields=("reason",), when=("not_suspended",)),
    "het-dinh-chi": EventSpec(EventKind.SUSPENSION_END, "Hết đình chỉ sinh hoạt đảng", "Ngày hết đình chỉ",
                              when=("suspended",)),
    "ket-nap-lai": EventSpec(
        EventKind.READMISSION, "Kết nạp lại", "Ngày ký quyết định kết nạp lại",
        fields=("organisation", "ceremony_date", "exception_approval"),
        hint="Chỉ xét kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng, và chỉ một lần.", when=("left",)),
    "phuc-hoi": EventSpec(EventKind.RESTORATION, "Phục hồi đảng tịch", "Ngày phục hồi", fields=("reason",),
                          when=("removed_or_expelled",)),
}


class EventForm(DecisionMixin, forms.Form):
    effective_date = VNDateField(label="Ngày hiệu lực")
    organisation = OrganisationChoiceField(label="Tổ chức đảng nơi đến", queryset=None,
                                           empty_label="— Chọn tổ chức đảng —")
    temporary_organisation = OrganisationChoiceField(label="Tổ chức đảng nơi sinh hoạt tạm thời", queryset=None,
                                                     required=False, empty_label="— Không chọn (ngoài Đảng bộ) —")
    external_place = forms.CharField(label="Nơi đến (ngoài Đảng bộ)", max_length=300, required=False)
    other_province = forms.BooleanField(label="Ngoài tỉnh, thành phố", required=False)
    ceremony_date = VNDateField(label="Ngày lễ kết nạp lại", required=False,
                                help_text="Bỏ trống nếu trùng ngày quyết định.")
    exception_approval = forms.CharField(
        label="Văn bản đồng ý của cấp có thẩm quyền (nếu có)", max_length=500, required=False,
        help_text="Bắt buộc khi người này trước đây xin ra khỏi Đảng.",
        widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="Lý do, ghi chú", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    OPTIONAL = ("temporary_organisation", "external_place", "other_province", "ceremony_date",
                "exception_approval", "reason")

    field_order = ["effective_date", "organisation", "temporary_organisation", "external_place", "other_province",
                   "ceremony_date", "exception_approval", "reason", "so_quyet_dinh", "ngay_quyet_dinh",
                   "co_quan_quyet_dinh"]

    def __init__(self, *args, spec: EventSpec, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        keep = {"effective_date", "so_quyet_dinh", "ngay_quyet_dinh", "co_quan_quyet_dinh", *spec.fields}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["effective_date"].label = spec.date_label
        for name in ("organisation", "temporary_organisation"):
            if name in self.fields:
                self.fields[name].queryset = organisations
        if spec.kind == EventKind.TRANSFER_OUT:
            self.fields["external_place"].required = True
            self.fields["external_place"].label = "Nơi chuyển đến"
        if spec.kind == EventKind.READMISSION:
            self.fields["organisation"].label = "Chi bộ (tổ chức đảng) kết nạp lại"

    def clean(self):
        data = super().clean()
        if self.spec.kind == EventKind.TEMPORARY_AWAY and not data.get("temporary_organisation") \
                and not data.get("external_place"):
            raise forms.ValidationError("Hãy chọn tổ chức đảng hoặc ghi nơi sinh hoạt tạm thời.")
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=500, min_length=5,
                             help_text="Ghi rõ vì sao sự kiện này bị ghi nhầm (ít nhất 5 ký tự).",
                             widget=forms.Textarea(attrs={"rows": 3}))


class ProfileForm(ProfileMixin, forms.Form):
    GROUPS = (("Lý lịch", tuple(PROFILE_LABELS)), ("Căn cứ", ("correction_basis",)))

    correction_basis = forms.CharField(
        label="Căn cứ đính chính", max_length=500, required=False,
        help_text="Bắt buộc khi sửa ngày sinh của đảng viên: ghi số, ngày của văn bản làm căn cứ.",
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, show_sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]


# Dated values ----------------------------------------------------------------------------------

YES_NO = [("1", "Có"), ("0", "Không")]


def value_choices(attribute: str) -> list[tuple[str, str]]:
    if attribute in BOOLEAN_ATTRIBUTES:
        return YES_NO
    return choices(attribute)


class ValueForm(forms.Form):
    thuoc_tinh = forms.ChoiceField(label="Thông tin", choices=ValueAttribute.choices)
    gia_tri = forms.ChoiceField(label="Giá trị", choices=())
    tu_ngay = VNDateField(label="Áp dụng từ ngày")

    def __init__(self, *args, attribute: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = (self.data.get("thuoc_tinh") if self.is_bound else None) or attribute or ValueAttribute.OCCUPATION
        if chosen not in ValueAttribute.values:
            chosen = ValueAttribute.OCCUPATION
        self.attribute = chosen
        self.fields["thuoc_tinh"].initial = chosen
        self.fields["gia_tri"].choices = value_choices(chosen)


class StateOnForm(forms.Form):
    ngay = VNDateField(label="Xem tình trạng vào ngày")
    biet_den = VNDateField(label="Theo dữ liệu đã biết đến ngày", required=False,
                           help_text="Bỏ trống để xem theo dữ liệu hiện nay.")
