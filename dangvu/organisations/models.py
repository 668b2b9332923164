"""The organisation tree with its history.

``OrganisationEvent`` rows are the truth: founding, renaming, move, type change, merger, split,
dissolution, each dated with its decision. ``Organisation`` keeps the current state and
``OrganisationSpell`` the state over time (one row per period of unchanged parent/name/type, with the
materialized path of that period); both are rebuilt from the events by the services, so the tree as of
any date is one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvu.codes.data import UNIT_TYPE, ZONE_KIND


class OrgType(models.TextChoices):
    SUPERIOR_COMMITTEE = "superior_committee", "Đảng bộ cấp trên trực tiếp cơ sở"
    BASE_PARTY_COMMITTEE = "base_party_committee", "Đảng bộ cơ sở"
    BASE_CELL = "base_cell", "Chi bộ cơ sở"
    SUB_COMMITTEE = "sub_committee", "Đảng bộ bộ phận"
    SUBORDINATE_CELL = "subordinate_cell", "Chi bộ trực thuộc"
    PARTY_GROUP = "party_group", "Tổ đảng"


# Which types may sit under which (DOMAIN.md §1.1); None is the root of the tenant.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgType.SUPERIOR_COMMITTEE: {None, OrgType.SUPERIOR_COMMITTEE},
    OrgType.BASE_PARTY_COMMITTEE: {None, OrgType.SUPERIOR_COMMITTEE},
    OrgType.BASE_CELL: {None, OrgType.SUPERIOR_COMMITTEE},
    OrgType.SUB_COMMITTEE: {OrgType.BASE_PARTY_COMMITTEE},
    OrgType.SUBORDINATE_CELL: {OrgType.BASE_PARTY_COMMITTEE, OrgType.SUB_COMMITTEE},
    OrgType.PARTY_GROUP: {OrgType.BASE_CELL, OrgType.SUBORDINATE_CELL},
}
CELL_TYPES = {OrgType.BASE_CELL, OrgType.SUBORDINATE_CELL}
BASE_TYPES = {OrgType.BASE_PARTY_COMMITTEE, OrgType.BASE_CELL}
# Organisations that hold members on their roll (a party group is a part of its cell's roll).
MEMBER_HOLDING_TYPES = {OrgType.BASE_CELL, OrgType.SUBORDINATE_CELL, OrgType.BASE_PARTY_COMMITTEE,
                        OrgType.SUB_COMMITTEE, OrgType.SUPERIOR_COMMITTEE}


class HostUnit(models.Model):
    """The enterprise, agency or unit an organisation sits in."""

    name = models.CharField("tên đơn vị", max_length=300)
    unit_type = models.CharField("loại hình", max_length=40, choices=UNIT_TYPE, default="other")
    zone_kind = models.CharField("loại khu", max_length=40, choices=ZONE_KIND, default="none")
    zone_name = models.CharField("tên khu", max_length=200, blank=True)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    workers = models.PositiveIntegerField("số lao động", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    code = models.CharField("mã tổ chức", max_length=32, unique=True)
    name = models.CharField("tên", max_length=300)
    org_type = models.CharField("loại tổ chức", max_length=30, choices=OrgType.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True)  # "000001.000007." — ids of the current chain
    depth = models.PositiveSmallIntegerField(default=0)
    host_unit = models.ForeignKey(HostUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations")
    founded_on = models.DateField("ngày thành lập")
    ended_on = models.DateField("ngày kết thúc", null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors",
        help_text="Tổ chức nhận lại sau khi sáp nhập",
    )

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def is_cell(self) -> bool:
        return self.org_type in CELL_TYPES


class OrgEventKind(models.TextChoices):
    FOUNDING = "founding", "Thành lập"
    RENAMING = "renaming", "Đổi tên"
    MOVE = "move", "Chuyển trực thuộc"
    TYPE_CHANGE = "type_change", "Đổi loại hình tổ chức"
    MERGER = "merger", "Sáp nhập"
    SPLIT = "split", "Chia tách"
    DISSOLUTION = "dissolution", "Giải thể"
    RESTORATION = "restoration", "Khôi phục (quyết định giải tán, giải thể bị xóa bỏ)"


class OrganisationEvent(models.Model):
    """A dated decision about an organisation. Corrected by voiding, never by editing."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("loại sự kiện", max_length=20, choices=OrgEventKind.choices)
    effective_date = models.DateField("ngày hiệu lực", db_index=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    deciding_body = models.CharField("cơ quan quyết định", max_length=200, blank=True)
    # State after the event (the founding carries the full initial state).
    new_name = models.CharField("tên mới", max_length=300, blank=True)
    new_parent = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_type = models.CharField("loại mới", max_length=30, choices=OrgType.choices, blank=True)
    # Merger: the organisation absorbing this one. Split: the organisations created from it.
    related = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ends_original = models.BooleanField("tổ chức cũ chấm dứt (chia tách)", default=False)
    note = models.TextField("ghi chú", blank=True)
    recorded_at = models.DateTimeField("thời điểm ghi", db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField("thời điểm hủy", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.CharField("lý do hủy", max_length=500, blank=True)

    class Meta:
        verbose_name = "sự kiện tổ chức"
        verbose_name_plural = "sự kiện tổ chức"
        ordering = ["effective_date", "id"]
        indexes = [
            # "Has anything been voided since instant t?" decides whether a report reads today's spells
            # (``reports.scope.tree_is_current``); with ``recorded_at``'s index, no scan of the events.
            models.Index(fields=["voided_at"], condition=models.Q(voided_at__isnull=False), name="org_event_voided_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation} {self.effective_date:%d/%m/%Y}"


class OrganisationSpell(models.Model):
    """Derived: the organisation's parent, name, type and path during [valid_from, valid_to)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="spells")
    valid_from = models.DateField(db_index=True)
    valid_to = models.DateField(null=True, blank=True, db_index=True)  # exclusive; None = still so
    parent = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=300)
    org_type = models.CharField(max_length=30, choices=OrgType.choices)
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y} – {self.valid_to:%d/%m/%Y})" if self.valid_to else self.name


class BodyKind(models.TextChoices):
    EXECUTIVE_COMMITTEE = "executive_committee", "Ban Chấp hành (cấp ủy)"
    STANDING_COMMITTEE = "standing_committee", "Ban Thường vụ"
    INSPECTION_COMMITTEE = "inspection_committee", "Ủy ban Kiểm tra"


class PostKind(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm Ủy ban Kiểm tra"
    INSPECTION_VICE_CHAIR = "inspection_vice_chair", "Phó Chủ nhiệm Ủy ban Kiểm tra"
    INSPECTION_MEMBER = "inspection_member", "Ủy viên Ủy ban Kiểm tra"


class Term(models.Model):
    """Nhiệm kỳ: from the day after a congress closes to the day the next one closes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="terms")
    label = models.CharField("nhiệm kỳ", max_length=40)  # "2020 – 2025"
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["organisation", "-starts_on"]
        constraints = [models.UniqueConstraint(fields=["organisation", "starts_on"], name="term_unique_start")]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.label}"


class Body(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bodies")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField("cơ quan", max_length=30, choices=BodyKind.choices)

    class Meta:
        verbose_name = "cơ quan lãnh đạo"
        verbose_name_plural = "cơ quan lãnh đạo"
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="body_unique_per_term")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation} ({self.term.label})"


class Post(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="posts")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField("chức vụ", max_length=30, choices=PostKind.choices)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)
    appointment = models.CharField(
        "hình thức", max_length=20, default="congress",
        choices=[("congress", "Bầu tại đại hội"), ("conference", "Bầu tại hội nghị"), ("appointed", "Chỉ định")],
    )

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["body", "kind", "starts_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"
