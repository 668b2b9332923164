from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in. What they may see comes from their grants (``access.Grant``)."""

    must_change_password = models.BooleanField("phải đổi mật khẩu", default=False)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def display_name(self) -> str:
        return self.get_full_name() or self.username
