from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    LEDGER_EVENT = "ledger_event", "Ghi sự kiện"
    VOID = "void", "Hủy bỏ (có lý do)"
    ORG_EVENT = "org_event", "Sự kiện tổ chức"
    READ = "read", "Xem hồ sơ"
    EXPORT = "export", "Xuất dữ liệu"
    LOGIN = "login", "Đăng nhập"
    LOGOUT = "logout", "Đăng xuất"
    LOGIN_FAILED = "login_failed", "Đăng nhập sai"
    GRANT = "grant", "Phân quyền"


class AuditEntry(models.Model):
    """One append-only line of the audit trail; ``entry_hash`` chains it to the line before.

    Rows are written only by ``dangvu.audit.services.audit_record``. On PostgreSQL a trigger refuses
    UPDATE and DELETE (migration 0002); ``dangvu verify-audit`` recomputes the chain.
    """

    occurred_at = models.DateTimeField("thời điểm (UTC)", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField("người thực hiện", max_length=150, blank=True)
    actor_role = models.CharField("vai trò", max_length=200, blank=True)
    actor_scope = models.CharField("phạm vi", max_length=500, blank=True)
    source_ip = models.GenericIPAddressField("địa chỉ", null=True, blank=True)
    action = models.CharField("hành động", max_length=20, choices=AuditAction.choices, db_index=True)
    event_type = models.CharField("loại sự kiện", max_length=60, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField("loại đối tượng", max_length=60, blank=True)
    target_id = models.CharField("mã đối tượng", max_length=64, blank=True, db_index=True)
    target_repr = models.CharField("đối tượng", max_length=300, blank=True)
    changes = models.JSONField("thay đổi", default=dict)  # always {"old": {...}, "new": {...}}
    result = models.CharField("kết quả", max_length=20, default="ok")
    reason = models.CharField("lý do / căn cứ", max_length=500, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.actor_username} {self.get_action_display()} {self.target_repr}"
