"""Forms of the member-development pages. They only parse input: access in the views, rules in the
services. Step forms are built from ``STEP_SPECS`` (one spec per step of the admission path)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from dangvu.codes.data import choices
from dangvu.development.models import Stage, StepKind
from dangvu.development.services import DECIDING_BODIES, Approval
from dangvu.members.forms import OrganisationChoiceField
from dangvu.organisations.services import Decision
from dangvu.web.forms import VNDateField


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        org = f" – {obj.organisation.name}" if obj.organisation_id else ""
        return f"{obj.full_name} (sinh {obj.date_of_birth:%d/%m/%Y}){org}"


class HostUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


# Candidates ------------------------------------------------------------------------------------

class CandidateForm(forms.Form):
    organisation = OrganisationChoiceField(label="Chi bộ bồi dưỡng, giới thiệu", queryset=None,
                                           empty_label="— Chọn chi bộ —")
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    gender = forms.ChoiceField(label="Giới tính", choices=[("", "— Chọn —")] + choices("gender"))
    date_of_birth = VNDateField(label="Ngày sinh")
    citizen_id = forms.CharField(label="Số định danh cá nhân (CCCD)", max_length=12, required=False,
                                 help_text="12 chữ số.", widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=choices("ethnicity"), initial="kinh")
    religion = forms.ChoiceField(label="Tôn giáo", choices=choices("religion"), initial="none")
    home_town = forms.CharField(label="Quê quán", max_length=200, required=False)
    residence = forms.CharField(label="Nơi thường trú", max_length=300, required=False)
    occupation = forms.ChoiceField(label="Nghề nghiệp", choices=choices("occupation"), initial="worker")
    general_education = forms.ChoiceField(label="Giáo dục phổ thông", choices=choices("general_education"),
                                          initial="upper_secondary")
    professional = forms.ChoiceField(label="Chuyên môn, nghiệp vụ", choices=choices("professional"),
                                     initial="unknown")
    is_youth_union_member = forms.BooleanField(label="Là đoàn viên Đoàn TNCS Hồ Chí Minh", required=False)
    is_trade_union_member = forms.BooleanField(label="Là đoàn viên công đoàn", required=False)
    is_business_owner = forms.BooleanField(label="Là chủ doanh nghiệp tư nhân", required=False)
    has_foreign_spouse = forms.BooleanField(label="Có vợ/chồng là người nước ngoài", required=False)
    host_unit = HostUnitChoiceField(label="Đơn vị, doanh nghiệp nơi làm việc", queryset=None, required=False,
                                    empty_label="— Theo đơn vị của chi bộ —")
    helper = MemberChoiceField(label="Đảng viên được phân công giúp đỡ", queryset=None, required=False,
                               empty_label="— Chưa phân công —")
    listed_on = VNDateField(label="Ngày đưa vào danh sách nguồn")
    former_member = MemberChoiceField(label="Kết nạp lại: hồ sơ đảng viên cũ", queryset=None, required=False,
                                      empty_label="— Không (kết nạp lần đầu) —")
    conviction_expunged_on = VNDateField(label="Ngày được xóa án tích (nếu từng bị kết án)", required=False)
    notes = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, members, former_members, host_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["helper"].queryset = members
        self.fields["former_member"].queryset = former_members
        self.fields["host_unit"].queryset = host_units

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class CandidateFilterForm(forms.Form):
    q = forms.CharField(label="Tìm theo tên", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: nguyen van an"}))
    to_chuc = forms.IntegerField(label="Tổ chức đảng", required=False, widget=forms.Select)
    giai_doan = forms.ChoiceField(label="Giai đoạn", required=False, choices=[("", "Tất cả")] + Stage.choices)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        from dangvu.members.forms import org_label

        top = min((org.depth for org in organisations), default=0)
        self.fields["to_chuc"].widget.choices = [("", "Tất cả tổ chức trong phạm vi")] + [
            (org.pk, org_label(org, top)) for org in organisations]


# Steps -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepSpec:
    kind: str
    date_label: str
    fields: tuple[str, ...]
    hint: str = ""
    approval: str = ""  # when set, the approval fields are offered with this heading

    @property
    def title(self) -> str:
        return StepKind(self.kind).label


STEP_SPECS: dict[str, StepSpec] = {
    "hoc-lop": StepSpec(StepKind.COURSE, "Ngày cấp giấy chứng nhận", ("so_van_ban", "co_quan"),
                        "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (mẫu CN-NTVĐ) có giá trị 60 tháng."),
    "don-xin-vao-dang": StepSpec(StepKind.APPLICATION, "Ngày viết đơn", ()),
    "ly-lich": StepSpec(StepKind.BACKGROUND, "Ngày khai lý lịch", ()),
    "tham-tra": StepSpec(StepKind.VERIFICATION, "Ngày kết luận thẩm tra lý lịch", ("ket_luan",)),
    "gioi-thieu": StepSpec(StepKind.INTRODUCERS, "Ngày giới thiệu",
                           ("gt1", "gt1_tu_ngay", "gt2", "gt2_tu_ngay", "to_chuc_gioi_thieu", "so_nghi_quyet_to_chuc"),
                           "Hai đảng viên chính thức đã cùng công tác với người xin vào Đảng ít nhất 12 tháng; hoặc "
                           "nghị quyết giới thiệu của Ban Chấp hành đoàn cơ sở / công đoàn cơ sở và một đảng viên."),
    "nhan-xet": StepSpec(StepKind.COMMENTS, "Ngày tổng hợp ý kiến nhận xét", ("ngay_doan_the", "ngay_noi_cu_tru")),
    "nghi-quyet-chi-bo": StepSpec(StepKind.CELL_RESOLUTION, "Ngày chi bộ họp xét kết nạp",
                                  ("so_van_ban", "so_dv_chinh_thuc", "so_tan_thanh"),
                                  "Cần ít nhất 2/3 số đảng viên chính thức của chi bộ tán thành.",
                                  approval="Văn bản chấp thuận (trên 60 tuổi, trình độ học vấn đặc biệt, kết nạp lại)"),
    "nghi-quyet-dang-uy": StepSpec(StepKind.BASE_RESOLUTION, "Ngày đảng ủy cơ sở ra nghị quyết", ("so_van_ban",)),
    "quyet-dinh-ket-nap": StepSpec(StepKind.DECISION, "Ngày ban hành quyết định",
                                   ("so_van_ban", "ngay_nhan", "loai_co_quan", "co_quan", "nguoi_ky", "dia_danh",
                                    "gia_han"),
                                   "Cấp ủy có thẩm quyền quyết định trong 60 ngày làm việc kể từ ngày chi bộ có "
                                   "nghị quyết."),
    "le-ket-nap": StepSpec(StepKind.CEREMONY, "Ngày tổ chức lễ kết nạp", (),
                           "Lễ kết nạp tổ chức trong 30 ngày làm việc. Khi ghi lễ kết nạp, đảng viên mới được ghi vào "
                           "sổ đảng viên (đảng viên dự bị).",
                           approval="Ý kiến đồng ý của cấp ủy cấp trên (nếu tổ chức lễ quá hạn)"),
    "nghi-quyet-cong-nhan": StepSpec(StepKind.RECOGNITION_VOTE, "Ngày chi bộ họp xét công nhận chính thức",
                                     ("so_van_ban", "so_dv_chinh_thuc", "so_tan_thanh"),
                                     "Chi bộ xét trong 30 ngày làm việc kể từ ngày hết 12 tháng dự bị. Lần biểu quyết "
                                     "không đủ 2/3 được ghi lại; sau ba lần, cấp ủy cấp trên quyết định.",
                                     approval="Ý kiến của cấp ủy cấp trên (nếu chi bộ xét quá hạn)"),
    "quyet-dinh-cong-nhan": StepSpec(StepKind.RECOGNITION, "Ngày ban hành quyết định",
                                     ("so_van_ban", "loai_co_quan", "co_quan", "nguoi_ky", "dia_danh", "gia_han"),
                                     "Ngày công nhận chính thức là ngày hết 12 tháng dự bị (ghi tự động)."),
    "xoa-ten-du-bi": StepSpec(StepKind.PROBATION_REMOVAL, "Ngày quyết định xóa tên",
                              ("so_van_ban", "co_quan", "so_dv_chinh_thuc", "so_tan_thanh", "ly_do"),
                              "Nghị quyết chi bộ cần ít nhất 2/3 số đảng viên chính thức tán thành."),
}
SLUG_OF = {spec.kind: slug for slug, spec in STEP_SPECS.items()}

APPROVAL_FIELDS = ("cq_so", "cq_ngay", "cq_co_quan", "cq_ly_do")


def _field(name: str, members):
    if name == "so_van_ban":
        return forms.CharField(label="Số văn bản, số giấy chứng nhận", max_length=60, required=False,
                               widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 125-QĐ/ĐU"}))
    if name == "co_quan":
        return forms.CharField(label="Cơ quan ban hành, nơi cấp", max_length=200, required=False)
    if name == "ket_luan":
        return forms.CharField(label="Kết luận thẩm tra", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if name in ("gt1", "gt2"):
        return MemberChoiceField(label="Đảng viên giới thiệu thứ nhất" if name == "gt1" else
                                 "Đảng viên giới thiệu thứ hai (bỏ trống nếu có nghị quyết đoàn thể)",
                                 queryset=members, required=name == "gt1", empty_label="— Chọn đảng viên —")
    if name in ("gt1_tu_ngay", "gt2_tu_ngay"):
        return VNDateField(label="Cùng công tác, học tập, cư trú từ ngày", required=False)
    if name == "to_chuc_gioi_thieu":
        return forms.ChoiceField(label="Nghị quyết giới thiệu của đoàn thể", required=False, choices=[
            ("", "— Không —"), ("doan", "Ban Chấp hành đoàn cơ sở (Đoàn TNCS Hồ Chí Minh)"),
            ("cong_doan", "Ban Chấp hành công đoàn cơ sở")])
    if name == "so_nghi_quyet_to_chuc":
        return forms.CharField(label="Số nghị quyết của đoàn thể", max_length=60, required=False)
    if name in ("ngay_doan_the", "ngay_noi_cu_tru"):
        return VNDateField(label="Ngày nhận xét của đoàn thể nơi làm việc" if name == "ngay_doan_the"
                           else "Ngày nhận xét của chi ủy nơi cư trú", required=False)
    if name == "so_dv_chinh_thuc":
        return forms.IntegerField(label="Số đảng viên chính thức của chi bộ", min_value=0, required=False)
    if name == "so_tan_thanh":
        return forms.IntegerField(label="Số đảng viên chính thức tán thành", min_value=0, required=False)
    if name == "ngay_nhan":
        return VNDateField(label="Ngày chi bộ nhận quyết định", required=False)
    if name == "loai_co_quan":
        return forms.ChoiceField(label="Cấp quyết định", choices=[(k, v[0]) for k, v in DECIDING_BODIES.items()])
    if name == "nguoi_ky":
        return forms.CharField(label="Người ký (Bí thư)", max_length=150, required=False)
    if name == "dia_danh":
        return forms.CharField(label="Địa danh ghi trên văn bản", max_length=100, required=False,
                               initial="TP. Hồ Chí Minh")
    if name == "gia_han":
        return forms.BooleanField(label="Có gia hạn (đã thông báo cho chi bộ, tối đa 30 ngày làm việc)",
                                  required=False)
    if name == "ly_do":
        return forms.CharField(label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if name == "cq_so":
        return forms.CharField(label="Số văn bản chấp thuận", max_length=60, required=False)
    if name == "cq_ngay":
        return VNDateField(label="Ngày văn bản chấp thuận", required=False)
    if name == "cq_co_quan":
        return forms.CharField(label="Cơ quan chấp thuận", max_length=200, required=False)
    if name == "cq_ly_do":
        return forms.CharField(label="Nội dung, lý do", max_length=300, required=False)
    raise KeyError(name)


class StepForm(forms.Form):
    ngay = VNDateField(label="Ngày")

    def __init__(self, *args, spec: StepSpec, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["ngay"].label = spec.date_label
        for name in spec.fields:
            self.fields[name] = _field(name, members)
        if spec.approval:
            for name in APPROVAL_FIELDS:
                self.fields[name] = _field(name, members)

    def main_fields(self):
        return [self[name] for name in self.fields if name not in APPROVAL_FIELDS]

    def approval_fields(self):
        return [self[name] for name in APPROVAL_FIELDS if name in self.fields]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind = self.spec.kind
        details: dict = {}
        body = data.get("co_quan", "")
        if "loai_co_quan" in data:
            details["body_kind"] = data["loai_co_quan"]
            body = body or DECIDING_BODIES[data["loai_co_quan"]][0]
        for key, name in (("signer", "nguoi_ky"), ("place", "dia_danh"), ("conclusion", "ket_luan"),
                          ("reason", "ly_do")):
            if data.get(name):
                details[key] = data[name]
        if data.get("gia_han"):
            details["extension_notice"] = True
        if "so_dv_chinh_thuc" in self.fields:
            details["official_total"] = data.get("so_dv_chinh_thuc") or 0
            details["votes_for"] = data.get("so_tan_thanh") or 0
        if kind == StepKind.INTRODUCERS:
            details["introducers"] = [
                {"member_id": data[m].pk, "since": data[s].isoformat() if data.get(s) else None}
                for m, s in (("gt1", "gt1_tu_ngay"), ("gt2", "gt2_tu_ngay")) if data.get(m)]
            if data.get("to_chuc_gioi_thieu"):
                details["org_resolution"] = {"kind": data["to_chuc_gioi_thieu"],
                                             "number": data.get("so_nghi_quyet_to_chuc", "")}
        if kind == StepKind.COMMENTS:
            for key, name in (("mass_org_on", "ngay_doan_the"), ("residence_on", "ngay_noi_cu_tru")):
                details[key] = data[name].isoformat() if data.get(name) else None
        approval = None
        if self.spec.approval and (data.get("cq_so") or data.get("cq_ngay") or data.get("cq_co_quan")):
            approval = Approval(number=data.get("cq_so", ""), date=data.get("cq_ngay"),
                                body=data.get("cq_co_quan", ""), reason=data.get("cq_ly_do", ""))
        number = data.get("so_van_ban", "")
        return {
            "kind": kind, "day": data["ngay"], "document": Decision(number, data["ngay"] if number else None, body),
            "received_on": data.get("ngay_nhan"), "details": details, "approval": approval,
        }


# Targets ---------------------------------------------------------------------------------------

class TargetForm(forms.Form):
    to_chuc = forms.IntegerField(label="Tổ chức đảng", widget=forms.Select)
    nam = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    chi_tieu = forms.IntegerField(label="Chỉ tiêu kết nạp (người)", min_value=0)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        from dangvu.members.forms import org_label

        top = min((org.depth for org in organisations), default=0)
        self.fields["to_chuc"].widget.choices = [(org.pk, org_label(org, top)) for org in organisations]


class FunnelForm(forms.Form):
    to_chuc = forms.IntegerField(label="Tổ chức đảng", required=False, widget=forms.Select)
    ngay = VNDateField(label="Tính đến ngày", required=False)
    nam = forms.IntegerField(label="Năm của chỉ tiêu", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        from dangvu.members.forms import org_label

        top = min((org.depth for org in organisations), default=0)
        self.fields["to_chuc"].widget.choices = [("", "Toàn bộ phạm vi")] + [
            (org.pk, org_label(org, top)) for org in organisations]
