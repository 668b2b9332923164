"""Inspection (kiểm tra), supervision (giám sát) and discipline (kỷ luật) records.

An ``Activity`` is one decision of an acting body (an organisation's executive committee, standing
committee, inspection committee, a cell acting as a whole, or a staff department) to inspect or
supervise one or many subjects (``ActivitySubject``: an organisation or a member), each with its
findings and conclusion. Activities link to a planned ``ProgrammeItem`` of the body's annual
``Programme`` or are unplanned. A ``DisciplineCase`` decides a form for one subject; its effects on
members and organisations go through the records core's services (ledger, posts, dissolution).
``Appeal`` and ``Suspension`` complete the chapter. Every row carries ``recorded_at`` so that figures
can be computed "as known" at an instant.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models


class ActorKind(models.TextChoices):
    EXECUTIVE_COMMITTEE = "executive_committee", "Ban Chấp hành (cấp ủy)"
    STANDING_COMMITTEE = "standing_committee", "Ban Thường vụ"
    INSPECTION_COMMITTEE = "inspection_committee", "Ủy ban Kiểm tra"
    CELL = "cell", "Chi bộ (tập thể chi bộ)"
    STAFF_DEPARTMENT = "staff_department", "Ban tham mưu, văn phòng cấp ủy"


class ActivityType(models.TextChoices):
    COMPLIANCE = "compliance", "Kiểm tra việc chấp hành (theo chương trình)"
    VIOLATION_SIGNS = "violation_signs", "Kiểm tra khi có dấu hiệu vi phạm"
    OVERSIGHT_WORK = "oversight_work", "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật"
    DISCIPLINE_ENFORCEMENT = "discipline_enforcement", "Kiểm tra việc thi hành kỷ luật trong Đảng"
    FINANCE = "finance", "Kiểm tra tài chính đảng"
    ASSET_DECLARATION = "asset_declaration", "Kiểm tra việc kê khai tài sản, thu nhập"
    SUPERVISION_REGULAR = "supervision_regular", "Giám sát thường xuyên"
    SUPERVISION_THEMATIC = "supervision_thematic", "Giám sát chuyên đề"
    DENUNCIATION = "denunciation", "Giải quyết tố cáo"


INSPECTION_TYPES = {ActivityType.COMPLIANCE, ActivityType.VIOLATION_SIGNS, ActivityType.OVERSIGHT_WORK,
                    ActivityType.DISCIPLINE_ENFORCEMENT, ActivityType.FINANCE, ActivityType.ASSET_DECLARATION}
SUPERVISION_TYPES = {ActivityType.SUPERVISION_REGULAR, ActivityType.SUPERVISION_THEMATIC}


class Conclusion(models.TextChoices):
    PENDING = "", "Chưa kết luận"
    NO_VIOLATION = "no_violation", "Không vi phạm"
    SHORTCOMINGS = "shortcomings", "Có khuyết điểm"
    VIOLATION = "violation", "Có vi phạm"
    DISCIPLINE_REQUIRED = "discipline_required", "Vi phạm đến mức phải xem xét kỷ luật"


class Programme(models.Model):
    """Chương trình kiểm tra, giám sát of one body for one year."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    actor = models.CharField("cơ quan thực hiện", max_length=30, choices=ActorKind.choices)
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên chương trình", max_length=300)
    decision_number = models.CharField("số văn bản", max_length=60, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "chương trình kiểm tra, giám sát"
        verbose_name_plural = "chương trình kiểm tra, giám sát"
        ordering = ["-year", "organisation_id", "actor"]
        constraints = [models.UniqueConstraint(fields=["organisation", "actor", "year"], name="programme_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class ProgrammeItem(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="items")
    activity_type = models.CharField("loại", max_length=30, choices=ActivityType.choices)
    subjects = models.CharField("đối tượng dự kiến", max_length=500)
    content = models.TextField("nội dung")
    planned_from = models.DateField("thời gian từ")
    planned_to = models.DateField("thời gian đến")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["programme", "planned_from", "id"]

    def __str__(self) -> str:
        return f"{self.get_activity_type_display()}: {self.subjects}"


class Activity(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="tổ chức đảng của cơ quan thực hiện")
    actor = models.CharField("cơ quan thực hiện", max_length=30, choices=ActorKind.choices)
    activity_type = models.CharField("loại", max_length=30, choices=ActivityType.choices, db_index=True)
    decision_number = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định", db_index=True)
    topic = models.CharField("nội dung, chủ đề", max_length=500)
    plan = models.TextField("kế hoạch", blank=True)
    team = models.TextField("đoàn, tổ (trưởng đoàn, thành viên)", blank=True)
    period_from = models.DateField("thời kỳ từ", null=True, blank=True)
    period_to = models.DateField("thời kỳ đến", null=True, blank=True)
    programme_item = models.ForeignKey(ProgrammeItem, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="activities")
    origin = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="escalations",
                               verbose_name="chuyển từ giám sát")
    recorded_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "cuộc kiểm tra, giám sát"
        verbose_name_plural = "cuộc kiểm tra, giám sát"
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_activity_type_display()} – {self.decision_number}"

    @property
    def is_planned(self) -> bool:
        return self.programme_item_id is not None


class ActivitySubject(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="subjects")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField("kết quả, nhận xét", blank=True)
    conclusion = models.CharField("kết luận", max_length=30, choices=Conclusion.choices, blank=True, default="")
    signs_of_violation = models.BooleanField("phát hiện dấu hiệu vi phạm", default=False)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    concluded_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["activity", "id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(organisation__isnull=True, member__isnull=False)
                       | models.Q(organisation__isnull=False, member__isnull=True)),
            name="subject_one_kind")]

    def __str__(self) -> str:
        return str(self.member or self.organisation)


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISMISSAL = "dismissal", "Cách chức"
    EXPULSION = "expulsion", "Khai trừ"
    DISSOLUTION = "dissolution", "Giải tán"


MEMBER_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISMISSAL, DisciplineForm.EXPULSION)
ORGANISATION_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION)
# Heaviest first: the order of the cumulative vote (DIS-06).
SEVERITY = {DisciplineForm.REPRIMAND: 1, DisciplineForm.WARNING: 2, DisciplineForm.DISMISSAL: 3,
            DisciplineForm.EXPULSION: 4, DisciplineForm.DISSOLUTION: 4}


class ViolationContent(models.TextChoices):
    """The chapters of content of violations (QĐ 69-QĐ/TW, chương II–III)."""

    POLITICS = "politics", "Quan điểm chính trị, chính trị nội bộ"
    DEMOCRATIC_CENTRALISM = "democratic_centralism", "Nguyên tắc tập trung dân chủ, công tác tổ chức, cán bộ"
    OVERSIGHT = "oversight", "Công tác kiểm tra, giám sát, kỷ luật đảng"
    POLICY_LAW = "policy_law", "Chính sách, pháp luật của Nhà nước"
    CORRUPTION = "corruption", "Tham nhũng, lãng phí, tiêu cực"
    FINANCE_LAND = "finance_land", "Tài chính, tài sản, đất đai, đầu tư"
    ETHICS = "ethics", "Đạo đức, lối sống"
    PARTY_DUTIES = "party_duties", "Nhiệm vụ đảng viên, sinh hoạt đảng"
    OTHER = "other", "Nội dung khác"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Đang xem xét"
    POSTPONED = "postponed", "Chưa xem xét kỷ luật (tạm hoãn)"
    DECIDED = "decided", "Đã quyết định kỷ luật"
    ANNULLED = "annulled", "Đã xóa bỏ quyết định kỷ luật"


class PostponementReason(models.TextChoices):
    PREGNANT = "pregnant", "Đang mang thai"
    MATERNITY = "maternity", "Đang nghỉ thai sản"
    CHILD_UNDER_12_MONTHS = "child_under_12_months", "Đang nuôi con dưới 12 tháng tuổi"
    SERIOUS_ILLNESS = "serious_illness", "Ốm nặng đang điều trị nội trú tại bệnh viện"
    LIFE_THREATENING = "life_threatening", "Mắc bệnh hiểm nghèo"
    COGNITIVE_LOSS = "cognitive_loss", "Mất khả năng nhận thức"


class DisciplineCase(models.Model):
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="tổ chức đảng bị xem xét kỷ luật")
    # The subject's organisation when the case was opened (a member's cell), for scope and counting.
    subject_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    activity_subject = models.ForeignKey(ActivitySubject, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="cases")
    violation_from = models.DateField("ngày vi phạm")
    violation_to = models.DateField("ngày chấm dứt vi phạm (vi phạm kéo dài)", null=True, blank=True)
    new_violation_on = models.DateField("ngày có vi phạm mới", null=True, blank=True)
    violation_content = models.CharField("nội dung vi phạm", max_length=30, choices=ViolationContent.choices)
    violation_description = models.TextField("mô tả vi phạm")
    no_limitation_ground = models.BooleanField(
        "vi phạm không áp dụng thời hiệu (chính trị nội bộ, quốc phòng, an ninh, đối ngoại, văn bằng giả)",
        default=False)
    especially_serious = models.BooleanField("vi phạm đặc biệt nghiêm trọng", default=False)
    proposed_form = models.CharField("hình thức đề nghị", max_length=20, choices=DisciplineForm.choices)
    status = models.CharField("tình trạng", max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    postponement_reason = models.CharField("lý do chưa xem xét", max_length=30, choices=PostponementReason.choices,
                                           blank=True)
    postponed_until = models.DateField("chưa xem xét đến ngày", null=True, blank=True)
    resumed_on = models.DateField("ngày tiếp tục xem xét (hết lý do tạm hoãn)", null=True, blank=True)
    third_child = models.BooleanField("vi phạm là sinh con thứ ba", default=False)
    # DIS-13: a case opened on a final criminal judgment (imprisonment) instead of an activity.
    judgment_number = models.CharField("số bản án", max_length=60, blank=True)
    judgment_date = models.DateField("ngày bản án có hiệu lực pháp luật", null=True, blank=True)
    # Decision.
    concluded_on = models.DateField("ngày kết luận phải xử lý kỷ luật", null=True, blank=True)
    deciding_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    deciding_actor = models.CharField("cơ quan quyết định", max_length=30, choices=ActorKind.choices, blank=True)
    authorised_to_admit = models.BooleanField("đảng ủy cơ sở được ủy quyền kết nạp", default=False)
    votes = models.JSONField("số phiếu theo hình thức (bỏ phiếu kín)", default=dict, blank=True)
    voting_members = models.PositiveIntegerField("tổng số thành viên (đảng viên chính thức)", null=True, blank=True)
    proposal_votes = models.PositiveIntegerField("số phiếu đề nghị khai trừ của chi bộ", null=True, blank=True)
    proposal_members = models.PositiveIntegerField("số đảng viên chính thức của chi bộ", null=True, blank=True)
    decided_form = models.CharField("hình thức kỷ luật", max_length=20, choices=DisciplineForm.choices, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True, db_index=True)
    delivered_on = models.DateField("ngày đương sự nhận quyết định", null=True, blank=True)
    was_committee_member = models.BooleanField("là cấp ủy viên", default=False)
    ledger_event = models.ForeignKey("members.LedgerEvent", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    ended_posts = models.JSONField("chức vụ đã chấm dứt do cách chức", default=list, blank=True)
    decided_recorded_at = models.DateTimeField(null=True, blank=True)
    annulled_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "vụ việc kỷ luật"
        verbose_name_plural = "vụ việc kỷ luật"
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Kỷ luật {self.member or self.organisation}"

    @property
    def subject_name(self) -> str:
        return str(self.member or self.organisation)

    @property
    def on_judgment(self) -> bool:
        return bool(self.judgment_number)

    @property
    def postponement_ends(self):
        """The last day on which the case may not be decided (NOKL-01), or None."""
        if self.postponed_until is None:
            return None
        if self.resumed_on is not None:
            return min(self.postponed_until, self.resumed_on - timedelta(days=1))
        return self.postponed_until


class AppealOutcome(models.TextChoices):
    PENDING = "", "Đang giải quyết"
    KEEP = "keep", "Giữ nguyên hình thức kỷ luật"
    CHANGE = "change", "Thay đổi hình thức kỷ luật"
    ANNUL = "annul", "Xóa bỏ quyết định kỷ luật"


class Appeal(models.Model):
    case = models.ForeignKey(DisciplineCase, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField("ngày nhận đơn")
    handling_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    handling_actor = models.CharField("cơ quan giải quyết", max_length=30, choices=ActorKind.choices, blank=True)
    external_body = models.CharField("cơ quan cấp trên ngoài Đảng bộ", max_length=200, blank=True)
    content = models.TextField("nội dung khiếu nại")
    outcome = models.CharField("kết quả", max_length=10, choices=AppealOutcome.choices, blank=True, default="")
    new_form = models.CharField("hình thức mới", max_length=20, choices=DisciplineForm.choices, blank=True)
    previous_form = models.CharField(max_length=20, choices=DisciplineForm.choices, blank=True)
    outcome_number = models.CharField("số quyết định giải quyết", max_length=60, blank=True)
    outcome_date = models.DateField("ngày quyết định giải quyết", null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "khiếu nại kỷ luật"
        verbose_name_plural = "khiếu nại kỷ luật"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Khiếu nại {self.case.subject_name} {self.received_on:%d/%m/%Y}"


class SuspensionKind(models.TextChoices):
    PARTY = "party", "Đình chỉ sinh hoạt đảng"
    COMMITTEE = "committee", "Đình chỉ sinh hoạt cấp ủy"
    ORGANISATION = "organisation", "Đình chỉ hoạt động của tổ chức đảng"


class SuspensionGround(models.TextChoices):
    OBSTRUCTION = "obstruction", "Vi phạm nghiêm trọng, cản trở kiểm tra hoặc xem xét kỷ luật"
    PROSECUTED = "prosecuted", "Bị khởi tố, truy tố"
    DETAINED = "detained", "Bị tạm giam"


class Suspension(models.Model):
    """A member's party (or committee) activity, or an organisation's activity, suspended for a time.
    Exactly one of ``member`` and ``organisation``."""

    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="tổ chức đảng bị đình chỉ hoạt động")
    subject_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("loại", max_length=20, choices=SuspensionKind.choices)
    ground = models.CharField("căn cứ", max_length=20, choices=SuspensionGround.choices)
    deciding_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                              related_name="+")
    deciding_actor = models.CharField("cơ quan quyết định", max_length=30, choices=ActorKind.choices)
    decision_number = models.CharField("số quyết định", max_length=60)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày (dự kiến)")
    extended = models.BooleanField("đã gia hạn", default=False)
    ended_on = models.DateField("ngày kết thúc thực tế", null=True, blank=True)
    prosecuted_on = models.DateField("ngày có quyết định khởi tố, tạm giam", null=True, blank=True)
    notified_on = models.DateField("ngày cơ quan tố tụng thông báo", null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "đình chỉ sinh hoạt"
        verbose_name_plural = "đình chỉ sinh hoạt"
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(organisation__isnull=True, member__isnull=False)
                       | models.Q(organisation__isnull=False, member__isnull=True)),
            name="suspension_one_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def subject_name(self) -> str:
        return str(self.member or self.organisation)
