"""Forms of the organisation pages. Field names are Vietnamese slugs; labels are plain Vietnamese.

Choice lists of organisations and members are always given by the view from the access layer
(``organisations_for`` / ``members_for``); a form never builds its own queryset of them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from dangvu.codes.data import choices
from dangvu.organisations.models import BodyKind, HostUnit, OrgType, Post, PostKind
from dangvu.organisations.services import Decision
from dangvu.web.forms import VNDateField

REQUIRED = {"required": "Vui lòng nhập mục này."}
REQUIRED_CHOICE = {"required": "Vui lòng chọn một mục.",
                   "invalid_choice": "Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn."}
# "Known at the end of that day" is read in the office's time zone whatever the server's is.
OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ORG_TYPE_CHOICES = [("", "— Chọn loại tổ chức —"), *OrgType.choices]


def _date(label: str, *, required: bool = True, help_text: str = "") -> VNDateField:
    field = VNDateField(label=label, required=required, help_text=help_text)
    field.error_messages.update(REQUIRED)
    return field


def _text(label: str, *, max_length: int, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text,
                           error_messages={**REQUIRED,
                                           "max_length": f"Không quá {max_length} ký tự."})


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation in a select, indented by depth so the tree shows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED_CHOICE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        indent = "\u2003" * max(obj.depth, 0)
        return f"{indent}{obj.name} ({obj.code})"


class MemberChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED_CHOICE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        born = f", sinh {obj.date_of_birth:%d/%m/%Y}" if obj.date_of_birth else ""
        where = f" – {obj.organisation.name}" if obj.organisation_id else ""
        status = {"official": " (chính thức)", "probationary": " (dự bị)"}.get(obj.status, "")
        return f"{obj.full_name}{born}{where}{status}"


# Tree -------------------------------------------------------------------------------------------

class TreeFilterForm(forms.Form):
    ngay = _date("Xem theo ngày", required=False, help_text="Để trống: hôm nay.")
    biet_den = _date("Theo dữ liệu đã biết đến ngày", required=False,
                     help_text="Để trống: theo mọi dữ liệu đã ghi. Dùng để xem lại số liệu như đã báo cáo trước đây.")

    def day(self) -> date:
        return self.cleaned_data.get("ngay") or timezone.localdate()

    def known_at(self) -> datetime | None:
        """End of the chosen day in the project's time zone (Asia/Ho_Chi_Minh)."""
        day = self.cleaned_data.get("biet_den")
        if day is None:
            return None
        return datetime.combine(day, time.max, tzinfo=OFFICE_TZ)


# Decisions --------------------------------------------------------------------------------------

class DecisionForm(forms.Form):
    """The decision behind an organisation event: effective date, number, date, deciding body."""

    ngay_hieu_luc = _date("Ngày hiệu lực")
    so_quyet_dinh = _text("Số quyết định", max_length=60, help_text="Ví dụ: 125-QĐ/ĐU")
    ngay_quyet_dinh = _date("Ngày quyết định", required=False)
    co_quan_quyet_dinh = _text("Cơ quan quyết định", max_length=200, required=False,
                               help_text="Ví dụ: Ban Thường vụ Đảng ủy")

    decision_fields = ("ngay_hieu_luc", "so_quyet_dinh", "ngay_quyet_dinh", "co_quan_quyet_dinh")

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(data.get("so_quyet_dinh", ""), data.get("ngay_quyet_dinh"), data.get("co_quan_quyet_dinh", ""))

    def effective_date(self) -> date:
        return self.cleaned_data["ngay_hieu_luc"]

    def event_fields(self):
        return [self[name] for name in self.fields if name not in self.decision_fields]

    def decision_bound_fields(self):
        return [self[name] for name in self.decision_fields if name in self.fields]


class FoundForm(DecisionForm):
    ma = _text("Mã tổ chức", max_length=32, help_text="Mã viết liền, không dấu, ví dụ: CB-PX3")
    ten = _text("Tên tổ chức", max_length=300, help_text="Ví dụ: Chi bộ Phân xưởng 3")
    loai = forms.ChoiceField(label="Loại tổ chức", choices=ORG_TYPE_CHOICES, error_messages=REQUIRED_CHOICE)
    cap_tren = OrganisationChoiceField(label="Trực thuộc", queryset=None, empty_label="— Chọn tổ chức cấp trên —")
    don_vi = forms.ModelChoiceField(label="Đơn vị (cơ quan, doanh nghiệp)", queryset=HostUnit.objects.none(),
                                    required=False, empty_label="— Chưa chọn —", error_messages=REQUIRED_CHOICE)

    field_order = ["ma", "ten", "loai", "cap_tren", "don_vi"]

    def __init__(self, *args, parents, allow_root: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ngay_hieu_luc"].label = "Ngày thành lập"
        self.fields["cap_tren"].queryset = parents
        self.fields["don_vi"].queryset = HostUnit.objects.order_by("name")
        if allow_root:
            self.fields["cap_tren"].required = False
            self.fields["cap_tren"].empty_label = "— Không có (cấp cao nhất) —"

    def clean_ma(self) -> str:
        code = self.cleaned_data["ma"].strip()
        if any(ch.isspace() for ch in code):
            raise forms.ValidationError("Mã tổ chức viết liền, không có khoảng trắng.")
        return code


class RenameForm(DecisionForm):
    ten_moi = _text("Tên mới", max_length=300)
    field_order = ["ten_moi"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ten_moi"].help_text = f"Tên hiện nay: {organisation.name}"

    def clean_ten_moi(self) -> str:
        return self.cleaned_data["ten_moi"].strip()


class MoveForm(DecisionForm):
    cap_tren_moi = OrganisationChoiceField(label="Chuyển về trực thuộc", queryset=None,
                                           empty_label="— Chọn tổ chức cấp trên mới —")
    field_order = ["cap_tren_moi"]

    def __init__(self, *args, organisation, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cap_tren_moi"].queryset = targets
        current = organisation.parent.name if organisation.parent_id else "không có (cấp cao nhất)"
        self.fields["cap_tren_moi"].help_text = f"Hiện đang trực thuộc: {current}"


class TypeChangeForm(DecisionForm):
    loai_moi = forms.ChoiceField(label="Loại tổ chức mới", choices=ORG_TYPE_CHOICES, error_messages=REQUIRED_CHOICE)
    field_order = ["loai_moi"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai_moi"].help_text = f"Loại hiện nay: {organisation.get_org_type_display()}"


class MergeForm(DecisionForm):
    sap_nhap_vao = OrganisationChoiceField(label="Sáp nhập vào tổ chức", queryset=None,
                                           empty_label="— Chọn tổ chức nhận —")
    field_order = ["sap_nhap_vao"]

    def __init__(self, *args, organisation, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sap_nhap_vao"].queryset = targets
        self.fields["sap_nhap_vao"].help_text = (
            "Đảng viên đang sinh hoạt tại tổ chức này sẽ chuyển sang tổ chức nhận theo cùng quyết định.")


class SplitForm(DecisionForm):
    ma_1 = _text("Mã tổ chức mới thứ nhất", max_length=32)
    ten_1 = _text("Tên tổ chức mới thứ nhất", max_length=300)
    loai_1 = forms.ChoiceField(label="Loại tổ chức mới thứ nhất", choices=ORG_TYPE_CHOICES,
                               error_messages=REQUIRED_CHOICE)
    ma_2 = _text("Mã tổ chức mới thứ hai", max_length=32, required=False)
    ten_2 = _text("Tên tổ chức mới thứ hai", max_length=300, required=False)
    loai_2 = forms.ChoiceField(label="Loại tổ chức mới thứ hai", choices=ORG_TYPE_CHOICES, required=False,
                               error_messages=REQUIRED_CHOICE)
    cham_dut = forms.BooleanField(label="Tổ chức cũ chấm dứt hoạt động", required=False, initial=True,
                                  help_text="Bỏ chọn nếu tổ chức cũ vẫn tiếp tục hoạt động sau khi tách.")
    field_order = ["ma_1", "ten_1", "loai_1", "ma_2", "ten_2", "loai_2", "cham_dut"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai_1"].initial = organisation.org_type
        self.fields["loai_2"].initial = organisation.org_type

    def clean(self):
        data = super().clean()
        second = [data.get("ma_2"), data.get("ten_2")]
        if any(second) and not all(second):
            for name, value in (("ma_2", data.get("ma_2")), ("ten_2", data.get("ten_2"))):
                if not value:
                    self.add_error(name, "Nhập đủ mã và tên của tổ chức mới thứ hai, hoặc để trống cả hai.")
        if all(second) and not data.get("loai_2"):
            self.add_error("loai_2", "Vui lòng chọn loại của tổ chức mới thứ hai.")
        codes = [c.strip().upper() for c in (data.get("ma_1"), data.get("ma_2")) if c]
        if len(codes) == 2 and codes[0] == codes[1]:
            self.add_error("ma_2", "Hai tổ chức mới phải có mã khác nhau.")
        return data

    def new_units(self) -> list[dict]:
        data = self.cleaned_data
        units = [{"code": data["ma_1"], "name": data["ten_1"], "org_type": data["loai_1"]}]
        if data.get("ma_2") and data.get("ten_2"):
            units.append({"code": data["ma_2"], "name": data["ten_2"], "org_type": data["loai_2"]})
        return units


class DissolveForm(DecisionForm):
    chuyen_dang_vien_ve = OrganisationChoiceField(
        label="Chuyển đảng viên còn lại về", queryset=None, required=False, empty_label="— Không có đảng viên để chuyển —",
        help_text="Bắt buộc chọn nếu tổ chức còn đảng viên đang sinh hoạt.")
    field_order = ["chuyen_dang_vien_ve"]

    def __init__(self, *args, organisation, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chuyen_dang_vien_ve"].queryset = targets


# Host units, terms, posts -----------------------------------------------------------------------

class HostUnitForm(forms.Form):
    ten = _text("Tên đơn vị", max_length=300, help_text="Ví dụ: Công ty TNHH Alpha Việt Nam")
    loai_hinh = forms.ChoiceField(label="Loại hình đơn vị", choices=[("", "— Chọn loại hình —"), *choices("unit_type")],
                                  error_messages=REQUIRED_CHOICE)
    loai_khu = forms.ChoiceField(label="Nằm trong khu", choices=choices("zone_kind"), initial="none",
                                 error_messages=REQUIRED_CHOICE)
    ten_khu = _text("Tên khu", max_length=200, required=False, help_text="Ví dụ: Khu chế xuất Tân Thuận")
    dia_chi = _text("Địa chỉ", max_length=300, required=False)
    so_lao_dong = forms.IntegerField(label="Số lao động", required=False, min_value=0,
                                     error_messages={"invalid": "Số lao động phải là số nguyên.",
                                                     "min_value": "Số lao động không được âm."})

    def clean(self):
        data = super().clean()
        if data.get("loai_khu") and data["loai_khu"] != "none" and not data.get("ten_khu"):
            self.add_error("ten_khu", "Vui lòng nhập tên khu.")
        return data


class TermForm(forms.Form):
    ten_nhiem_ky = _text("Nhiệm kỳ", max_length=40, help_text="Ví dụ: 2025 – 2030")
    tu_ngay = _date("Từ ngày", help_text="Ngày sau ngày bế mạc đại hội.")
    den_ngay = _date("Đến ngày", required=False, help_text="Để trống nếu chưa hết nhiệm kỳ.")
    lap_bch = forms.BooleanField(label=BodyKind.EXECUTIVE_COMMITTEE.label, required=False, initial=True)
    lap_btv = forms.BooleanField(label=BodyKind.STANDING_COMMITTEE.label, required=False)
    lap_ubkt = forms.BooleanField(label=BodyKind.INSPECTION_COMMITTEE.label, required=False)

    body_fields = {"lap_bch": BodyKind.EXECUTIVE_COMMITTEE, "lap_btv": BodyKind.STANDING_COMMITTEE,
                   "lap_ubkt": BodyKind.INSPECTION_COMMITTEE}

    def __init__(self, *args, existing_starts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_starts = set(existing_starts)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("tu_ngay"), data.get("den_ngay")
        if starts and ends and ends < starts:
            self.add_error("den_ngay", "Ngày kết thúc không được trước ngày bắt đầu.")
        if starts and starts in self.existing_starts:
            self.add_error("tu_ngay", "Tổ chức này đã có một nhiệm kỳ bắt đầu từ ngày này.")
        return data

    def bodies(self) -> list[str]:
        return [kind for name, kind in self.body_fields.items() if self.cleaned_data.get(name)]

    def term_fields(self):
        return [self[name] for name in ("ten_nhiem_ky", "tu_ngay", "den_ngay")]

    def body_bound_fields(self):
        return [self[name] for name in self.body_fields]


class BodyChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED_CHOICE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.get_kind_display()


class PostAssignForm(forms.Form):
    co_quan = BodyChoiceField(label="Cơ quan", queryset=None, empty_label="— Chọn cơ quan —")
    dang_vien = MemberChoiceField(label="Đảng viên", queryset=None, empty_label="— Chọn đảng viên —")
    chuc_vu = forms.ChoiceField(label="Chức vụ", choices=[("", "— Chọn chức vụ —"), *PostKind.choices],
                                error_messages=REQUIRED_CHOICE)
    tu_ngay = _date("Từ ngày")
    hinh_thuc = forms.ChoiceField(label="Hình thức", choices=Post._meta.get_field("appointment").choices,
                                  initial="congress", error_messages=REQUIRED_CHOICE)

    def __init__(self, *args, bodies, members, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].queryset = bodies
        self.fields["dang_vien"].queryset = members
        self.fields["tu_ngay"].initial = term.starts_on
        if term.starts_on:
            self.fields["tu_ngay"].help_text = f"Nhiệm kỳ bắt đầu từ ngày {term.starts_on:%d/%m/%Y}."

    def clean(self):
        data = super().clean()
        term_starts = self.fields["tu_ngay"].initial
        if data.get("tu_ngay") and term_starts and data["tu_ngay"] < term_starts:
            self.add_error("tu_ngay", "Ngày bắt đầu giữ chức vụ không được trước ngày bắt đầu nhiệm kỳ.")
        return data
