"""Member development: candidates (quần chúng ưu tú) kept by the cell that cultivates them, and the dated
steps of their admission file, from the awareness course to official recognition.

``CandidateStep`` rows are the truth of the path (append-only; each carries its document, the details
the rules need, the rule versions applied on its date and any documented exception). The admission
itself is written into the member ledger of the records core when the ceremony is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvu.codes.data import ETHNICITY, GENDER, RELIGION


class StepKind(models.TextChoices):
    COURSE = "course", "Học lớp bồi dưỡng nhận thức về Đảng"
    APPLICATION = "application", "Đơn xin vào Đảng"
    BACKGROUND = "background", "Lý lịch người xin vào Đảng"
    VERIFICATION = "verification", "Thẩm tra lý lịch"
    INTRODUCERS = "introducers", "Người giới thiệu"
    COMMENTS = "comments", "Nhận xét của đoàn thể và chi ủy nơi cư trú"
    CELL_RESOLUTION = "cell_resolution", "Nghị quyết chi bộ đề nghị kết nạp"
    BASE_RESOLUTION = "base_resolution", "Nghị quyết đảng ủy cơ sở đề nghị kết nạp"
    DECISION = "decision", "Quyết định kết nạp"
    CEREMONY = "ceremony", "Lễ kết nạp"
    RECOGNITION_VOTE = "recognition_vote", "Nghị quyết chi bộ xét công nhận chính thức"
    RECOGNITION = "recognition", "Quyết định công nhận đảng viên chính thức"
    PROBATION_REMOVAL = "probation_removal", "Xóa tên khỏi danh sách đảng viên dự bị"


class Stage(models.TextChoices):
    SOURCE = "source", "Trong danh sách nguồn"
    COURSE_DONE = "course_done", "Đã học lớp nhận thức về Đảng"
    FILE = "file", "Đang làm hồ sơ"
    PROPOSED = "proposed", "Chi bộ đã đề nghị kết nạp"
    DECIDED = "decided", "Có quyết định, chờ lễ kết nạp"
    PROBATIONARY = "probationary", "Đảng viên dự bị"
    OFFICIAL = "official", "Đảng viên chính thức"
    PROBATION_REMOVED = "probation_removed", "Đã xóa tên khỏi danh sách dự bị"


class Candidate(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="candidates", verbose_name="chi bộ bồi dưỡng")
    host_unit = models.ForeignKey("organisations.HostUnit", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="candidates", verbose_name="đơn vị làm việc")
    full_name = models.CharField("họ và tên", max_length=150)
    gender = models.CharField("giới tính", max_length=10, choices=GENDER)
    date_of_birth = models.DateField("ngày sinh")
    citizen_id = models.CharField("số định danh cá nhân (CCCD)", max_length=12, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=30, choices=ETHNICITY, default="kinh")
    religion = models.CharField("tôn giáo", max_length=30, choices=RELIGION, default="none")
    home_town = models.CharField("quê quán", max_length=200, blank=True)
    residence = models.CharField("nơi thường trú", max_length=300, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=40, default="unknown")
    general_education = models.CharField("giáo dục phổ thông", max_length=40, default="unknown")
    professional = models.CharField("chuyên môn", max_length=40, default="unknown")
    is_youth_union_member = models.BooleanField("đoàn viên", default=False)
    is_trade_union_member = models.BooleanField("đoàn viên công đoàn", default=False)
    is_business_owner = models.BooleanField("chủ doanh nghiệp tư nhân", default=False)
    has_foreign_spouse = models.BooleanField("có vợ/chồng là người nước ngoài", default=False)
    helper = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="helped_candidates", verbose_name="đảng viên được phân công giúp đỡ")
    listed_on = models.DateField("ngày đưa vào danh sách nguồn")
    notes = models.TextField("ghi chú", blank=True)
    # Readmission (kết nạp lại): the former member record and the conditions of READM-02.
    former_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="readmission_candidacies", verbose_name="hồ sơ đảng viên cũ")
    conviction_expunged_on = models.DateField("ngày được xóa án tích (nếu có)", null=True, blank=True)

    # Derived from the steps (never edited directly).
    stage = models.CharField("giai đoạn", max_length=20, choices=Stage.choices, default=Stage.SOURCE, db_index=True)
    last_step_on = models.DateField("ngày của bước gần nhất", null=True, blank=True)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="candidacies", verbose_name="hồ sơ đảng viên")
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quần chúng ưu tú"
        verbose_name_plural = "quần chúng ưu tú (nguồn phát triển đảng viên)"
        ordering = ["sort_key", "id"]

    def __str__(self) -> str:
        return self.full_name


class CandidateStep(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("bước", max_length=30, choices=StepKind.choices, db_index=True)
    day = models.DateField("ngày", db_index=True)
    document_number = models.CharField("số văn bản", max_length=60, blank=True)
    document_date = models.DateField("ngày văn bản", null=True, blank=True)
    issuing_body = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    received_on = models.DateField("ngày chi bộ nhận", null=True, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    # The rule versions applied on ``day``: {rule ID: basis}; and a documented exception, if any.
    rules_applied = models.JSONField("quy định áp dụng", default=dict, blank=True)
    exception = models.JSONField("ngoại lệ được chấp thuận", default=dict, blank=True)
    outcome = models.CharField("kết quả", max_length=20, default="done")
    recorded_at = models.DateTimeField("thời điểm ghi")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "bước hồ sơ kết nạp"
        verbose_name_plural = "các bước hồ sơ kết nạp"
        ordering = ["day", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.day:%d/%m/%Y}"


class AdmissionTarget(models.Model):
    """Chỉ tiêu kết nạp: per organisation and year, or per term."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="admission_targets", verbose_name="tổ chức đảng")
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    term = models.ForeignKey("organisations.Term", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="admission_targets", verbose_name="nhiệm kỳ")
    target = models.PositiveIntegerField("chỉ tiêu kết nạp")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chỉ tiêu kết nạp"
        verbose_name_plural = "chỉ tiêu kết nạp"
        ordering = ["organisation", "year"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.year or self.term}: {self.target}"
