"""Members and their ledger.

``LedgerEvent`` is the append-only truth of a member's life in the Party: each row is dated, carries
its decision, and remembers when it was recorded and (if so) when and why it was voided. Everything
else here is derived from it by ``dangvu.members.ledger.replay``: ``MembershipSpell`` (status and
organisation over time) and the current-state columns on ``Member`` that make lists fast.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvu.codes.data import ETHNICITY, GENDER, RELIGION


class MemberStatus(models.TextChoices):
    NOT_MEMBER = "not_member", "Chưa là đảng viên"
    PROBATIONARY = "probationary", "Đảng viên dự bị"
    OFFICIAL = "official", "Đảng viên chính thức"
    TRANSFERRED_OUT = "transferred_out", "Đã chuyển sinh hoạt đi"
    REMOVED = "removed", "Đã bị xóa tên"
    PROBATION_REMOVED = "probation_removed", "Đã xóa tên khỏi danh sách dự bị"
    RESIGNED = "resigned", "Đã ra khỏi Đảng (xin ra)"
    EXPELLED = "expelled", "Đã bị khai trừ"
    DIED = "died", "Đã từ trần"


ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)
LEFT_STATUSES = (
    MemberStatus.REMOVED, MemberStatus.PROBATION_REMOVED, MemberStatus.RESIGNED, MemberStatus.EXPELLED,
)


class Member(models.Model):
    # Identity and profile (phiếu đảng viên, DOMAIN.md §2.9).
    full_name = models.CharField("họ và tên", max_length=150)
    other_name = models.CharField("tên gọi khác", max_length=150, blank=True)
    gender = models.CharField("giới tính", max_length=10, choices=GENDER)
    date_of_birth = models.DateField("ngày sinh")
    place_of_birth = models.CharField("nơi sinh", max_length=200, blank=True)
    home_town = models.CharField("quê quán", max_length=200, blank=True)
    residence = models.CharField("nơi thường trú", max_length=300, blank=True)
    temporary_residence = models.CharField("nơi tạm trú", max_length=300, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=30, choices=ETHNICITY, default="kinh")
    religion = models.CharField("tôn giáo", max_length=30, choices=RELIGION, default="none")
    citizen_id = models.CharField("số định danh cá nhân (CCCD)", max_length=12, unique=True, null=True, blank=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=12, unique=True, null=True, blank=True)
    profile_number = models.CharField("số lý lịch", max_length=30, blank=True)
    family_background = models.TextField("thành phần gia đình, quan hệ gia đình", blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)

    # Derived search and sort keys.
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)

    # Current state, derived from the ledger (never edited directly).
    status = models.CharField("tình trạng", max_length=20, choices=MemberStatus.choices,
                              default=MemberStatus.NOT_MEMBER, db_index=True)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="members", verbose_name="tổ chức đảng sinh hoạt chính thức")
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    temporary_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="temporary_members",
        verbose_name="nơi sinh hoạt tạm thời")
    admitted_on = models.DateField("ngày vào Đảng", null=True, blank=True, db_index=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    is_exempted = models.BooleanField("đang miễn sinh hoạt", default=False)
    is_suspended = models.BooleanField("đang bị đình chỉ sinh hoạt", default=False)

    # Current dated values (copied from MemberValue for filtering).
    occupation = models.CharField("nghề nghiệp", max_length=40, default="unknown", db_index=True)
    general_education = models.CharField("giáo dục phổ thông", max_length=40, default="unknown")
    professional = models.CharField("chuyên môn", max_length=40, default="unknown")
    political_theory = models.CharField("lý luận chính trị", max_length=40, default="unknown")
    is_business_owner = models.BooleanField("chủ doanh nghiệp tư nhân", default=False)
    is_youth_union_member = models.BooleanField("đoàn viên", default=False)
    has_foreign_spouse = models.BooleanField("có vợ/chồng là người nước ngoài", default=False)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["org_path", "sort_key"], name="member_scope_sort"),
            models.Index(fields=["status", "org_path"], name="member_status_scope"),
        ]

    def __str__(self) -> str:
        return self.full_name


class EventKind(models.TextChoices):
    ADMISSION = "admission", "Kết nạp"
    READMISSION = "readmission", "Kết nạp lại"
    RECOGNITION = "recognition", "Công nhận đảng viên chính thức"
    TRANSFER = "transfer", "Chuyển sinh hoạt đảng chính thức (trong Đảng bộ)"
    TRANSFER_IN = "transfer_in", "Tiếp nhận sinh hoạt đảng chính thức (từ nơi khác đến)"
    TRANSFER_OUT = "transfer_out", "Chuyển sinh hoạt đảng chính thức ra ngoài Đảng bộ"
    ORG_TRANSFER = "org_transfer", "Chuyển theo quyết định về tổ chức (sáp nhập, giải thể, chia tách)"
    TEMPORARY_AWAY = "temporary_away", "Chuyển sinh hoạt đảng tạm thời"
    TEMPORARY_RETURN = "temporary_return", "Trở về sau sinh hoạt tạm thời"
    REMOVAL = "removal", "Xóa tên"
    PROBATION_REMOVAL = "probation_removal", "Xóa tên khỏi danh sách đảng viên dự bị"
    RESIGNATION = "resignation", "Xin ra khỏi Đảng"
    EXPULSION = "expulsion", "Khai trừ"
    DEATH = "death", "Từ trần"
    EXEMPTION = "exemption", "Miễn công tác và sinh hoạt đảng"
    EXEMPTION_END = "exemption_end", "Thôi miễn công tác và sinh hoạt đảng"
    SUSPENSION = "suspension", "Đình chỉ sinh hoạt đảng"
    SUSPENSION_END = "suspension_end", "Hết đình chỉ sinh hoạt đảng"
    RESTORATION = "restoration", "Phục hồi đảng tịch"


class LedgerEvent(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("loại sự kiện", max_length=30, choices=EventKind.choices, db_index=True)
    effective_date = models.DateField("ngày hiệu lực", db_index=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    deciding_body = models.CharField("cơ quan quyết định", max_length=200, blank=True)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="tổ chức đảng (nơi đến)")
    from_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+", verbose_name="nơi đi")
    external_place = models.CharField("nơi ngoài Đảng bộ", max_length=300, blank=True)
    other_province = models.BooleanField("ngoài tỉnh, thành phố", default=False)
    ceremony_date = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    org_event = models.ForeignKey("organisations.OrganisationEvent", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="member_events")
    recorded_at = models.DateTimeField("thời điểm ghi", db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    void_reason = models.CharField("lý do hủy", max_length=500, blank=True)

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"
        ordering = ["effective_date", "id"]
        indexes = [
            models.Index(fields=["kind", "effective_date"], name="ledger_kind_date"),
            # "Has anything been voided since instant t?" decides whether a report must replay ledgers.
            models.Index(fields=["voided_at"], condition=models.Q(voided_at__isnull=False), name="ledger_voided_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.effective_date:%d/%m/%Y}"


class MembershipSpell(models.Model):
    """Derived: where the member belonged, and how, during [valid_from, valid_to)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="spells")
    status = models.CharField(max_length=20, choices=MemberStatus.choices)
    organisation = models.ForeignKey("organisations.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    temporary_organisation = models.ForeignKey("organisations.Organisation", null=True, on_delete=models.PROTECT,
                                               related_name="+")
    is_exempted = models.BooleanField(default=False)
    is_suspended = models.BooleanField(default=False)
    valid_from = models.DateField(db_index=True)
    valid_to = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["member", "valid_from"]
        indexes = [models.Index(fields=["organisation", "valid_from", "valid_to"], name="spell_org_dates")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status} {self.valid_from:%d/%m/%Y}"


class ValueAttribute(models.TextChoices):
    OCCUPATION = "occupation", "Nghề nghiệp"
    GENERAL_EDUCATION = "general_education", "Giáo dục phổ thông"
    PROFESSIONAL = "professional", "Chuyên môn, nghiệp vụ"
    ACADEMIC_TITLE = "academic_title", "Học hàm"
    POLITICAL_THEORY = "political_theory", "Lý luận chính trị"
    IS_BUSINESS_OWNER = "is_business_owner", "Chủ doanh nghiệp tư nhân"
    IS_YOUTH_UNION_MEMBER = "is_youth_union_member", "Đoàn viên TNCS Hồ Chí Minh"
    HAS_FOREIGN_SPOUSE = "has_foreign_spouse", "Có quan hệ hôn nhân với người nước ngoài"


BOOLEAN_ATTRIBUTES = {
    ValueAttribute.IS_BUSINESS_OWNER, ValueAttribute.IS_YOUTH_UNION_MEMBER, ValueAttribute.HAS_FOREIGN_SPOUSE,
}


class MemberValue(models.Model):
    """A dated value (occupation, education …): valid from ``valid_from`` until the next value."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="values")
    attribute = models.CharField(max_length=30, choices=ValueAttribute.choices)
    value = models.CharField(max_length=60)
    valid_from = models.DateField("từ ngày")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["member", "attribute", "valid_from", "id"]
        indexes = [
            # Covering index: the latest value per attribute is read from the index alone (PostgreSQL).
            models.Index(fields=["member", "attribute", "valid_from", "id"], include=["value"], name="value_lookup_cover"),
            # "Has a value been entered or voided since instant t?" (``reports.scope.currency``), as for the ledger.
            models.Index(fields=["recorded_at"], name="value_recorded_at"),
            models.Index(fields=["voided_at"], condition=models.Q(voided_at__isnull=False), name="value_voided_at"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value} từ {self.valid_from:%d/%m/%Y}"
