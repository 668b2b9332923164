from __future__ import annotations

from django import forms

from dangvu.imports.models import ImportKind

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="Loại dữ liệu", choices=ImportKind.choices)
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV",
                           error_messages={"required": "Hãy chọn tệp cần nhập.",
                                           "empty": "Tệp rỗng, không có dữ liệu."})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 50 MB: hãy chia thành nhiều tệp.")
        return upload


class RollbackForm(forms.Form):
    reason = forms.CharField(label="Lý do hoàn tác", max_length=500, min_length=5,
                             error_messages={"required": "Cần ghi lý do hoàn tác.",
                                             "min_length": "Lý do cần ít nhất 5 ký tự."})
