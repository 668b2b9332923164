from django import forms

from dangvu.audit.models import AuditAction
from dangvu.web.forms import VNDateField


class AuditFilterForm(forms.Form):
    nguoi_dung = forms.CharField(label="Người thực hiện", required=False)
    hanh_dong = forms.ChoiceField(label="Hành động", required=False,
                                  choices=[("", "Tất cả")] + list(AuditAction.choices))
    loai_doi_tuong = forms.ChoiceField(label="Loại đối tượng", required=False, choices=[
        ("", "Tất cả"), ("members.member", "Đảng viên"), ("organisations.organisation", "Tổ chức đảng"),
        ("accounts.user", "Tài khoản"), ("audit.auditentry", "Nhật ký"),
    ])
    ma_doi_tuong = forms.CharField(label="Mã đối tượng", required=False)
    tu_ngay = VNDateField(label="Từ ngày", required=False)
    den_ngay = VNDateField(label="Đến ngày", required=False)
