"""What each kind of record looks like in a file, how a row is checked, and how it is written.

Writes go through the same services as the web forms (``member_admit``, ``member_update_profile``,
``member_set_value``, ``member_record_event``, ``organisation_found``, ``host_unit_create``), so
every rule and the audit apply to imported rows exactly as to typed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from dangvu.access.policies import (
    STRUCTURE_WRITERS,
    organisations_for,
    organisations_for_member_writes,
    scope_for,
)
from dangvu.common.text import clean, search_key
from dangvu.imports import parsing
from dangvu.imports.engine import Context, Issue, RowResult
from dangvu.imports.models import ImportRow
from dangvu.members.models import (
    ACTIVE_STATUSES,
    EventKind,
    LedgerEvent,
    Member,
    MemberStatus,
    MemberValue,
    ValueAttribute,
)
from dangvu.members.services import (
    AdmitRow,
    MemberRowsRefused,
    member_admit,
    member_admit_many,
    member_record_event,
    member_set_value,
    member_update_profile,
)
from dangvu.organisations.models import HostUnit, Organisation, OrgType
from dangvu.organisations.services import Decision, host_unit_create, organisation_found
from dangvu.rules.engine import rule_in_force

CREATED, UPDATED = ImportRow.Action.CREATED, ImportRow.Action.UPDATED


@dataclass
class Field:
    name: str
    label: str  # the heading of our template
    variants: list[str] = field(default_factory=list)
    parse: Callable | None = parsing.parse_text
    required: bool = False  # the column must be present
    code_list: str = ""  # for templates: drop-down values
    note: str = ""


def _code(list_name):
    index = parsing.code_index(list_name)
    return partial(parsing.parse_code, list_name=list_name, index=index)


def _choices_code(name, choices):
    index = parsing.code_index(name, choices)
    return partial(parsing.parse_code, list_name=name, index=index)


STATUS_CHOICES = [(s.value, s.label) for s in MemberStatus] + [("probationary", "Dự bị"), ("official", "Chính thức")]
ORG_TYPE_CHOICES = [(t.value, t.label) for t in OrgType]


class Kind:
    FIELDS: list[Field] = []
    label = ""

    def variants(self) -> dict[str, list[str]]:
        return {f.name: [f.label, f.name, *f.variants] for f in self.FIELDS}

    def missing_groups(self, columns: dict) -> list[str]:
        return []

    def prepare(self, ctx: Context, rows: list[dict]) -> None:
        pass

    def validate(self, ctx: Context, result: RowResult, row: dict) -> None:
        raise NotImplementedError

    def apply(self, ctx: Context, result: RowResult, row: dict) -> None:
        raise NotImplementedError

    # A kind may write its new rows in bulk: ``apply_many(ctx, items)`` writes every (result, row) of a
    # chunk or nothing, and returns the refusals as (result, RuleViolation); None = no bulk path.
    apply_many = None

    RULE_COLUMNS: dict[str, str] = {}

    def column_for(self, rule_id: str, labels: dict[str, str]) -> str:
        name = self.RULE_COLUMNS.get(rule_id) or self.RULE_COLUMNS.get(rule_id.split("-")[0], "")
        return labels.get(name, "")

    def value_for(self, rule_id: str, row: dict) -> str:
        name = self.RULE_COLUMNS.get(rule_id) or self.RULE_COLUMNS.get(rule_id.split("-")[0], "")
        value = row.get(name)
        if value is None:
            return ""
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return str(value)


def _err(result: RowResult, labels: dict, name: str, value, reason: str, rule_id: str = "") -> None:
    if hasattr(value, "strftime"):
        value = value.strftime("%d/%m/%Y")
    result.issues.append(Issue(result.row, labels.get(name, name), "" if value is None else str(value), reason,
                               rule_id))


def _rule(rule_id: str, ctx: Context) -> str:
    return rule_in_force(rule_id, ctx.today).message


class _Organisations:
    """Organisations by code and by name (diacritics-insensitive), for resolving a column."""

    def __init__(self, queryset):
        self.by_code: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for org in queryset:
            self.add(org)

    def add(self, org: Organisation) -> None:
        self.by_code[org.code.upper()] = org
        self.by_name.setdefault(search_key(org.name), []).append(org)

    def find(self, text: str) -> tuple[Organisation | None, str]:
        org = self.by_code.get(clean(text).upper())
        if org is not None:
            return org, ""
        found = self.by_name.get(search_key(text), [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, f"Có {len(found)} tổ chức cùng tên “{text}”: hãy ghi mã tổ chức."
        return None, f"Không có tổ chức đảng “{text}” (theo mã hoặc tên) trong phạm vi bạn được ghi."


# Members --------------------------------------------------------------------------------------------

PROFILE_TEXT = ("other_name", "place_of_birth", "home_town", "residence", "temporary_residence", "profile_number",
                "phone")
PROFILE_CODES = ("gender", "ethnicity", "religion")
VALUE_FIELDS = ("occupation", "general_education", "professional", "political_theory")
HIDDEN_MARK = "Ẩn theo phân quyền"


def _citizen_id(value) -> str:
    text = parsing.parse_digits(value)
    return "" if parsing.header_key(text) == parsing.header_key(HIDDEN_MARK) else text


class MemberKind(Kind):
    label = "Đảng viên"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT", "Số thứ tự"], parse=None),
        Field("full_name", "Họ và tên", ["Họ tên", "Họ và tên đảng viên", "Tên đảng viên", "Họ tên khai sinh"],
              required=True),
        Field("other_name", "Tên gọi khác", ["Bí danh"]),
        Field("date_of_birth", "Ngày sinh", ["Ngày tháng năm sinh", "Sinh ngày", "Ngày, tháng, năm sinh"],
              parse=parsing.parse_date, required=True),
        Field("gender", "Giới tính", ["Nam/Nữ", "Nam, nữ", "GT"], parse=_code("gender"), required=True,
              code_list="gender"),
        Field("ethnicity", "Dân tộc", [], parse=_code("ethnicity"), code_list="ethnicity"),
        Field("religion", "Tôn giáo", [], parse=_code("religion"), code_list="religion"),
        Field("place_of_birth", "Nơi sinh", []),
        Field("home_town", "Quê quán", ["Nguyên quán"]),
        Field("residence", "Nơi thường trú", ["Thường trú", "Địa chỉ thường trú", "Nơi ở hiện nay", "Chỗ ở hiện nay"]),
        Field("temporary_residence", "Nơi tạm trú", ["Tạm trú"]),
        Field("phone", "Điện thoại", ["Số điện thoại", "SĐT"]),
        Field("citizen_id", "Số CCCD", ["CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh",
                                       "Số định danh cá nhân", "Số định danh cá nhân (CCCD)", "Số CMND/CCCD",
                                       "CMND/CCCD", "Số CCCD/CMND"], parse=_citizen_id),
        Field("card_number", "Số thẻ đảng viên", ["Số thẻ", "Số thẻ ĐV", "Thẻ đảng viên"],
              parse=parsing.parse_digits),
        Field("profile_number", "Số lý lịch", ["Số LL", "Số lý lịch đảng viên"]),
        Field("admitted_on", "Ngày vào Đảng", ["Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày vào Đảng (dự bị)",
                                              "Ngày vào đảng dự bị"], parse=parsing.parse_date, required=True),
        Field("official_on", "Ngày chính thức", ["Ngày công nhận chính thức", "Ngày được công nhận chính thức",
                                                "Ngày vào Đảng chính thức", "Ngày CT"], parse=parsing.parse_date),
        Field("decision_number", "Số quyết định kết nạp", ["Số QĐ kết nạp", "Quyết định kết nạp"]),
        Field("organisation", "Chi bộ / Mã tổ chức", ["Chi bộ", "Mã tổ chức", "Tổ chức đảng", "Mã chi bộ",
                                                     "Tổ chức đảng sinh hoạt", "Đảng bộ, chi bộ", "Chi bộ sinh hoạt",
                                                     "Đơn vị sinh hoạt"], required=True),
        Field("status", "Tình trạng", ["Trạng thái", "Loại đảng viên"], parse=_choices_code("status", STATUS_CHOICES)),
        Field("occupation", "Nghề nghiệp", ["Nghề nghiệp hiện nay", "Nghề nghiệp, chức vụ"],
              parse=_code("occupation"), code_list="occupation"),
        Field("general_education", "Trình độ học vấn", ["Giáo dục phổ thông", "Văn hóa", "Trình độ văn hóa",
                                                        "Học vấn"], parse=_code("general_education"),
              code_list="general_education"),
        Field("professional", "Chuyên môn", ["Chuyên môn, nghiệp vụ", "Trình độ chuyên môn",
                                             "Chuyên môn nghiệp vụ"], parse=_code("professional"),
              code_list="professional"),
        Field("political_theory", "Lý luận chính trị", ["LLCT", "Trình độ lý luận chính trị", "Lý luận"],
              parse=_code("political_theory"), code_list="political_theory"),
    ]
    RULE_COLUMNS = {"ID-01": "citizen_id", "ID-02": "card_number", "NAME-01": "full_name", "ADM-01": "admitted_on",
                    "ORG-10": "organisation", "ORG-17": "organisation", "PROB": "official_on",
                    "LIFE-06": "admitted_on", "LIFE-T05": "date_of_birth", "LIFE-01": "official_on"}

    def missing_groups(self, columns):
        if "citizen_id" not in columns and "card_number" not in columns:
            return ["“Số CCCD” hoặc “Số thẻ đảng viên” (khóa nhận diện đảng viên)"]
        return []

    def prepare(self, ctx, rows):
        self.writable = _Organisations(organisations_for_member_writes(ctx.user).filter(ended_on__isnull=True))
        self.write_prefixes = scope_for(ctx.user).prefixes(roles={"admin", "org_staff", "base_clerk"})
        cids = {r.get("citizen_id") for r in rows if r.get("citizen_id")}
        cards = {r.get("card_number") for r in rows if r.get("card_number")}
        self.by_cid: dict[str, Member] = {}
        self.by_card: dict[str, Member] = {}
        for keys, field_name, target in ((sorted(cids), "citizen_id", self.by_cid),
                                         (sorted(cards), "card_number", self.by_card)):
            for start in range(0, len(keys), 500):
                for member in Member.objects.filter(**{f"{field_name}__in": keys[start:start + 500]}).select_related(
                        "organisation"):
                    target[getattr(member, field_name)] = member
        self.seen: dict[str, int] = {}
        self.labels: dict[str, str] = {f.name: f.label for f in self.FIELDS}

    def _may_write(self, member: Member) -> bool:
        return any(member.org_path.startswith(p) for p in self.write_prefixes)

    def validate(self, ctx, result, row):
        labels = self.labels
        cid, card = row.get("citizen_id", ""), row.get("card_number", "")
        if cid and not (cid.isdigit() and len(cid) == 12):
            _err(result, labels, "citizen_id", cid, _rule("ID-01", ctx), "ID-01")
        if card and not (card.isdigit() and len(card) <= 12):
            _err(result, labels, "card_number", card, _rule("ID-02", ctx), "ID-02")
        if not cid and not card:
            _err(result, labels, "citizen_id", "", "Cần “Số CCCD” hoặc “Số thẻ đảng viên” để nhận diện đảng viên "
                 "(khóa tự nhiên); dòng không có khóa sẽ bị nhập trùng khi nhập lại.")
        for key in (f"cccd:{cid}" if cid else "", f"the:{card}" if card else ""):
            if key and key in self.seen:
                _err(result, labels, "citizen_id" if key.startswith("cccd") else "card_number", key.split(":")[1],
                     f"Trùng với dòng {self.seen[key]} trong cùng tệp.")
            elif key:
                self.seen[key] = result.row
        if not row.get("full_name"):
            _err(result, labels, "full_name", "", _rule("NAME-01", ctx), "NAME-01")
        born = row.get("date_of_birth")
        if born is None:
            _err(result, labels, "date_of_birth", "", _rule("NAME-01", ctx), "NAME-01")
        if not row.get("gender"):
            _err(result, labels, "gender", "", _rule("NAME-01", ctx), "NAME-01")
        admitted, official = row.get("admitted_on"), row.get("official_on")
        for name in ("date_of_birth", "admitted_on", "official_on"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], "Ngày sau ngày hôm nay.", "LIFE-06")
        if born and admitted and admitted <= born:
            _err(result, labels, "admitted_on", admitted, f"Ngày vào Đảng không thể trước ngày sinh ({born:%d/%m/%Y}).")
        if admitted and official and official < admitted:
            _err(result, labels, "official_on", official,
                 f"Ngày chính thức trước ngày vào Đảng ({admitted:%d/%m/%Y}).", "LIFE-01")
        if official and not admitted:
            _err(result, labels, "admitted_on", "", "Có ngày chính thức thì phải có ngày vào Đảng.")
        status = row.get("status", "")
        if status == MemberStatus.OFFICIAL and not official and not result.issues:
            pass  # checked against the record below (an existing official member may omit the date)
        if status == MemberStatus.PROBATIONARY and official:
            _err(result, labels, "status", MemberStatus(status).label, "Đảng viên dự bị không có ngày chính thức.")
        org = None
        if row.get("organisation"):
            org, problem = self.writable.find(row["organisation"])
            if problem:
                _err(result, labels, "organisation", row["organisation"], problem)
        matched = {m.pk: m for m in (self.by_cid.get(cid), self.by_card.get(card)) if m is not None}
        if len(matched) > 1:
            _err(result, labels, "card_number", card, "Số CCCD và số thẻ đảng viên thuộc hai hồ sơ khác nhau.")
            return
        if result.issues:
            return
        member = next(iter(matched.values()), None)
        if member is None:
            self._plan_new(ctx, result, row, org)
        else:
            self._plan_existing(ctx, result, row, org, member)

    def _plan_new(self, ctx, result, row, org):
        labels = self.labels
        if org is None:
            _err(result, labels, "organisation", "", "Đảng viên mới cần tổ chức đảng sinh hoạt.")
        if row.get("admitted_on") is None:
            _err(result, labels, "admitted_on", "", "Đảng viên mới cần ngày vào Đảng.")
        status = row.get("status", "")
        if status and status not in ACTIVE_STATUSES:
            _err(result, labels, "status", MemberStatus(status).label,
                 "Chỉ nhập được đảng viên đang sinh hoạt (dự bị hoặc chính thức); các sự kiện khác ghi trên trang "
                 "đảng viên.", "LIFE-03")
        if status == MemberStatus.OFFICIAL and not row.get("official_on"):
            _err(result, labels, "official_on", "", "Đảng viên chính thức cần ngày chính thức.")
        result.outcome = "new"
        result.label = row.get("full_name", "")
        result.plan = {"organisation": org}

    def _plan_existing(self, ctx, result, row, org, member: Member):
        labels = self.labels
        result.label = member.full_name
        if not self._may_write(member):
            _err(result, labels, "citizen_id", "", "Khóa này thuộc hồ sơ đảng viên ngoài phạm vi bạn được ghi.")
            return
        changes = {}
        for name in ("full_name", "date_of_birth", "citizen_id", "card_number", *PROFILE_TEXT, *PROFILE_CODES):
            value = row.get(name)
            if value in (None, ""):
                continue
            current = getattr(member, name)
            if (clean(current) if isinstance(current, str) else current) != value:
                changes[name] = value
        values = {name: row[name] for name in VALUE_FIELDS
                  if row.get(name) and row[name] != "unknown" and row[name] != getattr(member, name)}
        recognise = None
        if org is not None and org.pk != member.organisation_id:
            _err(result, labels, "organisation", row["organisation"],
                 f"Hồ sơ đang sinh hoạt ở “{member.organisation}”: chuyển sinh hoạt phải ghi bằng sự kiện trên "
                 "trang đảng viên, không sửa qua tệp.", "LIFE-05")
        if row.get("admitted_on") and row["admitted_on"] != member.admitted_on:
            _err(result, labels, "admitted_on", row["admitted_on"],
                 f"Khác ngày vào Đảng trong hồ sơ ({member.admitted_on:%d/%m/%Y})." if member.admitted_on
                 else "Hồ sơ chưa có ngày vào Đảng.", "LIFE-05")
        official = row.get("official_on")
        if official and official != member.official_on:
            if member.status == MemberStatus.PROBATIONARY and member.official_on is None:
                recognise = official
            else:
                _err(result, labels, "official_on", official, "Khác ngày chính thức trong hồ sơ"
                     + (f" ({member.official_on:%d/%m/%Y})." if member.official_on else "."), "LIFE-05")
        status = row.get("status")
        expected = MemberStatus.OFFICIAL if recognise else member.status
        if status and status != expected:
            _err(result, labels, "status", MemberStatus(status).label,
                 f"Khác tình trạng trong hồ sơ ({MemberStatus(member.status).label}).", "LIFE-05")
        if result.issues:
            return
        result.plan = {"member": member, "changes": changes, "values": values, "recognise": recognise}
        result.outcome = "update" if (changes or values or recognise) else "unchanged"

    def apply(self, ctx, result, row):
        if result.outcome == "new":
            self._apply_new(ctx, result, row)
        else:
            self._apply_update(ctx, result, row)

    def _apply_new(self, ctx, result, row):
        profile = {name: row[name] for name in ("full_name", "date_of_birth", "gender", "citizen_id", "card_number",
                                                *PROFILE_TEXT, "ethnicity", "religion") if row.get(name)}
        admitted = row["admitted_on"]
        decision = Decision(row.get("decision_number", ""), admitted, "")
        member = member_admit(actor=ctx.user, profile=profile, organisation=result.plan["organisation"],
                              decision=decision, admitted_on=admitted)
        ctx.remember(result.row, member, CREATED)
        for event in member.events.all():
            ctx.remember(result.row, event, CREATED)
        for name in VALUE_FIELDS:
            if row.get(name) and row[name] != "unknown":
                item = member_set_value(actor=ctx.user, member=member, attribute=ValueAttribute(name),
                                        value=row[name], valid_from=admitted)
                ctx.remember(result.row, item, CREATED)
        if row.get("official_on"):
            event = member_record_event(actor=ctx.user, member=member, kind=EventKind.RECOGNITION,
                                        effective_date=row["official_on"], decision=Decision("", row["official_on"], ""))
            ctx.remember(result.row, event, CREATED)

    def _admit_row(self, ctx, result, row) -> AdmitRow:
        profile = {name: row[name] for name in ("full_name", "date_of_birth", "gender", "citizen_id", "card_number",
                                                *PROFILE_TEXT, "ethnicity", "religion") if row.get(name)}
        admitted = row["admitted_on"]
        return AdmitRow(profile=profile, organisation=result.plan["organisation"], admitted_on=admitted,
                        decision=Decision(row.get("decision_number", ""), admitted, ""),
                        values={name: row[name] for name in VALUE_FIELDS if row.get(name) and row[name] != "unknown"},
                        official_on=row.get("official_on"), key=result.row, reason=f"{ctx.source}, dòng {result.row}")

    def apply_many(self, ctx, items):
        """New members through ``member_admit_many``: the same rules and records as ``_apply_new``, one
        query per kind of record instead of dozens per row. Provenance is written at once (same transaction)."""
        by_row = {result.row: result for result, _row in items}
        try:
            members = member_admit_many(actor=ctx.user, rows=[self._admit_row(ctx, r, row) for r, row in items])
        except MemberRowsRefused as refused:
            return [(by_row[key], violation) for key, violation in refused.errors]
        from django.contrib.contenttypes.models import ContentType

        types = {model: ContentType.objects.get_for_model(model) for model in (Member, LedgerEvent, MemberValue)}
        provenance = []
        for (result, _row), member in zip(items, members, strict=True):
            for obj in (member, *member.created_records):
                provenance.append(ImportRow(batch=ctx.batch, row_number=result.row, content_type=types[type(obj)],
                                            object_id=obj.pk, action=CREATED, before={}))
        if not ctx.dry_run:
            ImportRow.objects.bulk_create(provenance, batch_size=2000)
        return []

    def _apply_update(self, ctx, result, row):
        plan = result.plan
        member = Member.objects.get(pk=plan["member"].pk)
        if plan["changes"]:
            before = {k: _jsonable(getattr(member, k)) for k in plan["changes"]}
            member_update_profile(actor=ctx.user, member=member, changes=plan["changes"],
                                  correction_basis=f"{ctx.source}, dòng {result.row}")
            ctx.remember(result.row, member, UPDATED,
                         {"before": before, "after": {k: _jsonable(v) for k, v in plan["changes"].items()}})
        for name, value in plan["values"].items():
            old = getattr(member, name)
            item = member_set_value(actor=ctx.user, member=member, attribute=ValueAttribute(name), value=value,
                                    valid_from=ctx.today)
            ctx.remember(result.row, item, CREATED, {"attribute": name, "before": old})
        if plan["recognise"]:
            event = member_record_event(actor=ctx.user, member=member, kind=EventKind.RECOGNITION,
                                        effective_date=plan["recognise"], decision=Decision("", plan["recognise"], ""))
            ctx.remember(result.row, event, CREATED)


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# Organisations ---------------------------------------------------------------------------------------

class OrganisationKind(Kind):
    label = "Tổ chức đảng"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT"], parse=None),
        Field("code", "Mã tổ chức", ["Mã", "Mã số", "Mã TCĐ"], required=True),
        Field("name", "Tên tổ chức", ["Tên", "Tên tổ chức đảng", "Tổ chức đảng"], required=True),
        Field("org_type", "Loại tổ chức", ["Loại", "Loại hình tổ chức"],
              parse=_choices_code("org_type", ORG_TYPE_CHOICES), required=True),
        Field("parent", "Mã tổ chức cấp trên", ["Cấp trên", "Trực thuộc", "Mã cấp trên", "Tổ chức cấp trên"]),
        Field("founded_on", "Ngày thành lập", ["Thành lập ngày"], parse=parsing.parse_date, required=True),
        Field("decision_number", "Số quyết định", ["Số QĐ", "Số quyết định thành lập"]),
        Field("decision_date", "Ngày quyết định", ["Ngày QĐ"], parse=parsing.parse_date),
        Field("deciding_body", "Cơ quan quyết định", ["Cấp quyết định"]),
        Field("host_unit", "Đơn vị", ["Tên đơn vị", "Đơn vị (cơ quan, doanh nghiệp)", "Cơ quan, doanh nghiệp"]),
        Field("unit_type", "Loại hình đơn vị", ["Loại hình"], parse=_code("unit_type"), code_list="unit_type"),
    ]
    RULE_COLUMNS = {"ORG-12": "org_type", "ORG-14": "code", "ORG-10": "parent", "LIFE-06": "founded_on"}

    def prepare(self, ctx, rows):
        self.labels = {f.name: f.label for f in self.FIELDS}
        self.visible = _Organisations(organisations_for(ctx.user, for_write=False))
        self.writable = _Organisations(organisations_for(ctx.user, for_write=True))
        codes = {clean(r.get("code", "")).upper() for r in rows if r.get("code")}
        self.existing = {o.code: o for o in Organisation.objects.filter(code__in=codes).select_related("parent",
                                                                                                      "host_unit")}
        self.pending: dict[str, int] = {}
        self.is_admin = scope_for(ctx.user).superuser

    def validate(self, ctx, result, row):
        labels = self.labels
        code = clean(row.get("code", "")).upper()
        row["code"] = code
        result.label = row.get("name", "")
        if not code:
            _err(result, labels, "code", "", "Thiếu mã tổ chức (khóa tự nhiên).")
            return
        if code in self.pending:
            _err(result, labels, "code", code, f"Trùng với dòng {self.pending[code]} trong cùng tệp.")
            return
        self.pending[code] = result.row
        for name in ("founded_on", "decision_date"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], "Ngày sau ngày hôm nay.", "LIFE-06")
        parent_code = clean(row.get("parent", "")).upper()
        parent = None
        if parent_code:
            parent = self.writable.by_code.get(parent_code)
            if parent is None and parent_code not in self.pending:
                _err(result, labels, "parent", row["parent"],
                     f"Không có tổ chức cấp trên mã “{row['parent']}” trong phạm vi bạn được ghi.")
        elif not self.is_admin:
            _err(result, labels, "parent", "", "Chỉ quản trị hệ thống được tạo tổ chức cấp cao nhất; hãy ghi mã "
                 "tổ chức cấp trên.")
        existing = self.existing.get(code)
        if existing is not None:
            if existing.code not in self.visible.by_code:
                _err(result, labels, "code", code, _rule("ORG-14", ctx), "ORG-14")
                return
            differs = []
            if row.get("name") and search_key(row["name"]) != search_key(existing.name):
                differs.append(f"tên “{existing.name}”")
            if row.get("org_type") and row["org_type"] != existing.org_type:
                differs.append(f"loại “{existing.get_org_type_display()}”")
            if (existing.parent.code if existing.parent else "") != parent_code:
                differs.append(f"cấp trên “{existing.parent.code if existing.parent else 'không có'}”")
            if row.get("founded_on") and row["founded_on"] != existing.founded_on:
                differs.append(f"ngày thành lập {existing.founded_on:%d/%m/%Y}")
            if differs:
                _err(result, labels, "code", code, "Tổ chức đã có với " + ", ".join(differs) + ": đổi tên, chuyển "
                     "trực thuộc, đổi loại phải ghi bằng quyết định trên trang tổ chức.", "ORG-14")
                return
            result.outcome = "unchanged"
            return
        if result.issues:
            return
        result.outcome = "new"

    def apply(self, ctx, result, row):
        parent = None
        if row.get("parent"):
            parent = Organisation.objects.get(code=clean(row["parent"]).upper())
            if not (scope_for(ctx.user).roles_at(parent.path) & STRUCTURE_WRITERS):
                raise ValueError("tổ chức cấp trên ngoài phạm vi được ghi")
        unit = None
        if row.get("host_unit"):
            unit = HostUnit.objects.filter(name=row["host_unit"]).first()
            if unit is None:
                unit = host_unit_create(actor=ctx.user, name=row["host_unit"], unit_type=row.get("unit_type") or "other")
                ctx.remember(result.row, unit, CREATED)
        org = organisation_found(actor=ctx.user, code=row["code"], name=row["name"], org_type=row["org_type"],
                                 parent=parent, founded_on=row["founded_on"],
                                 decision=Decision(row.get("decision_number", ""),
                                                   row.get("decision_date") or row["founded_on"],
                                                   row.get("deciding_body", "")),
                                 host_unit=unit)
        ctx.remember(result.row, org, CREATED)


KINDS = {"members": MemberKind, "organisations": OrganisationKind}
