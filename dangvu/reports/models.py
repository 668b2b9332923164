"""Issued reports: frozen once issued (number, as-of instant, figures, checks, text) and never changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IssuedReport(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisations.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField("loại văn bản", max_length=10, default="BC")
    sequence = models.PositiveIntegerField("số thứ tự")
    number = models.CharField("số, ký hiệu", max_length=60)
    title = models.CharField("trích yếu", max_length=300)
    place = models.CharField("địa danh", max_length=100, blank=True)
    date_from = models.DateField("từ ngày")
    date_to = models.DateField("đến ngày")
    as_of = models.DateTimeField("số liệu tính đến thời điểm")
    confidential = models.BooleanField("có số liệu kiểm tra, giám sát, kỷ luật", default=False)
    figures = models.JSONField("số liệu")
    comparison = models.JSONField("số liệu kỳ trước", null=True, blank=True)
    year_earlier = models.JSONField("số liệu cùng kỳ năm trước", null=True, blank=True)
    comparison_periods = models.JSONField("các kỳ so sánh", null=True, blank=True)
    checks = models.JSONField("kiểm tra cân đối")
    text = models.TextField("nội dung")
    issued_at = models.DateTimeField("thời điểm ban hành")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "báo cáo đã ban hành"
        verbose_name_plural = "báo cáo đã ban hành"
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "term", "doc_type", "sequence"],
                                               name="issued_report_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Báo cáo đã ban hành không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Báo cáo đã ban hành không được xóa.")
