from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from dangvu.reports.periods import PRESETS, PeriodError, preset_period
from dangvu.web.forms import VNDateField


class ReportForm(forms.Form):
    to_chuc = forms.ModelChoiceField(label="Tổ chức đảng", queryset=None, empty_label=None, to_field_name="code",
                                     error_messages={"invalid_choice": "Tổ chức không có trong phạm vi của bạn.",
                                                     "required": "Hãy chọn tổ chức đảng."})
    ky = forms.ChoiceField(label="Kỳ báo cáo", choices=PRESETS, initial="year")
    nam = forms.IntegerField(label="Năm", min_value=1930, max_value=2100, required=False)
    tu = VNDateField(label="Từ ngày", required=False)
    den = VNDateField(label="Đến ngày", required=False)
    thoi_diem = forms.DateTimeField(label="Số liệu đã biết đến (để trống: hiện tại)", required=False,
                                    input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S%z",
                                                   "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M"],
                                    widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
                                    error_messages={"invalid": "Thời điểm viết dạng ngày/tháng/năm giờ:phút."})

    def __init__(self, *args, organisations, terms_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_chuc"].queryset = organisations
        # The year the clerk most often reports on is shown, not left blank (an empty field still means this year).
        self.fields["nam"].initial = timezone.localdate().year
        self.terms_of = terms_of

    def clean(self):
        data = super().clean()
        organisation = data.get("to_chuc")
        preset = data.get("ky") or "year"
        if preset != "custom" and (preset not in ("term_current", "term_previous") or organisation is not None):
            try:
                period = preset_period(preset, organisation=organisation, year=data.get("nam"),
                                       terms=self.terms_of(organisation) if self.terms_of and organisation else None)
            except PeriodError as exc:
                raise forms.ValidationError(str(exc)) from None
            data["tu"], data["den"] = period
        if preset == "custom":
            if not data.get("tu") or not data.get("den"):
                raise forms.ValidationError("Hãy nhập cả từ ngày và đến ngày.")
        if data.get("tu") and data.get("den") and data["tu"] > data["den"]:
            raise forms.ValidationError(f"Từ ngày {data['tu']:%d/%m/%Y} sau đến ngày {data['den']:%d/%m/%Y}.")
        as_of = data.get("thoi_diem")
        if isinstance(as_of, datetime) and as_of > timezone.now():
            data["thoi_diem"] = None
        return data

    def query(self) -> str:
        from urllib.parse import urlencode

        data = self.cleaned_data
        params = {"to_chuc": data["to_chuc"].code, "ky": "custom", "tu": f"{data['tu']:%d/%m/%Y}",
                  "den": f"{data['den']:%d/%m/%Y}"}
        if data.get("thoi_diem"):
            # Microseconds included: a drill-down must see exactly the records its figure counted,
            # including those recorded earlier in the same second.
            params["thoi_diem"] = f"{timezone.localtime(data['thoi_diem']):%d/%m/%Y %H:%M:%S.%f}"
        return urlencode(params)


class IssueForm(forms.Form):
    dia_danh = forms.CharField(label="Địa danh", max_length=100, initial="TP. Hồ Chí Minh")
