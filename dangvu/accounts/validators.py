import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Passwords need lower case, upper case, a digit and a special character (SECURITY.md policy)."""

    _classes = (r"[a-zà-ỹ]", r"[A-ZÀ-Ỹ]", r"\d", r"[^\w\s]|_")

    def validate(self, password, user=None):
        if not all(re.search(pattern, password) for pattern in self._classes):
            raise ValidationError(
                "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt.", code="password_classes"
            )

    def get_help_text(self):
        return "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt."
