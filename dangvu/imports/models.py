"""Import batches and their provenance.

An ``ImportBatch`` is one uploaded file (kept, so that a preview can be committed later and the
background worker can read it); ``ImportRow`` links each record the batch wrote (member, ledger event,
dated value, organisation …) to the row of the file it came from.

A new member written by the members' bulk path has ONE provenance row (the member, ``CREATED``) whose
``before`` lists the ledger events and dated values written with it: ``{"records": {"ledgerevent": [ids],
"membervalue": [ids]}}`` (``RECORDS``); rollback reads those ids as if each had its own row
(``dangvu.imports.services.written_ids``). Every other record the batch writes has a row of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportKind(models.TextChoices):
    MEMBERS = "members", "Đảng viên"
    ORGANISATIONS = "organisations", "Tổ chức đảng"
    EVENTS = "events", "Sự kiện đảng viên"
    CANDIDATES = "candidates", "Quần chúng ưu tú"
    DECISIONS = "decisions", "Quyết định kỷ luật"
    ACTIVITIES = "activities", "Cuộc kiểm tra, giám sát"


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên"
    PREVIEWED = "previewed", "Đã xem trước, chưa ghi"
    INVALID = "invalid", "Có lỗi, chưa ghi gì"
    QUEUED = "queued", "Đang chờ ghi"
    RUNNING = "running", "Đang ghi"
    COMMITTED = "committed", "Đã ghi vào hệ thống"
    FAILED = "failed", "Ghi không thành công, không có gì thay đổi"
    ROLLING_BACK = "rolling_back", "Đang hoàn tác"
    ROLLED_BACK = "rolled_back", "Đã hoàn tác"


class ImportBatch(models.Model):
    kind = models.CharField("loại dữ liệu", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("tên tệp", max_length=255)
    sheet_name = models.CharField("trang tính", max_length=100, blank=True)
    content = models.BinaryField("nội dung tệp")
    file_sha256 = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người nhập")
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    status = models.CharField("trạng thái", max_length=20, choices=BatchStatus.choices,
                              default=BatchStatus.UPLOADED, db_index=True)
    total_rows = models.PositiveIntegerField("số dòng", default=0)
    processed_rows = models.PositiveIntegerField("đã xử lý", default=0)
    counts = models.JSONField("kết quả", default=dict, blank=True)  # new/update/unchanged/error
    report = models.JSONField("chi tiết", default=dict, blank=True)  # rows, errors, notes (capped)
    worker_pid = models.IntegerField(null=True, blank=True)
    started_at = models.DateTimeField("bắt đầu ghi", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc ghi", null=True, blank=True)
    rolled_back_at = models.DateTimeField("thời điểm hoàn tác", null=True, blank=True)
    rolled_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    rollback_reason = models.CharField("lý do hoàn tác", max_length=500, blank=True)

    class Meta:
        verbose_name = "lô nhập dữ liệu"
        verbose_name_plural = "lô nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Lô {self.pk}: {self.file_name}"


RECORDS = "records"  # key of ``ImportRow.before``: {model name: [ids]} of the records written with a new member


class ImportRow(models.Model):
    """Provenance: record ``object_id`` of ``content_type`` was written by ``batch`` from ``row_number``."""

    class Action(models.TextChoices):
        CREATED = "created", "Tạo mới"
        UPDATED = "updated", "Cập nhật"

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField("dòng")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    # For rollback: profile fields before an update, or (new members) the records written with it (``RECORDS``).
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "nguồn gốc bản ghi nhập"
        verbose_name_plural = "nguồn gốc bản ghi nhập"
        ordering = ["batch", "row_number", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="import_row_target")]

    def __str__(self) -> str:
        return f"Lô {self.batch_id}, dòng {self.row_number}"
