"""Forms of the oversight pages. Querysets come from the view (built by ``dangvu.oversight.access``)."""

from __future__ import annotations

from django import forms

from dangvu.oversight.models import (
    ActivityType,
    ActorKind,
    AppealOutcome,
    Conclusion,
    DisciplineForm,
    PostponementReason,
    SuspensionGround,
    SuspensionKind,
    ViolationContent,
)
from dangvu.web.forms import VNDateField

REQUIRED = {"required": "Cần nhập mục này."}


def _org_label(org) -> str:
    return f"{'— ' * org.depth}{org.name} ({org.code})"


class OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _org_label(obj)


class OrgMultiple(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return _org_label(obj)


class MemberMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} – {obj.organisation.name if obj.organisation else ''}"


class DecisionMixin(forms.Form):
    so_quyet_dinh = forms.CharField(label="Số quyết định", max_length=60, error_messages=REQUIRED)
    ngay_quyet_dinh = VNDateField(label="Ngày quyết định", error_messages=REQUIRED)


class ActivityForm(DecisionMixin):
    organisation = OrgChoice(label="Tổ chức đảng của cơ quan thực hiện", queryset=None, error_messages=REQUIRED)
    actor_kind = forms.ChoiceField(label="Cơ quan thực hiện", choices=ActorKind.choices)
    activity_type = forms.ChoiceField(label="Loại kiểm tra, giám sát", choices=ActivityType.choices)
    topic = forms.CharField(label="Nội dung, chủ đề", max_length=500, error_messages=REQUIRED)
    plan = forms.CharField(label="Kế hoạch", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.CharField(label="Đoàn, tổ (trưởng đoàn, thành viên)", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    period_from = VNDateField(label="Thời kỳ từ ngày", required=False)
    period_to = VNDateField(label="Thời kỳ đến ngày", required=False)
    programme_item = forms.ModelChoiceField(label="Thuộc chương trình (bỏ trống nếu ngoài chương trình)",
                                            queryset=None, required=False, empty_label="Ngoài chương trình")
    subject_organisations = OrgMultiple(label="Tổ chức đảng là đối tượng", queryset=None, required=False)
    subject_members = MemberMultiple(label="Đảng viên là đối tượng (giữ Ctrl để chọn nhiều)", queryset=None,
                                     required=False, widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, organisations, members, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["subject_organisations"].queryset = organisations
        self.fields["subject_members"].queryset = members
        self.fields["programme_item"].queryset = items


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label="Kết luận", choices=[c for c in Conclusion.choices if c[0]])
    findings = forms.CharField(label="Kết quả, nhận xét", widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages=REQUIRED)
    concluded_on = VNDateField(label="Ngày kết luận", error_messages=REQUIRED)
    signs_of_violation = forms.BooleanField(label="Phát hiện dấu hiệu vi phạm (để chuyển sang kiểm tra)",
                                            required=False)


class SubjectMultiple(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return str(obj)


class EscalateForm(DecisionMixin):
    subjects = SubjectMultiple(label="Đối tượng có dấu hiệu vi phạm", queryset=None, error_messages=REQUIRED)
    organisation = OrgChoice(label="Tổ chức đảng của cơ quan kiểm tra", queryset=None, error_messages=REQUIRED)
    actor_kind = forms.ChoiceField(label="Cơ quan kiểm tra", choices=ActorKind.choices,
                                   initial=ActorKind.INSPECTION_COMMITTEE)
    topic = forms.CharField(label="Nội dung kiểm tra", max_length=500, error_messages=REQUIRED)
    team = forms.CharField(label="Đoàn, tổ kiểm tra", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subjects, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = subjects
        self.fields["organisation"].queryset = organisations


class CaseForm(forms.Form):
    violation_from = VNDateField(label="Ngày vi phạm", error_messages=REQUIRED)
    violation_to = VNDateField(label="Ngày chấm dứt vi phạm (nếu vi phạm kéo dài)", required=False)
    new_violation_on = VNDateField(label="Ngày có vi phạm mới (nếu có)", required=False)
    violation_content = forms.ChoiceField(label="Nội dung vi phạm", choices=ViolationContent.choices)
    violation_description = forms.CharField(label="Mô tả vi phạm", widget=forms.Textarea(attrs={"rows": 3}),
                                            error_messages=REQUIRED)
    proposed_form = forms.ChoiceField(label="Hình thức đề nghị", choices=DisciplineForm.choices)
    no_limitation_ground = forms.BooleanField(
        label="Vi phạm không áp dụng thời hiệu (chính trị nội bộ, quốc phòng, an ninh, đối ngoại, văn bằng giả)",
        required=False)
    especially_serious = forms.BooleanField(label="Vi phạm đặc biệt nghiêm trọng", required=False)
    third_child = forms.BooleanField(label="Vi phạm là sinh con thứ ba (từ 20/3/2025 không xử lý kỷ luật)",
                                     required=False)


class JudgmentCaseForm(forms.Form):
    """DIS-13: a case opened on a final judgment of imprisonment, without an inspection."""

    judgment_number = forms.CharField(label="Số bản án", max_length=60, error_messages=REQUIRED)
    judgment_date = VNDateField(label="Ngày bản án có hiệu lực pháp luật", error_messages=REQUIRED)
    violation_from = VNDateField(label="Ngày thực hiện hành vi phạm tội", error_messages=REQUIRED)
    violation_content = forms.ChoiceField(label="Nội dung vi phạm", choices=ViolationContent.choices,
                                          initial=ViolationContent.POLICY_LAW)
    violation_description = forms.CharField(label="Tội danh, mức hình phạt tù", error_messages=REQUIRED,
                                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"member": MemberChoice(label="Đảng viên bị kết án tù", queryset=members,
                                              error_messages=REQUIRED), **self.fields}


class PostponeForm(forms.Form):
    """NOKL-01: a case not yet considered while its ground lasts."""

    case = forms.ModelChoiceField(label="Vụ việc (đảng viên)", queryset=None, error_messages=REQUIRED)
    reason = forms.ChoiceField(label="Lý do chưa xem xét kỷ luật", choices=PostponementReason.choices)
    until = VNDateField(label="Chưa xem xét đến ngày", error_messages=REQUIRED)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.subject_name} – {c.get_proposed_form_display()} " \
                                                              f"({c.get_status_display().lower()})"


class ResumeForm(forms.Form):
    resumed_on = VNDateField(label="Ngày hết lý do tạm hoãn, tiếp tục xem xét", error_messages=REQUIRED)


VOTE_FIELDS = {
    DisciplineForm.REPRIMAND: "phieu_khien_trach",
    DisciplineForm.WARNING: "phieu_canh_cao",
    DisciplineForm.DISMISSAL: "phieu_cach_chuc",
    DisciplineForm.EXPULSION: "phieu_khai_tru",
    DisciplineForm.DISSOLUTION: "phieu_giai_tan",
}


class DecideForm(DecisionMixin):
    deciding_organisation = OrgChoice(label="Tổ chức đảng của cơ quan quyết định", queryset=None,
                                      error_messages=REQUIRED)
    deciding_actor = forms.ChoiceField(label="Cơ quan quyết định", choices=ActorKind.choices)
    concluded_on = VNDateField(label="Ngày kết luận vi phạm đến mức phải kỷ luật", error_messages=REQUIRED)
    voting_members = forms.IntegerField(label="Tổng số thành viên (chi bộ: tổng số đảng viên chính thức)",
                                        min_value=1, error_messages=REQUIRED)
    authorised_to_admit = forms.BooleanField(label="Đảng ủy cơ sở được ủy quyền quyết định kết nạp", required=False)
    proposal_votes = forms.IntegerField(label="Khai trừ: số phiếu chi bộ đề nghị", min_value=0, required=False)
    proposal_members = forms.IntegerField(label="Khai trừ: số đảng viên chính thức của chi bộ", min_value=1,
                                          required=False)
    delivered_on = VNDateField(label="Ngày đương sự nhận quyết định", required=False)
    members_to = OrgChoice(label="Giải tán: chuyển đảng viên về tổ chức", queryset=None, required=False)

    def __init__(self, *args, organisations, forms_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deciding_organisation"].queryset = organisations
        self.fields["members_to"].queryset = organisations.filter(ended_on__isnull=True)
        for form in forms_allowed:
            self.fields[VOTE_FIELDS[form]] = forms.IntegerField(
                label=f"Số phiếu {DisciplineForm(form).label.lower()} (phiếu kín)", min_value=0, required=False)

    def votes(self) -> dict[str, int]:
        return {form: self.cleaned_data.get(name) or 0 for form, name in VOTE_FIELDS.items() if name in self.fields}


class AppealForm(forms.Form):
    received_on = VNDateField(label="Ngày nhận đơn khiếu nại", error_messages=REQUIRED)
    content = forms.CharField(label="Nội dung khiếu nại", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages=REQUIRED)
    handling_organisation = OrgChoice(label="Tổ chức đảng của cơ quan giải quyết", queryset=None, required=False,
                                      empty_label="Cấp trên ngoài Đảng bộ")
    handling_actor = forms.ChoiceField(label="Cơ quan giải quyết", choices=[("", "—"), *ActorKind.choices],
                                       required=False)
    external_body = forms.CharField(label="Tên cơ quan cấp trên ngoài Đảng bộ (nếu có)", max_length=200,
                                    required=False)
    on_behalf = forms.BooleanField(label="Đơn khiếu nại thay cho người khác", required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_organisation"].queryset = organisations


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="Kết quả giải quyết", choices=[c for c in AppealOutcome.choices if c[0]])
    new_form = forms.ChoiceField(label="Hình thức mới (khi thay đổi)", choices=[("", "—"), *DisciplineForm.choices],
                                 required=False)
    outcome_number = forms.CharField(label="Số quyết định giải quyết", max_length=60, error_messages=REQUIRED)
    outcome_date = VNDateField(label="Ngày quyết định giải quyết", error_messages=REQUIRED)
    authorised_to_admit = forms.BooleanField(
        label="Cơ quan giải quyết là đảng ủy cơ sở được ủy quyền quyết định kết nạp (khi đổi sang khai trừ)",
        required=False)


class ProgrammeForm(forms.Form):
    organisation = OrgChoice(label="Tổ chức đảng", queryset=None, error_messages=REQUIRED)
    actor_kind = forms.ChoiceField(label="Cơ quan thực hiện", choices=ActorKind.choices)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, error_messages=REQUIRED)
    title = forms.CharField(label="Tên chương trình", max_length=300, error_messages=REQUIRED)
    decision_number = forms.CharField(label="Số văn bản", max_length=60, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ItemForm(forms.Form):
    activity_type = forms.ChoiceField(label="Loại kiểm tra, giám sát", choices=ActivityType.choices)
    subjects = forms.CharField(label="Đối tượng dự kiến", max_length=500, error_messages=REQUIRED)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}), error_messages=REQUIRED)
    planned_from = VNDateField(label="Thời gian từ ngày", error_messages=REQUIRED)
    planned_to = VNDateField(label="Đến ngày", error_messages=REQUIRED)


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} – {obj.organisation.name if obj.organisation else ''}"


class SuspensionForm(forms.Form):
    member = MemberChoice(label="Đảng viên (đình chỉ sinh hoạt đảng, sinh hoạt cấp ủy)", queryset=None,
                          required=False, empty_label="—")
    organisation = OrgChoice(label="Hoặc tổ chức đảng (đình chỉ hoạt động, tối đa 90 ngày)", queryset=None,
                             required=False, empty_label="—")
    kind = forms.ChoiceField(label="Loại đình chỉ", choices=SuspensionKind.choices)
    ground = forms.ChoiceField(label="Căn cứ", choices=SuspensionGround.choices)
    deciding_organisation = OrgChoice(label="Tổ chức đảng của cơ quan quyết định", queryset=None,
                                      error_messages=REQUIRED)
    deciding_actor = forms.ChoiceField(label="Cơ quan quyết định", choices=ActorKind.choices)
    decision_number = forms.CharField(label="Số quyết định", max_length=60, error_messages=REQUIRED)
    starts_on = VNDateField(label="Đình chỉ từ ngày", error_messages=REQUIRED)
    ends_on = VNDateField(label="Đến ngày", error_messages=REQUIRED)
    prosecuted_on = VNDateField(label="Ngày khởi tố, tạm giam (nếu có)", required=False)
    notified_on = VNDateField(label="Ngày cơ quan tố tụng thông báo (nếu có)", required=False)

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["organisation"].queryset = organisations.filter(ended_on__isnull=True)
        self.fields["deciding_organisation"].queryset = organisations


class SuspensionChangeForm(forms.Form):
    action = forms.ChoiceField(label="Thao tác", choices=[("extend", "Gia hạn"), ("end", "Kết thúc đình chỉ")])
    day = VNDateField(label="Gia hạn đến ngày / ngày kết thúc", error_messages=REQUIRED)


class FiguresForm(forms.Form):
    to_chuc = OrgChoice(label="Tổ chức đảng", queryset=None, required=False)
    tu = VNDateField(label="Từ ngày", required=False)
    den = VNDateField(label="Đến ngày", required=False)
    chi_so = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_chuc"].queryset = organisations

    def clean(self):
        data = super().clean()
        if data.get("tu") and data.get("den") and data["tu"] > data["den"]:
            raise forms.ValidationError("Ngày bắt đầu phải trước ngày kết thúc.")
        return data
