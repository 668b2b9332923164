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
from dangvu.common.bulk import bulk_insert_values
from dangvu.common.text import clean, search_key
from dangvu.imports import parsing
from dangvu.imports.engine import Context, Issue, RowResult
from dangvu.imports.models import RECORDS, ImportRow
from dangvu.members.models import (
    ACTIVE_STATUSES,
    EventKind,
    LedgerEvent,
    Member,
    MemberStatus,
    ValueAttribute,
)
from dangvu.members.services import (
    AdmitRow,
    BulkAdmission,
    MemberRowsRefused,
    member_admit,
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
        spec = next((f for f in self.FIELDS if f.name == name), None)
        if spec is not None and spec.code_list:  # show the label, as the file has it, not the internal code
            entries = getattr(self, "CHOICE_LISTS", {}).get(spec.code_list)
            if entries is None:
                from dangvu.codes.data import LISTS

                entries = LISTS.get(spec.code_list, [])
            return next((text for code, text in entries if code == value), str(value))
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


_HIDDEN_KEY = parsing.header_key(HIDDEN_MARK)


def _citizen_id(value) -> str:
    text = parsing.parse_digits(value)
    return "" if not text.isdigit() and parsing.header_key(text) == _HIDDEN_KEY else text


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

    def _admit_rows(self, ctx, items) -> list[AdmitRow]:
        """The ``AdmitRow`` of each item, built once (the rows of the next chunk are built ahead)."""
        numbers = tuple(result.row for result, _row in items)
        built = getattr(ctx, "admit_rows", None)
        if built is not None and built[0] == numbers:
            return built[1]
        rows = [self._admit_row(ctx, r, row) for r, row in items]
        ctx.admit_rows = (numbers, rows)
        return rows

    def apply_many(self, ctx, items):
        """New members through the batch's ``BulkAdmission`` (``member_admit_many`` chunk by chunk, the next chunk,
        ``ctx.upcoming``, planned while this one is written): the same rules and records as ``_apply_new``, one
        query per kind of record instead of dozens per row. Provenance is written at once (same transaction): one
        row per member, listing its events and values (``dangvu.imports.models.RECORDS``)."""
        by_row = {result.row: result for result, _row in items}
        admission = getattr(ctx, "member_admission", None)
        if admission is None:  # one for the batch: the next chunk (``ctx.upcoming``) is planned while this is written
            admission = ctx.member_admission = BulkAdmission(actor=ctx.user)
        rows = self._admit_rows(ctx, items)
        upcoming = getattr(ctx, "upcoming", None)
        try:
            members = admission.admit(rows, upcoming=self._admit_rows(ctx, upcoming) if upcoming else None)
        except MemberRowsRefused as refused:
            return [(by_row[key], violation) for key, violation in refused.errors]
        from django.contrib.contenttypes.models import ContentType

        if not ctx.dry_run:  # one provenance row per new member, naming the events and values written with it
            batch_id, created, member_type = ctx.batch.pk, str(CREATED), ContentType.objects.get_for_model(Member).pk
            bulk_insert_values(ImportRow, ["batch_id", "row_number", "content_type_id", "object_id", "action", "before"],
                               [(batch_id, result.row, member_type, member.pk, created,
                                 {RECORDS: {"ledgerevent": [event.pk for event in member.created_events],
                                            "membervalue": [item.pk for item in member.created_values]}})
                                for (result, _row), member in zip(items, members, strict=True)])
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
        from dangvu.organisations.models import OrganisationEvent, OrgEventKind

        founded = set(OrganisationEvent.objects.filter(organisation__code__in=codes, kind=OrgEventKind.FOUNDING,
                                                       voided_at__isnull=True).values_list("organisation__code",
                                                                                           flat=True))
        self.voided = {code for code in self.existing if code not in founded}

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
        if existing is not None and code in self.voided:
            _err(result, labels, "code", code, _rule("ORG-14", ctx) + " Mã này thuộc một tổ chức đã hủy quyết định "
                 "thành lập (hoàn tác lô nhập); hãy dùng mã khác.", "ORG-14")
            return
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


# Ledger events ---------------------------------------------------------------------------------------

# Kinds recorded with a member's own record or by an organisation decision, not through this import.
EVENT_KINDS_NOT_IMPORTED = {EventKind.ADMISSION, EventKind.TRANSFER_IN, EventKind.ORG_TRANSFER}
EVENT_CHOICES = [(k.value, k.label) for k in EventKind]
YES_NO = [("yes", "Có"), ("no", "Không")]


def _members_by_keys(rows: list[dict]) -> tuple[dict[str, Member], dict[str, Member]]:
    """The members the rows name, by citizen ID and by party card number (read in slices of 500)."""
    found: tuple[dict[str, Member], dict[str, Member]] = ({}, {})
    for field_name, target in zip(("citizen_id", "card_number"), found, strict=True):
        keys = sorted({r[field_name] for r in rows if r.get(field_name)})
        for start in range(0, len(keys), 500):
            for member in Member.objects.filter(**{f"{field_name}__in": keys[start:start + 500]}):
                target[getattr(member, field_name)] = member
    return found


def _event_key(member_id: int, kind: str, day) -> tuple:
    return (member_id, kind, day)


class LedgerEventKind(Kind):
    """Events on existing members' ledgers (recognition, transfers, exemption, removal, death …).

    Natural key: the member (citizen ID, else party card number) + event kind + effective date. A row whose
    key matches a recorded (non-void) event is "unchanged" when its decision number agrees."""

    label = "Sự kiện đảng viên"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT", "Số thứ tự"], parse=None),
        Field("citizen_id", "Số CCCD", ["CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh",
                                       "Số định danh cá nhân", "Số CMND/CCCD", "CMND/CCCD"], parse=_citizen_id),
        Field("card_number", "Số thẻ đảng viên", ["Số thẻ", "Số thẻ ĐV", "Thẻ đảng viên"], parse=parsing.parse_digits),
        Field("full_name", "Họ và tên", ["Họ tên", "Họ và tên đảng viên", "Tên đảng viên"],
              note="để đối chiếu; không sửa hồ sơ"),
        Field("kind", "Loại sự kiện", ["Sự kiện", "Loại", "Nội dung sự kiện"],
              parse=_choices_code("event_kind", EVENT_CHOICES), required=True, code_list="event_kind"),
        Field("effective_date", "Ngày hiệu lực", ["Ngày", "Ngày sự kiện", "Từ ngày"], parse=parsing.parse_date,
              required=True),
        Field("decision_number", "Số quyết định", ["Số QĐ", "Quyết định số"]),
        Field("decision_date", "Ngày quyết định", ["Ngày QĐ", "Ngày ký"], parse=parsing.parse_date),
        Field("deciding_body", "Cơ quan quyết định", ["Cấp quyết định", "Nơi quyết định"]),
        Field("organisation", "Tổ chức đảng nơi đến", ["Nơi đến", "Chi bộ nơi đến", "Mã tổ chức nơi đến",
                                                        "Tổ chức đảng"],
              note="mã hoặc tên; cho chuyển sinh hoạt trong Đảng bộ, sinh hoạt tạm thời, kết nạp lại"),
        Field("external_place", "Nơi đến ngoài Đảng bộ", ["Nơi chuyển đến", "Chuyển đến"]),
        Field("other_province", "Ngoài tỉnh", ["Ngoài tỉnh, thành phố"], parse=_choices_code("yes_no", YES_NO),
              code_list="yes_no"),
        Field("ceremony_date", "Ngày lễ kết nạp", ["Ngày tổ chức lễ kết nạp"], parse=parsing.parse_date),
    ]
    RULE_COLUMNS = {"LIFE-06": "effective_date", "LIFE": "effective_date", "PROB": "effective_date",
                    "ORG-10": "organisation", "ORG-17": "organisation", "TRF": "organisation",
                    "EXIT": "effective_date", "VOID": "effective_date"}
    CHOICE_LISTS = {"event_kind": EVENT_CHOICES, "yes_no": YES_NO}

    def missing_groups(self, columns):
        if "citizen_id" not in columns and "card_number" not in columns:
            return ["“Số CCCD” hoặc “Số thẻ đảng viên” (khóa nhận diện đảng viên)"]
        return []

    def prepare(self, ctx, rows):
        self.labels = {f.name: f.label for f in self.FIELDS}
        self.write_prefixes = scope_for(ctx.user).prefixes(roles={"admin", "org_staff", "base_clerk"})
        from dangvu.access.policies import transfer_destinations

        self.destinations = _Organisations(transfer_destinations(ctx.user))
        self.all_codes = _Organisations(Organisation.objects.all())
        self.by_cid, self.by_card = _members_by_keys(rows)
        member_ids = {m.pk for m in (*self.by_cid.values(), *self.by_card.values())}
        self.recorded: dict[tuple, LedgerEvent] = {}
        for event in (LedgerEvent.objects.filter(member_id__in=member_ids, voided_at__isnull=True)
                      .select_related("organisation")):
            self.recorded[_event_key(event.member_id, event.kind, event.effective_date)] = event
        self.seen: dict[tuple, int] = {}

    def validate(self, ctx, result, row):
        labels = self.labels
        cid, card = row.get("citizen_id", ""), row.get("card_number", "")
        if not cid and not card:
            _err(result, labels, "citizen_id", "", "Cần “Số CCCD” hoặc “Số thẻ đảng viên” để nhận diện đảng viên.")
            return
        matched = {m.pk: m for m in (self.by_cid.get(cid) if cid else None, self.by_card.get(card) if card else None)
                   if m is not None}
        if len(matched) > 1:
            _err(result, labels, "card_number", card, "Số CCCD và số thẻ đảng viên thuộc hai hồ sơ khác nhau.")
            return
        member = next(iter(matched.values()), None)
        if member is None:
            _err(result, labels, "citizen_id" if cid else "card_number", cid or card,
                 "Không có hồ sơ đảng viên với khóa này: nhập đảng viên trước (loại “Đảng viên”).")
            return
        result.label = member.full_name
        if not any(member.org_path.startswith(p) for p in self.write_prefixes):
            _err(result, labels, "citizen_id" if cid else "card_number", cid or card,
                 "Khóa này thuộc hồ sơ đảng viên ngoài phạm vi bạn được ghi.")
            return
        if row.get("full_name") and search_key(row["full_name"]) != search_key(member.full_name):
            _err(result, labels, "full_name", row["full_name"],
                 f"Khác họ tên trong hồ sơ có khóa này (“{member.full_name}”).")
        kind, day = row.get("kind"), row.get("effective_date")
        if not kind:
            _err(result, labels, "kind", "", "Thiếu loại sự kiện.")
        if day is None:
            _err(result, labels, "effective_date", "", "Thiếu ngày hiệu lực.")
        for name in ("effective_date", "decision_date", "ceremony_date"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], _rule("LIFE-06", ctx), "LIFE-06")
        if result.issues:
            return
        key = _event_key(member.pk, kind, day)
        if key in self.seen:
            _err(result, labels, "kind", EventKind(kind).label, f"Trùng với dòng {self.seen[key]} trong cùng tệp "
                 "(cùng đảng viên, loại sự kiện, ngày hiệu lực).")
            return
        self.seen[key] = result.row
        existing = self.recorded.get(key)
        if existing is not None:
            differs = []
            if row.get("decision_number") and clean(row["decision_number"]) != existing.decision_number:
                differs.append(f"số quyết định “{existing.decision_number or 'không có'}”")
            if row.get("organisation"):
                org, _problem = self.all_codes.find(row["organisation"])
                if org is None or org.pk != existing.organisation_id:
                    differs.append(f"nơi đến “{existing.organisation.code if existing.organisation else 'không có'}”")
            if differs:
                _err(result, labels, "kind", EventKind(kind).label, "Đã có sự kiện này (cùng loại, cùng ngày) với "
                     + ", ".join(differs) + ": sửa bằng cách hủy sự kiện trên trang đảng viên rồi ghi lại.", "LIFE-05")
                return
            result.outcome = "unchanged"
            return
        if kind in EVENT_KINDS_NOT_IMPORTED:
            _err(result, labels, "kind", EventKind(kind).label,
                 "Loại sự kiện này không nhập qua tệp sự kiện: kết nạp và tiếp nhận ghi bằng loại nhập “Đảng viên” "
                 "hoặc trên trang đảng viên; chuyển theo quyết định tổ chức ghi trên trang tổ chức.")
            return
        org = None
        if row.get("organisation"):
            org, problem = self.destinations.find(row["organisation"])
            if problem:
                _err(result, labels, "organisation", row["organisation"], problem)
                return
        result.plan = {"member": member, "organisation": org}
        result.outcome = "new"

    def apply(self, ctx, result, row):
        member = Member.objects.get(pk=result.plan["member"].pk)
        day = row["effective_date"]
        event = member_record_event(
            actor=ctx.user, member=member, kind=row["kind"], effective_date=day,
            decision=Decision(row.get("decision_number", ""), row.get("decision_date") or day,
                              row.get("deciding_body", "")),
            organisation=result.plan["organisation"], external_place=row.get("external_place", ""),
            other_province=row.get("other_province") == "yes", ceremony_date=row.get("ceremony_date"))
        ctx.remember(result.row, event, CREATED)


KINDS["events"] = LedgerEventKind


# Candidates (source list of member development) ------------------------------------------------------

CANDIDATE_TEXT = ("home_town", "residence", "notes")
CANDIDATE_CODES = ("gender", "ethnicity", "religion", "occupation", "general_education", "professional")
CANDIDATE_FLAGS = ("is_youth_union_member", "is_trade_union_member")


class CandidateKind(Kind):
    """People in a cell's source list (``candidate_create`` / ``candidate_update``); the steps of the
    admission file are recorded on the candidate's page, not imported.

    Natural key: the citizen ID; without it, name (diacritics-insensitive) + date of birth + organisation."""

    label = "Quần chúng ưu tú (nguồn phát triển đảng viên)"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT", "Số thứ tự"], parse=None),
        Field("full_name", "Họ và tên", ["Họ tên", "Họ và tên quần chúng"], required=True),
        Field("date_of_birth", "Ngày sinh", ["Ngày tháng năm sinh", "Sinh ngày"], parse=parsing.parse_date,
              required=True),
        Field("gender", "Giới tính", ["Nam/Nữ", "GT"], parse=_code("gender"), required=True, code_list="gender"),
        Field("citizen_id", "Số CCCD", ["CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh",
                                       "Số định danh cá nhân", "Số CMND/CCCD"], parse=_citizen_id),
        Field("ethnicity", "Dân tộc", [], parse=_code("ethnicity"), code_list="ethnicity"),
        Field("religion", "Tôn giáo", [], parse=_code("religion"), code_list="religion"),
        Field("home_town", "Quê quán", ["Nguyên quán"]),
        Field("residence", "Nơi thường trú", ["Thường trú", "Nơi ở hiện nay", "Chỗ ở hiện nay"]),
        Field("organisation", "Chi bộ / Mã tổ chức", ["Chi bộ", "Mã tổ chức", "Tổ chức đảng", "Mã chi bộ"],
              required=True),
        Field("listed_on", "Ngày đưa vào danh sách nguồn", ["Ngày vào danh sách nguồn", "Ngày đưa vào nguồn"],
              parse=parsing.parse_date, required=True),
        Field("occupation", "Nghề nghiệp", ["Nghề nghiệp hiện nay"], parse=_code("occupation"),
              code_list="occupation"),
        Field("general_education", "Trình độ học vấn", ["Giáo dục phổ thông", "Văn hóa", "Trình độ văn hóa"],
              parse=_code("general_education"), code_list="general_education"),
        Field("professional", "Chuyên môn", ["Chuyên môn, nghiệp vụ", "Trình độ chuyên môn"],
              parse=_code("professional"), code_list="professional"),
        Field("is_youth_union_member", "Đoàn viên", ["Đoàn viên thanh niên", "Là đoàn viên"],
              parse=_choices_code("yes_no", YES_NO), code_list="yes_no"),
        Field("is_trade_union_member", "Đoàn viên công đoàn", ["Công đoàn viên"],
              parse=_choices_code("yes_no", YES_NO), code_list="yes_no"),
        Field("notes", "Ghi chú", []),
    ]
    RULE_COLUMNS = {"DEV-02": "listed_on", "DEV-04": "full_name", "ORG-17": "organisation", "LIFE-06": "listed_on"}
    CHOICE_LISTS = {"yes_no": YES_NO}

    def prepare(self, ctx, rows):
        from dangvu.development.access import candidates_for

        self.labels = {f.name: f.label for f in self.FIELDS}
        self.writable = _Organisations(organisations_for_member_writes(ctx.user).filter(ended_on__isnull=True))
        self.all_orgs = _Organisations(Organisation.objects.all())
        self.by_cid: dict[str, object] = {}
        self.by_identity: dict[tuple, object] = {}
        visible = candidates_for(ctx.user, for_write=False).select_related("organisation")
        cids = sorted({r["citizen_id"] for r in rows if r.get("citizen_id")})
        for start in range(0, len(cids), 500):
            for candidate in visible.filter(citizen_id__in=cids[start:start + 500]):
                self.by_cid[candidate.citizen_id] = candidate
        names = sorted({search_key(r["full_name"]) for r in rows if r.get("full_name") and not r.get("citizen_id")})
        for start in range(0, len(names), 500):
            for candidate in visible.filter(search_name__in=names[start:start + 500]):
                self.by_identity[(candidate.search_name, candidate.date_of_birth, candidate.organisation_id)] = candidate
        self.writable_ids = set(candidates_for(ctx.user, for_write=True).values_list("pk", flat=True)
                                .filter(pk__in=[c.pk for c in (*self.by_cid.values(), *self.by_identity.values())]))
        self.seen: dict[tuple, int] = {}

    def validate(self, ctx, result, row):
        labels = self.labels
        result.label = row.get("full_name", "")
        cid = row.get("citizen_id", "")
        if cid and not (cid.isdigit() and len(cid) == 12):
            _err(result, labels, "citizen_id", cid, _rule("ID-01", ctx), "ID-01")
        if not row.get("full_name") or row.get("date_of_birth") is None or not row.get("gender"):
            missing = [labels[n] for n in ("full_name", "date_of_birth", "gender") if not row.get(n)]
            _err(result, labels, "full_name" if not row.get("full_name") else
                 "date_of_birth" if row.get("date_of_birth") is None else "gender", "",
                 _rule("DEV-04", ctx) + " Thiếu: " + ", ".join(missing) + ".", "DEV-04")
        for name in ("date_of_birth", "listed_on"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], _rule("DEV-02", ctx), "DEV-02")
        if row.get("listed_on") is None:
            _err(result, labels, "listed_on", "", "Thiếu ngày đưa vào danh sách nguồn.")
        if row.get("date_of_birth") and row.get("listed_on") and row["listed_on"] <= row["date_of_birth"]:
            _err(result, labels, "listed_on", row["listed_on"], "Ngày đưa vào danh sách nguồn trước ngày sinh.")
        org, problem = self.all_orgs.find(row.get("organisation", "")) if row.get("organisation") else (None, "")
        if not row.get("organisation"):
            _err(result, labels, "organisation", "", "Thiếu tổ chức đảng.")
        elif org is None:
            _err(result, labels, "organisation", row["organisation"], problem)
        if result.issues:
            return
        key = ("cccd", cid) if cid else ("ten", search_key(row["full_name"]), row["date_of_birth"], org.pk)
        if key in self.seen:
            _err(result, labels, "citizen_id" if cid else "full_name", cid or row["full_name"],
                 f"Trùng với dòng {self.seen[key]} trong cùng tệp.")
            return
        self.seen[key] = result.row
        existing = self.by_cid.get(cid) if cid else self.by_identity.get(key[1:])
        if existing is None:
            writable, problem = self.writable.find(row["organisation"])
            if writable is None:
                _err(result, labels, "organisation", row["organisation"], problem)
                return
            result.plan = {"organisation": writable}
            result.outcome = "new"
            return
        if existing.organisation_id != org.pk:
            _err(result, labels, "organisation", row["organisation"],
                 f"Người này đang ở danh sách nguồn của “{existing.organisation}”: không chuyển qua tệp.", "LIFE-05")
            return
        changes = {}
        for name in ("full_name", "date_of_birth", "citizen_id", *CANDIDATE_TEXT, *CANDIDATE_CODES):
            value = row.get(name)
            if value in (None, "") or (name in CANDIDATE_CODES[3:] and value == "unknown"):
                continue
            current = getattr(existing, name)
            if (clean(current) if isinstance(current, str) else current) != value:
                changes[name] = value
        for name in CANDIDATE_FLAGS:
            if row.get(name) and (row[name] == "yes") != getattr(existing, name):
                changes[name] = row[name] == "yes"
        if row.get("listed_on") != existing.listed_on:
            _err(result, labels, "listed_on", row["listed_on"],
                 f"Khác ngày đưa vào danh sách nguồn trong hồ sơ ({existing.listed_on:%d/%m/%Y}).", "LIFE-05")
            return
        if changes and existing.pk not in self.writable_ids:
            _err(result, labels, "organisation", row["organisation"], "Hồ sơ này ngoài phạm vi bạn được ghi.")
            return
        result.plan = {"candidate": existing, "changes": changes}
        result.outcome = "update" if changes else "unchanged"

    def _data(self, row) -> dict:
        data = {name: row[name] for name in ("full_name", "date_of_birth", "citizen_id", "listed_on", *CANDIDATE_TEXT,
                                             *CANDIDATE_CODES) if row.get(name) not in (None, "")}
        data.update({name: row[name] == "yes" for name in CANDIDATE_FLAGS if row.get(name)})
        return data

    def apply(self, ctx, result, row):
        from dangvu.development.models import Candidate
        from dangvu.development.services import candidate_create, candidate_update

        if result.outcome == "new":
            candidate = candidate_create(actor=ctx.user, organisation=result.plan["organisation"], data=self._data(row))
            ctx.remember(result.row, candidate, CREATED)
            return
        candidate = Candidate.objects.select_related("organisation").get(pk=result.plan["candidate"].pk)
        changes = result.plan["changes"]
        before = {k: _jsonable(getattr(candidate, k)) for k in changes}
        candidate_update(actor=ctx.user, candidate=candidate, data=changes)
        ctx.remember(result.row, candidate, UPDATED,
                     {"before": before, "after": {k: _jsonable(v) for k, v in changes.items()}})

    # Rollback: fields the batch corrected get their old values back (``candidate_update``). A person the batch
    # put on a source list cannot be taken off it: the development services have no such write (and records are
    # never erased), so a batch that listed anyone new is not rolled back; the blocker says so.
    def rollback_blockers(self, batch) -> list[str]:
        from dangvu.development.models import Candidate

        blockers = []
        rows = list(batch.rows.filter(content_type__model="candidate", content_type__app_label="development"))
        created = [r for r in rows if r.action == CREATED]
        if created:
            blockers.append(f"Lô này đưa {len(created):,} người mới vào danh sách nguồn: hệ thống chưa có cách rút người "
                            "khỏi danh sách nguồn (hồ sơ không bị xóa), nên không hoàn tác được lô; hãy sửa từng hồ sơ "
                            "trên trang Phát triển đảng viên.".replace(",", "."))
        for row in rows:
            if row.action == UPDATED:
                candidate = Candidate.objects.get(pk=row.object_id)
                for name, value in row.before.get("after", {}).items():
                    if _jsonable(getattr(candidate, name)) != value:
                        blockers.append(f"{candidate.full_name}: “{Candidate._meta.get_field(name).verbose_name}” đã "
                                        "được sửa sau lô này.")
        return sorted(set(blockers))

    def rollback(self, batch, *, user, reason: str) -> None:
        from datetime import date as date_type

        from dangvu.development.models import Candidate
        from dangvu.development.services import candidate_update

        for row in batch.rows.filter(content_type__model="candidate", action=UPDATED).order_by("-id"):
            candidate = Candidate.objects.select_related("organisation").get(pk=row.object_id)
            before = {k: (date_type.fromisoformat(v) if k == "date_of_birth" and v else v)
                      for k, v in row.before.get("before", {}).items()}
            candidate_update(actor=user, candidate=candidate, data=before)


KINDS["candidates"] = CandidateKind


# Discipline decisions ---------------------------------------------------------------------------------

def _prepare_oversight(kind: Kind, ctx: Context, rows: list[dict]) -> None:
    """What the decision and activity kinds both look up before checking rows."""
    from dangvu.oversight.access import OVERSIGHT_WRITERS

    kind.labels = {f.name: f.label for f in kind.FIELDS}
    kind.scope = scope_for(ctx.user)
    kind.writers = OVERSIGHT_WRITERS
    kind.organisations = _Organisations(Organisation.objects.all())
    kind.by_cid, kind.by_card = _members_by_keys(rows)


def _oversight_choices():
    from dangvu.oversight.models import ActorKind, DisciplineForm, ViolationContent

    return ([(f.value, f.label) for f in DisciplineForm], [(k.value, k.label) for k in ActorKind],
            [(v.value, v.label) for v in ViolationContent])


FORM_CHOICES, ACTOR_CHOICES, CONTENT_CHOICES = _oversight_choices()


def _count(value) -> int | None:
    text = parsing.parse_digits(value)
    if not text:
        return None
    if not text.isdigit():
        raise parsing.BadValue(f"“{text}” không phải là số.")
    return int(text)


class DecisionKind(Kind):
    """Discipline decisions on members, as kept in the inspection committee's ledger: each row opens the case
    (``case_open``) and records the decision (``case_decide``), so the vote, authority, limitation and form rules
    all apply, and an expulsion is written into the member's ledger.

    Natural key: decision number + decision date."""

    label = "Quyết định kỷ luật đảng viên"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT"], parse=None),
        Field("decision_number", "Số quyết định", ["Số QĐ", "Quyết định số"], required=True),
        Field("decision_date", "Ngày quyết định", ["Ngày QĐ", "Ngày ký quyết định"], parse=parsing.parse_date,
              required=True),
        Field("citizen_id", "Số CCCD", ["CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"],
              parse=_citizen_id),
        Field("card_number", "Số thẻ đảng viên", ["Số thẻ", "Số thẻ ĐV"], parse=parsing.parse_digits),
        Field("full_name", "Họ và tên", ["Họ tên", "Đảng viên", "Họ và tên đảng viên"], note="để đối chiếu"),
        Field("form", "Hình thức kỷ luật", ["Hình thức", "Hình thức kỷ luật đảng"],
              parse=_choices_code("discipline_form", FORM_CHOICES), required=True, code_list="discipline_form"),
        Field("violation_content", "Nội dung vi phạm", ["Nhóm vi phạm", "Nội dung"],
              parse=_choices_code("violation_content", CONTENT_CHOICES), required=True,
              code_list="violation_content"),
        Field("violation_description", "Mô tả vi phạm", ["Tóm tắt vi phạm", "Hành vi vi phạm"]),
        Field("violation_from", "Ngày vi phạm", ["Thời điểm vi phạm", "Ngày xảy ra vi phạm"],
              parse=parsing.parse_date, required=True),
        Field("concluded_on", "Ngày kết luận", ["Ngày kết luận phải xử lý kỷ luật"], parse=parsing.parse_date,
              note="mặc định là ngày quyết định"),
        Field("deciding_organisation", "Mã tổ chức quyết định", ["Tổ chức quyết định", "Cấp ủy quyết định"],
              required=True),
        Field("deciding_actor", "Cơ quan quyết định", ["Cơ quan ra quyết định"],
              parse=_choices_code("actor_kind", ACTOR_CHOICES), required=True, code_list="actor_kind"),
        Field("votes", "Số phiếu tán thành", ["Số phiếu", "Số phiếu biểu quyết"], parse=_count, required=True),
        Field("voting_members", "Tổng số thành viên", ["Số thành viên", "Tổng số thành viên biểu quyết"],
              parse=_count, required=True),
        Field("proposal_votes", "Số phiếu chi bộ đề nghị khai trừ", ["Phiếu đề nghị khai trừ"], parse=_count),
        Field("proposal_members", "Số đảng viên chính thức của chi bộ", ["Số đảng viên chính thức"], parse=_count),
        Field("delivered_on", "Ngày nhận quyết định", ["Ngày giao quyết định"], parse=parsing.parse_date),
    ]
    RULE_COLUMNS = {"AUTH": "deciding_actor", "DIS-03": "votes", "DIS-04": "votes", "DIS-05": "proposal_votes",
                    "DIS-06": "form", "DIS-09": "delivered_on", "FORM": "form", "KTGS-06": "violation_from",
                    "LIM": "violation_from", "LIFE-06": "decision_date", "NOKL": "decision_date"}
    CHOICE_LISTS = {"discipline_form": FORM_CHOICES, "actor_kind": ACTOR_CHOICES,
                    "violation_content": CONTENT_CHOICES}

    def missing_groups(self, columns):
        if "citizen_id" not in columns and "card_number" not in columns:
            return ["“Số CCCD” hoặc “Số thẻ đảng viên” (khóa nhận diện đảng viên)"]
        return []

    def prepare(self, ctx, rows):
        from dangvu.oversight.models import DisciplineCase

        _prepare_oversight(self, ctx, rows)
        numbers = sorted({clean(r["decision_number"]) for r in rows if r.get("decision_number")})
        self.recorded = {}
        for start in range(0, len(numbers), 500):
            for case in (DisciplineCase._default_manager.filter(decision_number__in=numbers[start:start + 500])
                         .select_related("member", "subject_organisation", "deciding_organisation")):
                self.recorded[(case.decision_number, case.decision_date)] = case
        self.seen: dict[tuple, int] = {}

    def validate(self, ctx, result, row):
        labels = self.labels
        number, day = clean(row.get("decision_number", "")), row.get("decision_date")
        if not number:
            _err(result, labels, "decision_number", "", "Thiếu số quyết định (khóa tự nhiên cùng ngày quyết định).")
        if day is None:
            _err(result, labels, "decision_date", "", "Thiếu ngày quyết định (khóa tự nhiên cùng số quyết định).")
        for name in ("decision_date", "violation_from", "concluded_on", "delivered_on"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], _rule("LIFE-06", ctx), "LIFE-06")
        if result.issues:
            return
        key = (number, day)
        if key in self.seen:
            _err(result, labels, "decision_number", number, f"Trùng với dòng {self.seen[key]} trong cùng tệp.")
            return
        self.seen[key] = result.row
        cid, card = row.get("citizen_id", ""), row.get("card_number", "")
        matched = {m.pk: m for m in (self.by_cid.get(cid) if cid else None, self.by_card.get(card) if card else None)
                   if m is not None}
        existing = self.recorded.get(key)
        if existing is not None:  # a decision already recorded (also one on an organisation, from an export)
            member_id = next(iter(matched)) if len(matched) == 1 else None
            result.label = existing.subject_name
            if not (self.scope.roles_at(existing.subject_organisation.path) & self.writers):
                _err(result, labels, "decision_number", number, "Số và ngày quyết định này đã được dùng.")
            elif ((cid or card) and existing.member_id != member_id) or existing.decided_form != row.get("form"):
                _err(result, labels, "decision_number", number,
                     f"Đã có quyết định {number} ngày {day:%d/%m/%Y} về “{existing.subject_name}”, hình thức "
                     f"“{existing.get_decided_form_display()}”: sửa quyết định qua giải quyết khiếu nại, không qua tệp.",
                     "LIFE-05")
            else:
                result.outcome = "unchanged"
            return
        if len(matched) != 1:
            _err(result, labels, "citizen_id" if cid else "card_number", cid or card,
                 "Số CCCD và số thẻ đảng viên thuộc hai hồ sơ khác nhau." if matched
                 else "Không có hồ sơ đảng viên với khóa này.")
            return
        member = next(iter(matched.values()))
        result.label = member.full_name
        if row.get("full_name") and search_key(row["full_name"]) != search_key(member.full_name):
            _err(result, labels, "full_name", row["full_name"],
                 f"Khác họ tên trong hồ sơ có khóa này (“{member.full_name}”).")
            return
        if not (self.scope.roles_at(member.org_path) & self.writers):
            _err(result, labels, "citizen_id" if cid else "card_number", cid or card,
                 "Đảng viên này ngoài phạm vi kiểm tra, kỷ luật bạn được ghi.")
            return
        deciding, problem = self.organisations.find(row.get("deciding_organisation", ""))
        if deciding is None:
            _err(result, labels, "deciding_organisation", row.get("deciding_organisation", ""), problem)
            return
        if not (self.scope.roles_at(deciding.path) & self.writers):
            _err(result, labels, "deciding_organisation", row["deciding_organisation"],
                 "Tổ chức quyết định ngoài phạm vi kiểm tra, kỷ luật bạn được ghi.")
            return
        concluded = row.get("concluded_on") or day
        if not row["violation_from"] <= concluded <= day:
            _err(result, labels, "violation_from", row["violation_from"],
                 "Ngày vi phạm, ngày kết luận, ngày quyết định phải theo thứ tự thời gian.", "KTGS-06")
            return
        result.plan = {"member": member, "deciding": deciding}
        result.outcome = "new"

    def apply(self, ctx, result, row):
        from dangvu.oversight.models import ViolationContent
        from dangvu.oversight.services import case_decide, case_open

        member = Member.objects.get(pk=result.plan["member"].pk)
        form, day = row["form"], row["decision_date"]
        case = case_open(actor=ctx.user, member=member, violation_from=row["violation_from"],
                         violation_content=row["violation_content"],
                         violation_description=row.get("violation_description")
                         or ViolationContent(row["violation_content"]).label, proposed_form=form)
        case = case_decide(actor=ctx.user, case=case, deciding_organisation=result.plan["deciding"],
                           deciding_actor=row["deciding_actor"], concluded_on=row.get("concluded_on") or day,
                           votes={form: row["votes"]}, voting_members=row["voting_members"],
                           decision_number=row["decision_number"], decision_date=day, decided_form=form,
                           proposal_votes=row.get("proposal_votes"), proposal_members=row.get("proposal_members"),
                           delivered_on=row.get("delivered_on"))
        ctx.remember(result.row, case, CREATED)
        if case.ledger_event_id:
            ctx.remember(result.row, case.ledger_event, CREATED)

    def rollback_blockers(self, batch) -> list[str]:
        count = batch.rows.filter(content_type__model="disciplinecase").count()
        if not count:
            return []
        return [f"Lô này ghi {count:,} quyết định kỷ luật: quyết định kỷ luật đã ghi chỉ được xóa bỏ qua giải quyết "
                "khiếu nại hoặc quyết định của cấp có thẩm quyền (trang Kiểm tra, giám sát), không hoàn tác theo lô."
                .replace(",", ".")]

    def rollback(self, batch, *, user, reason: str) -> None:  # pragma: no cover - blocked above when it wrote
        return None


KINDS["decisions"] = DecisionKind


# Oversight activities with their subjects ------------------------------------------------------------

def _activity_choices():
    from dangvu.oversight.models import ActivityType, Conclusion

    return ([(t.value, t.label) for t in ActivityType], [(c.value, c.label) for c in Conclusion if c.value])


ACTIVITY_TYPE_CHOICES, CONCLUSION_CHOICES = _activity_choices()


class ActivityKind(Kind):
    """Inspections and supervisions with their subjects, one row per subject: the rows of one activity repeat its
    decision number and date (the natural key), organisation, body, type and topic. The first row of an activity
    creates it with all its subjects (``activity_create``, so KTGS-01/04/06 apply); a row with a conclusion records
    it on its subject (``subject_conclude``). Re-importing adds a conclusion to a subject still pending."""

    label = "Cuộc kiểm tra, giám sát và đối tượng"
    FIELDS = [
        Field("stt", "STT", ["Số TT", "TT"], parse=None),
        Field("decision_number", "Số quyết định", ["Số QĐ", "Quyết định số"], required=True),
        Field("decision_date", "Ngày quyết định", ["Ngày QĐ"], parse=parsing.parse_date, required=True),
        Field("organisation", "Mã tổ chức thực hiện", ["Tổ chức thực hiện", "Mã tổ chức"], required=True),
        Field("actor", "Cơ quan thực hiện", ["Chủ thể", "Cơ quan"], parse=_choices_code("actor_kind", ACTOR_CHOICES),
              required=True, code_list="actor_kind"),
        Field("activity_type", "Loại", ["Loại kiểm tra, giám sát", "Hình thức"],
              parse=_choices_code("activity_type", ACTIVITY_TYPE_CHOICES), required=True, code_list="activity_type"),
        Field("topic", "Nội dung, chủ đề", ["Nội dung", "Chủ đề"], required=True),
        Field("period_from", "Ngày thời kỳ từ", ["Thời kỳ từ"], parse=parsing.parse_date),
        Field("period_to", "Ngày thời kỳ đến", ["Thời kỳ đến"], parse=parsing.parse_date),
        Field("subject_organisation", "Mã tổ chức là đối tượng", ["Tổ chức đảng là đối tượng", "Tổ chức đối tượng"],
              note="hoặc điền Số CCCD / Số thẻ đảng viên của đảng viên là đối tượng"),
        Field("citizen_id", "Số CCCD", ["CCCD", "Số CCCD đối tượng", "Số định danh cá nhân"], parse=_citizen_id),
        Field("card_number", "Số thẻ đảng viên", ["Số thẻ", "Số thẻ ĐV"], parse=parsing.parse_digits),
        Field("full_name", "Họ và tên", ["Đảng viên là đối tượng", "Họ tên"], note="để đối chiếu"),
        Field("conclusion", "Kết luận", ["Kết luận đối với đối tượng"],
              parse=_choices_code("conclusion", CONCLUSION_CHOICES), code_list="conclusion"),
        Field("concluded_on", "Ngày kết luận", [], parse=parsing.parse_date),
        Field("findings", "Kết quả, nhận xét", ["Nhận xét", "Kết quả"]),
    ]
    RULE_COLUMNS = {"KTGS-01": "actor", "KTGS-02": "activity_type", "KTGS-03": "subject_organisation",
                    "KTGS-04": "subject_organisation", "KTGS-06": "concluded_on", "COM": "actor",
                    "LIFE-06": "decision_date", "PLAN": "decision_date"}
    CHOICE_LISTS = {"actor_kind": ACTOR_CHOICES, "activity_type": ACTIVITY_TYPE_CHOICES,
                    "conclusion": CONCLUSION_CHOICES}
    GROUP_FIELDS = ("organisation", "actor", "activity_type", "topic")

    def prepare(self, ctx, rows):
        from dangvu.oversight.models import Activity

        _prepare_oversight(self, ctx, rows)
        numbers = sorted({clean(r["decision_number"]) for r in rows if r.get("decision_number")})
        self.recorded = {}
        for start in range(0, len(numbers), 500):
            for activity in (Activity._default_manager.filter(decision_number__in=numbers[start:start + 500])
                             .select_related("organisation").prefetch_related("subjects")):
                self.recorded[(activity.decision_number, activity.decision_date)] = activity
        self.groups: dict[tuple, dict] = {}  # key -> {"first": row, "values": {...}, "subjects": [...]}
        ctx.activities = {}  # key -> Activity written in this run (phase 2)

    def _subject(self, result, row):
        """(kind, object) of the row's subject, or None after reporting why."""
        labels = self.labels
        cid, card, code = row.get("citizen_id", ""), row.get("card_number", ""), row.get("subject_organisation", "")
        if code and (cid or card):
            _err(result, labels, "subject_organisation", code, "Mỗi dòng một đối tượng: tổ chức đảng hoặc đảng viên.")
            return None
        if code:
            org, problem = self.organisations.find(code)
            if org is None:
                _err(result, labels, "subject_organisation", code, problem)
                return None
            return ("organisation", org)
        matched = {m.pk: m for m in (self.by_cid.get(cid) if cid else None, self.by_card.get(card) if card else None)
                   if m is not None}
        if not (cid or card):
            _err(result, labels, "subject_organisation", "", "Thiếu đối tượng: mã tổ chức đảng hoặc số CCCD / số thẻ "
                 "của đảng viên.", "KTGS-06")
            return None
        if len(matched) != 1:
            _err(result, labels, "citizen_id" if cid else "card_number", cid or card,
                 "Số CCCD và số thẻ đảng viên thuộc hai hồ sơ khác nhau." if matched
                 else "Không có hồ sơ đảng viên với khóa này.")
            return None
        member = next(iter(matched.values()))
        if row.get("full_name") and search_key(row["full_name"]) != search_key(member.full_name):
            _err(result, labels, "full_name", row["full_name"],
                 f"Khác họ tên trong hồ sơ có khóa này (“{member.full_name}”).")
            return None
        return ("member", member)

    def validate(self, ctx, result, row):
        labels = self.labels
        number, day = clean(row.get("decision_number", "")), row.get("decision_date")
        if not number or day is None:
            _err(result, labels, "decision_number" if not number else "decision_date", number,
                 "Thiếu số hoặc ngày quyết định (khóa tự nhiên của cuộc kiểm tra, giám sát).")
            return
        for name in ("decision_date", "concluded_on", "period_from", "period_to"):
            if row.get(name) and row[name] > ctx.today:
                _err(result, labels, name, row[name], _rule("LIFE-06", ctx), "LIFE-06")
        if row.get("conclusion") and row.get("concluded_on") is None:
            _err(result, labels, "concluded_on", "", "Có kết luận thì cần ngày kết luận.")
        if row.get("concluded_on") and row["concluded_on"] < day:
            _err(result, labels, "concluded_on", row["concluded_on"], _rule("KTGS-06", ctx), "KTGS-06")
        subject = self._subject(result, row)
        if result.issues or subject is None:
            return
        key = (number, day)
        result.label = f"{number} – {subject[1]}"
        existing = self.recorded.get(key)
        if existing is not None:
            self._plan_existing(ctx, result, row, existing, subject)
            return
        group = self.groups.get(key)
        values = {name: row.get(name) for name in self.GROUP_FIELDS}
        if group is None:
            org, problem = self.organisations.find(row.get("organisation", ""))
            if org is None:
                _err(result, labels, "organisation", row.get("organisation", ""), problem)
                return
            if not (self.scope.roles_at(org.path) & self.writers):
                _err(result, labels, "organisation", row["organisation"],
                     "Tổ chức thực hiện ngoài phạm vi kiểm tra, giám sát bạn được ghi.")
                return
            if not row.get("topic"):
                _err(result, labels, "topic", "", "Thiếu nội dung, chủ đề.")
                return
            group = self.groups[key] = {"first": result.row, "values": values, "organisation": org,
                                        "subjects": [], "period": (row.get("period_from"), row.get("period_to"))}
        else:
            differs = [labels[n] for n in self.GROUP_FIELDS if values[n] and values[n] != group["values"][n]]
            if differs:
                _err(result, labels, "decision_number", number, f"Khác dòng {group['first']} (cùng quyết định) ở: "
                     + ", ".join(differs) + ".")
                return
        if subject in group["subjects"]:
            _err(result, labels, "subject_organisation" if subject[0] == "organisation" else "citizen_id",
                 str(subject[1]), "Đối tượng này đã có ở dòng trên của cùng quyết định.")
            return
        group["subjects"].append(subject)
        result.plan = {"key": key, "group": group, "subject": subject}
        result.outcome = "new"

    def _plan_existing(self, ctx, result, row, activity, subject):
        labels = self.labels
        if not (self.scope.roles_at(activity.organisation.path) & self.writers):
            _err(result, labels, "decision_number", activity.decision_number, "Số và ngày quyết định này đã được dùng.")
            return
        found = next((s for s in activity.subjects.all()
                      if (s.organisation_id if subject[0] == "organisation" else s.member_id) == subject[1].pk
                      and (s.member_id is None) == (subject[0] == "organisation")), None)
        if found is None:
            _err(result, labels, "subject_organisation", str(subject[1]), "Cuộc kiểm tra, giám sát này đã được ghi "
                 "với các đối tượng khác: không thêm đối tượng qua tệp.", "LIFE-05")
            return
        conclusion = row.get("conclusion", "")
        if not conclusion or (conclusion == found.conclusion and row.get("concluded_on") == found.concluded_on):
            result.outcome = "unchanged"
            return
        if found.conclusion:
            _err(result, labels, "conclusion", conclusion, f"Đối tượng đã có kết luận “{found.get_conclusion_display()}”"
                 f" ngày {found.concluded_on:%d/%m/%Y}: không sửa kết luận qua tệp.", "LIFE-05")
            return
        result.plan = {"existing_subject": found}
        result.outcome = "update"

    def apply(self, ctx, result, row):
        from dangvu.oversight.services import activity_create, subject_conclude

        plan = result.plan
        subject = plan.get("existing_subject")
        if subject is None:
            key, group = plan["key"], plan["group"]
            activity = ctx.activities.get(key)
            if activity is None:
                if group["first"] != result.row:
                    raise ValueError(f"cuộc kiểm tra, giám sát ở dòng {group['first']} không ghi được")
                values = group["values"]
                activity = activity_create(
                    actor=ctx.user, organisation=group["organisation"], actor_kind=values["actor"],
                    activity_type=values["activity_type"], decision=Decision(key[0], key[1], ""),
                    topic=values["topic"], period_from=group["period"][0], period_to=group["period"][1],
                    subject_organisations=[o for kind, o in group["subjects"] if kind == "organisation"],
                    subject_members=[m for kind, m in group["subjects"] if kind == "member"])
                ctx.activities[key] = activity
                ctx.remember(result.row, activity, CREATED)
            kind, target = plan["subject"]
            subject = next(s for s in activity.subjects.all()
                           if (s.organisation_id if kind == "organisation" else s.member_id) == target.pk)
            ctx.remember(result.row, subject, CREATED)
        else:
            ctx.remember(result.row, subject, UPDATED, {"before": {"conclusion": ""}})
        if row.get("conclusion"):
            subject_conclude(actor=ctx.user, subject=subject, conclusion=row["conclusion"],
                             findings=row.get("findings", ""), concluded_on=row["concluded_on"])

    def rollback_blockers(self, batch) -> list[str]:
        count = batch.rows.filter(content_type__model__in=["activity", "activitysubject"]).count()
        if not count:
            return []
        return ["Lô này ghi cuộc kiểm tra, giám sát hoặc kết luận: các bản ghi này không hủy được theo lô (chưa có "
                "chức năng hủy cuộc kiểm tra, giám sát); hãy ghi quyết định, kết luận đúng trên trang Kiểm tra, giám sát."]

    def rollback(self, batch, *, user, reason: str) -> None:  # pragma: no cover - blocked above when it wrote
        return None


KINDS["activities"] = ActivityKind
