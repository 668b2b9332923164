from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    ORG_STAFF = "org_staff", "Cán bộ tổ chức"
    INSPECTION_STAFF = "inspection_staff", "Cán bộ kiểm tra"
    LEADER = "leader", "Lãnh đạo (chỉ xem)"
    BASE_CLERK = "base_clerk", "Văn phòng cơ sở"


class Grant(models.Model):
    """A role on an organisation node; it covers the node's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="grants")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
