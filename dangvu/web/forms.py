from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class VNDateField(forms.DateField):
    """A date typed as dd/mm/yyyy."""

    widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                       "autocomplete": "off"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Ngày phải viết dạng ngày/tháng/năm, ví dụ 05/09/2024."})
        super().__init__(*args, **kwargs)
