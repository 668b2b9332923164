"""The report engine: every figure of the registry for a root R, a period [from, to] and an instant.

The engine builds *populations* of records (members in the stock on the day before ``from`` and on
``to``, the flows in and out of R's scope, admissions, recognitions, organisations, organisation events;
oversight and discipline rows come from ``dangvu.oversight.figures``) and counts each figure of
``dangvu.reports.figures.REGISTRY`` as the records of its population that match it. The drill-down of a
figure is those very records, so a figure and its list cannot disagree.

Membership over time: ``MembershipSpell`` is the current derivation of the ledger. When the as-of
instant is at or after the last ledger write (recorded or voided), the spells are what was known then
and are read directly; otherwise every ledger concerned is replayed in Python from the events known at
the instant (``dangvu.members.ledger.replay``), grouped by member, in one pass.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from dangvu.codes.data import AGE_BANDS
from dangvu.common.dates import age_in_years
from dangvu.members.ledger import replay
from dangvu.members.models import (
    ACTIVE_STATUSES,
    BOOLEAN_ATTRIBUTES,
    EventKind,
    LedgerEvent,
    Member,
    MembershipSpell,
    MemberValue,
)
from dangvu.organisations.models import BASE_TYPES, Organisation, OrganisationEvent
from dangvu.reports.figures import AGE_CODES, OCCUPATION_GROUPS, REGISTRY, FigureDef
from dangvu.reports.scope import LineageScope
from dangvu.rules.engine import RuleViolation

ACTIVE = {str(s) for s in ACTIVE_STATUSES}
CHUNK = 900
GAIN_KINDS = {
    EventKind.ADMISSION: "admission", EventKind.READMISSION: "admission", EventKind.TRANSFER_IN: "transferred_in",
    EventKind.TRANSFER: "transferred_in", EventKind.RESTORATION: "restored", EventKind.ORG_TRANSFER: "org_moved_in",
}
LOSS_KINDS = {
    EventKind.TRANSFER_OUT: "transferred_out", EventKind.TRANSFER: "transferred_out",
    EventKind.REMOVAL: "removed", EventKind.PROBATION_REMOVAL: "probation_removed",
    EventKind.RESIGNATION: "resigned", EventKind.EXPULSION: "expelled", EventKind.DEATH: "died",
    EventKind.ORG_TRANSFER: "org_moved_out",
}
FLOW_LABELS = {
    "admission": "Kết nạp", "transferred_in": "Chuyển đến", "transferred_out": "Chuyển đi",
    "org_moved_in": "Vào phạm vi theo tổ chức", "org_moved_out": "Ra khỏi phạm vi theo tổ chức",
    "restored": "Phục hồi đảng tịch", "removed": "Xóa tên", "probation_removed": "Xóa tên khỏi danh sách dự bị",
    "resigned": "Xin ra khỏi Đảng", "expelled": "Khai trừ", "died": "Từ trần",
    "unexplained": "Thay đổi không có sự kiện trong sổ (dữ liệu không nhất quán)",
}


@dataclass
class Record:
    """One counted record: a member, an event or an organisation, with the attributes figures match on."""

    kind: str  # "member" or "organisation" or "oversight"
    key: str  # "m12", "o3"
    label: str
    day: date | None
    organisation: str
    description: str
    attrs: dict = field(default_factory=dict)
    member_id: int | None = None
    organisation_id: int | None = None


@dataclass
class Check:
    id: str
    ok: bool
    detail: str
    label: str = ""


@dataclass
class Report:
    root: Organisation
    date_from: date
    date_to: date
    as_of: datetime
    figures: dict[str, int | float]
    populations: dict[str, list[Record]]
    checks: list[Check]
    confidential: bool
    method: str = "spells"
    text: str = ""
    comparison: dict[str, int | float] | None = None
    previous: tuple[date, date] | None = None

    def figure_defs(self) -> list[FigureDef]:
        return [f for f in REGISTRY.values() if self.confidential or not f.confidential]


# Members ---------------------------------------------------------------------------------------

@dataclass
class _Segment:
    start: date
    stop: date | None
    org_id: int | None
    status: str
    exempted: bool


def _chunks(ids):
    ids = list(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _known(queryset, as_of: datetime, *, current: bool):
    if current:
        return queryset.filter(voided_at__isnull=True)
    return queryset.filter(recorded_at__lte=as_of).exclude(voided_at__lte=as_of)


def ledger_is_current(as_of: datetime) -> bool:
    """True when nothing was recorded or voided in the ledger after ``as_of``: the spells are as known then."""
    latest = LedgerEvent.objects.aggregate(r=Max("recorded_at"), v=Max("voided_at"))
    return all(value is None or value <= as_of for value in latest.values())


def _segments_from_spells(scope: LineageScope, opening: date, date_to: date, whole: bool):
    spells = (MembershipSpell.objects.filter(status__in=ACTIVE, valid_from__lte=date_to)
              .exclude(valid_to__lte=opening))
    if not whole:
        spells = spells.filter(organisation_id__in=scope.candidates)
    segments: dict[int, list[_Segment]] = defaultdict(list)
    for member_id, start, stop, org_id, status, exempted in spells.values_list(
            "member_id", "valid_from", "valid_to", "organisation_id", "status", "is_exempted").order_by(
            "member_id", "valid_from"):
        segments[member_id].append(_Segment(start, stop, org_id, status, exempted))
    return segments


def _events_in_window(member_ids, date_from: date, date_to: date, as_of: datetime, *, current: bool, whole: bool):
    fields = ("member_id", "kind", "effective_date", "organisation_id", "other_province", "decision_number", "id")
    events = _known(LedgerEvent.objects.filter(effective_date__gte=date_from, effective_date__lte=date_to),
                    as_of, current=current)
    rows = []
    if whole:
        rows = list(events.values_list(*fields))
    else:
        for chunk in _chunks(member_ids):
            rows += list(events.filter(member_id__in=chunk).values_list(*fields))
    by_member: dict[int, list[tuple]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r[0], r[2], r[6])):
        by_member[row[0]].append(row)
    return by_member


def _replayed(scope: LineageScope, date_from: date, date_to: date, as_of: datetime, problems: list[str]):
    """Segments and window events for every member whose ledger touches the candidate organisations,
    replayed from the events known at ``as_of``."""
    touching = (LedgerEvent.objects.filter(recorded_at__lte=as_of)
                .filter(Q(organisation_id__in=scope.candidates) | Q(from_organisation_id__in=scope.candidates))
                .values_list("member_id", flat=True).distinct())
    member_ids = set(touching)
    all_events: dict[int, list[LedgerEvent]] = defaultdict(list)
    for chunk in _chunks(member_ids):
        for event in _known(LedgerEvent.objects.filter(member_id__in=chunk), as_of, current=False).only(
                "id", "member_id", "kind", "effective_date", "organisation_id", "ceremony_date", "decision_date",
                "external_place", "details", "other_province", "decision_number"):
            all_events[event.member_id].append(event)
    segments: dict[int, list[_Segment]] = {}
    window: dict[int, list[tuple]] = {}
    for member_id, events in all_events.items():
        try:
            result = replay(events)
        except RuleViolation as exc:
            problems.append(f"Sổ sự kiện của đảng viên mã {member_id} không hợp lệ: {exc}")
            continue
        segments[member_id] = [
            _Segment(s.valid_from, s.valid_to, s.state.organisation_id, s.state.status, s.state.is_exempted)
            for s in result.spells() if s.state.status in ACTIVE]
        window[member_id] = sorted(
            ((e.member_id, e.kind, e.effective_date, e.organisation_id, e.other_province, e.decision_number, e.id)
             for e in events if date_from <= e.effective_date <= date_to), key=lambda r: (r[2], r[6]))
    return segments, window


def _segment_on(segments: list[_Segment], day: date) -> _Segment | None:
    for segment in segments:
        if segment.start <= day and (segment.stop is None or day < segment.stop):
            return segment
    return None


def _values(member_ids, date_to: date, as_of: datetime, *, current: bool, whole: bool):
    """member → attribute → [(valid_from, value)] known at ``as_of``."""
    values: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    query = _known(MemberValue.objects.filter(valid_from__lte=date_to), as_of, current=current)
    fields = ("member_id", "attribute", "valid_from", "value")
    rows = (list(query.values_list(*fields)) if whole else
            [row for chunk in _chunks(member_ids) for row in query.filter(member_id__in=chunk).values_list(*fields)])
    for member_id, attribute, valid_from, value in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        if attribute in BOOLEAN_ATTRIBUTES:
            value = value == "1"
        values[member_id][attribute].append((valid_from, value))
    return values


def _value_on(history: dict[str, list], attribute: str, day: date, default=None):
    result = default
    for valid_from, value in history.get(attribute, ()):
        if valid_from > day:
            break
        result = value
    return result


def _age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for code, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return "unknown"


def _join_era(day: date | None) -> str:
    if day is None:
        return "unknown"
    if day < date(1945, 8, 19):
        return "before_1945"
    if day <= date(1954, 7, 20):
        return "1945_1954"
    if day <= date(1975, 4, 30):
        return "1954_1975"
    return "from_1975"


def _person_attrs(profile: dict, history: dict, day: date) -> dict:
    occupation = _value_on(history, "occupation", day) or "unknown"
    age = age_in_years(profile["date_of_birth"], day) if profile.get("date_of_birth") else None
    ethnicity = profile.get("ethnicity") or "unknown"
    religion = profile.get("religion") or "unknown"
    return {
        "gender": profile.get("gender"), "ethnicity": ethnicity, "religion": religion,
        "ethnic_minority": ethnicity not in ("kinh", "unknown"), "religious": religion not in ("none", "unknown"),
        "occupation": occupation,
        "occupation_group": next((g for g, (_l, codes) in OCCUPATION_GROUPS.items() if occupation in codes), None),
        "general_education": _value_on(history, "general_education", day) or "unknown",
        "professional": _value_on(history, "professional", day) or "unknown",
        "academic_title": _value_on(history, "academic_title", day) or "unknown",
        "political_theory": _value_on(history, "political_theory", day) or "unknown",
        "business_owner": bool(_value_on(history, "is_business_owner", day, False)),
        "youth_union": bool(_value_on(history, "is_youth_union_member", day, False)),
        "foreign_spouse": bool(_value_on(history, "has_foreign_spouse", day, False)),
        "age": age, "age_band": _age_band(age),
    }


def _membership(scope: LineageScope, date_from: date, date_to: date, as_of: datetime, use_spells: bool,
                problems: list[str]) -> dict[str, list[Record]]:
    opening = date_from - timedelta(days=1)
    whole = scope.root.parent_id is None and len(scope.candidates) == len(scope.orgs)
    if use_spells:
        segments = _segments_from_spells(scope, opening, date_to, whole)
        admitted_ids = set(_known(LedgerEvent.objects.filter(
            kind__in=(EventKind.ADMISSION, EventKind.READMISSION), effective_date__gte=date_from,
            effective_date__lte=date_to, organisation_id__in=scope.candidates), as_of, current=True)
            .values_list("member_id", flat=True))
        window = _events_in_window(set(segments) | admitted_ids, date_from, date_to, as_of, current=True, whole=whole)
    else:
        segments, window = _replayed(scope, date_from, date_to, as_of, problems)

    populations: dict[str, list[Record]] = {k: [] for k in ("opening", "closing", "flows", "admissions",
                                                            "recognitions", "admitting")}
    closing_ids: dict[int, _Segment] = {}
    admissions: list[tuple[int, tuple]] = []
    flows: list[tuple[int, date, str, tuple | None, _Segment | None]] = []
    for member_id in set(segments) | set(window):
        segs = segments.get(member_id, [])
        events = window.get(member_id, [])
        by_day: dict[date, list[tuple]] = defaultdict(list)
        for event in events:
            by_day[event[2]].append(event)
            if event[1] in (EventKind.ADMISSION, EventKind.READMISSION) and scope.contains(event[3], event[2]):
                admissions.append((member_id, event))

        def inside(day: date, segs=segs) -> _Segment | None:
            seg = _segment_on(segs, day)
            return seg if seg is not None and seg.status in ACTIVE and scope.contains(seg.org_id, day) else None

        days = {opening, date_to, *by_day}
        boundaries: set[date] = set()
        org_days: set[date] = set()
        for seg in segs:
            boundaries.add(seg.start)
            if seg.stop:
                boundaries.add(seg.stop)
            org_days.update(d for d in scope.change_days(seg.org_id) if opening < d <= date_to)
        days.update(org_days)
        days.update(d for d in boundaries if opening < d <= date_to)
        previous = inside(opening)
        if previous is not None:
            populations["opening"].append(_member_record(member_id, previous, opening, "Đầu kỳ", scope))
        for day in sorted(d for d in days if d > opening):
            current = inside(day)
            if (previous is None) != (current is None):
                gain = current is not None
                table = GAIN_KINDS if gain else LOSS_KINDS
                todays = by_day.get(day, [])
                event = next((e for e in todays if e[1] in table), None)
                if event is not None:
                    flow = table[event[1]]
                elif day in org_days or day not in boundaries:
                    flow = "org_moved_in" if gain else "org_moved_out"
                else:
                    flow = "unexplained"
                flows.append((member_id, day, flow, event, current or previous))
            if current is not None:
                for event in by_day.get(day, []):
                    if event[1] == EventKind.RECOGNITION:
                        populations["recognitions"].append(Record(
                            "member", f"m{member_id}", "", day, scope.name(current.org_id),
                            f"Công nhận đảng viên chính thức – {event[5]}", {}, member_id, current.org_id))
            previous = current
        closing = inside(date_to)
        if closing is not None:
            closing_ids[member_id] = closing

    needed = set(closing_ids) | {m for m, _e in admissions} | {f[0] for f in flows} | {
        r.member_id for r in populations["opening"]} | {r.member_id for r in populations["recognitions"]}
    profiles: dict[int, dict] = {}
    for chunk in _chunks(needed):
        for row in Member.objects.filter(pk__in=chunk).values(
                "pk", "full_name", "gender", "ethnicity", "religion", "date_of_birth", "admitted_on"):
            profiles[row["pk"]] = row
    histories = _values(set(closing_ids) | {m for m, _e in admissions}, date_to, as_of,
                        current=use_spells, whole=whole and len(closing_ids) > 5000)
    first_admitted = _first_admissions(set(closing_ids), as_of, current=use_spells)

    for record in populations["opening"] + populations["recognitions"]:
        record.label = profiles.get(record.member_id, {}).get("full_name", "")
    for member_id, seg in closing_ids.items():
        profile = profiles.get(member_id, {})
        attrs = _person_attrs(profile, histories.get(member_id, {}), date_to)
        attrs.update(status=seg.status, exempted=seg.exempted,
                     joined=_join_era(first_admitted.get(member_id) or profile.get("admitted_on")))
        record = _member_record(member_id, seg, date_to, "Cuối kỳ", scope, profile)
        record.attrs = attrs
        populations["closing"].append(record)
    admitting: dict[int, str] = {}
    for member_id, event in admissions:
        _m, kind, day, org_id, _other, number, _pk = event
        profile = profiles.get(member_id, {})
        attrs = _person_attrs(profile, histories.get(member_id, {}), day)
        attrs["readmitted"] = kind == EventKind.READMISSION
        populations["admissions"].append(Record(
            "member", f"m{member_id}", profile.get("full_name", ""), day, scope.name(org_id),
            f"{'Kết nạp lại' if attrs['readmitted'] else 'Kết nạp'} – {number}", attrs, member_id, org_id))
        base = scope.base_org_on(org_id, day)
        if base:
            admitting.setdefault(base[0], base[1])
    for org_id, org_type in admitting.items():
        populations["admitting"].append(Record("organisation", f"o{org_id}", scope.name(org_id), None,
                                               scope.name(org_id), "Có kết nạp đảng viên trong kỳ",
                                               {"org_type": org_type}, None, org_id))
    for member_id, day, flow, event, seg in flows:
        if flow == "admission":
            continue
        attrs = {"flow": flow}
        if flow in ("transferred_in", "transferred_out"):
            attrs["province"] = "other" if event and event[4] else "same"
        description = FLOW_LABELS[flow] + (f" – {event[5]}" if event and event[5] else "")
        populations["flows"].append(Record(
            "member", f"m{member_id}", profiles.get(member_id, {}).get("full_name", ""), day,
            scope.name(seg.org_id if seg else None), description, attrs, member_id, seg.org_id if seg else None))
    for records in populations.values():
        records.sort(key=lambda r: (r.day or date.min, r.label, r.key))
    return populations


def _first_admissions(member_ids, as_of: datetime, *, current: bool) -> dict[int, date]:
    result: dict[int, date] = {}
    query = _known(LedgerEvent.objects.filter(kind=EventKind.ADMISSION), as_of, current=current)
    for chunk in _chunks(member_ids):
        for member_id, day in query.filter(member_id__in=chunk).values_list("member_id", "effective_date"):
            result[member_id] = min(day, result.get(member_id, day))
    return result


def _member_record(member_id: int, seg: _Segment, day: date, description: str, scope: LineageScope,
                   profile: dict | None = None) -> Record:
    return Record("member", f"m{member_id}", (profile or {}).get("full_name", ""), day, scope.name(seg.org_id),
                  description, {"status": seg.status}, member_id, seg.org_id)


# Organisations ---------------------------------------------------------------------------------

def _organisations(scope: LineageScope, date_from: date, date_to: date, as_of: datetime) -> dict[str, list[Record]]:
    closing = []
    for org_id in sorted(scope.candidates):
        spell = scope.spell(org_id, date_to)
        if spell is None or not scope.strictly_inside(org_id, date_to):
            continue
        org_type = spell[3]
        closing.append(Record("organisation", f"o{org_id}", spell[4], date_to, spell[4], "Đang hoạt động cuối kỳ",
                              {"org_type": org_type, "is_base": org_type in BASE_TYPES}, None, org_id))
    events = (OrganisationEvent.objects.filter(kind__in=("founding", "dissolution", "merger"),
                                               effective_date__gte=date_from, effective_date__lte=date_to,
                                               organisation_id__in=scope.candidates, recorded_at__lte=as_of)
              .exclude(voided_at__lte=as_of).order_by("effective_date", "id")
              .values_list("organisation_id", "kind", "effective_date", "decision_number"))
    changes = []
    labels = {"founding": "Thành lập", "dissolution": "Giải thể", "merger": "Sáp nhập"}
    for org_id, kind, day, number in events:
        probe = day if kind == "founding" else day - timedelta(days=1)
        if not scope.strictly_inside(org_id, probe):
            continue
        changes.append(Record("organisation", f"o{org_id}", scope.name(org_id), day, scope.name(org_id),
                              f"{labels[kind]} – {number}", {"event": kind}, None, org_id))
    return {"orgs_closing": closing, "org_events": changes}


# Counting --------------------------------------------------------------------------------------

def _matches(record: Record, figure: FigureDef) -> bool:
    return all(record.attrs.get(name) == value for name, value in figure.match)


def count_figures(populations: dict[str, list[Record]], oversight: dict[str, int] | None) -> dict[str, int | float]:
    figures: dict[str, int | float] = {}
    counters: dict[str, Counter] = {}
    for name, records in populations.items():
        counter: Counter = Counter()
        for record in records:
            for key, value in record.attrs.items():
                if isinstance(value, (str, bool)) or value is None:
                    counter[(key, value)] += 1
        counters[name] = counter
    for figure in REGISTRY.values():
        if figure.population == "oversight":
            if oversight is not None:
                figures[figure.id] = oversight.get(figure.id, 0)
            continue
        records = populations.get(figure.population, [])
        if figure.kind == "mean":
            values = [r.attrs.get(figure.value) for r in records if _matches(r, figure)]
            values = [v for v in values if v is not None]
            figures[figure.id] = round(sum(values) / len(values), 1) if values else 0
        elif not figure.match:
            figures[figure.id] = len(records)
        elif len(figure.match) == 1:
            figures[figure.id] = counters[figure.population][figure.match[0]]
        else:
            figures[figure.id] = sum(1 for r in records if _matches(r, figure))
    return figures


def records_for(report: Report, figure_id: str, *, user=None) -> list[Record]:
    """The records behind one figure: the rows the engine counted (for a mean, the rows averaged)."""
    figure = REGISTRY[figure_id]
    if figure.population == "oversight":
        from dangvu.oversight.figures import figure_records

        rows = figure_records(report.root, report.date_from, report.date_to, figure_id, as_of=report.as_of)
        records = []
        for row in rows:
            record = row.record
            member_id = getattr(record, "member_id", None)
            records.append(Record("oversight", row.key, row.label, row.day, "", row.description, {},
                                  member_id, None))
        return records
    return [r for r in report.populations.get(figure.population, []) if _matches(r, figure)]


# Checks ----------------------------------------------------------------------------------------

RECONCILIATION_PLUS = ("admissions.total", "members.transferred_in", "members.org_moved_in", "members.restored")
RECONCILIATION_MINUS = ("members.transferred_out", "members.org_moved_out", "members.removed",
                        "members.probation_removed", "members.resigned", "members.expelled", "members.died")


def _fmt(value) -> str:
    from dangvu.reports.narrative import number

    return number(value)


def run_checks(report: Report, problems: list[str]) -> list[Check]:
    f = report.figures
    checks: list[Check] = []
    expected = f["members.opening"] + sum(f[k] for k in RECONCILIATION_PLUS) - sum(f[k] for k in RECONCILIATION_MINUS)
    unexplained = [r for r in report.populations.get("flows", []) if r.attrs.get("flow") == "unexplained"]
    detail = (f"Đầu kỳ {_fmt(f['members.opening'])} + tăng "
              f"{_fmt(sum(f[k] for k in RECONCILIATION_PLUS))} − giảm {_fmt(sum(f[k] for k in RECONCILIATION_MINUS))}"
              f" = {_fmt(expected)}; cuối kỳ {_fmt(f['members.closing'])}.")
    if unexplained:
        detail += " Thay đổi không có sự kiện trong sổ: " + ", ".join(
            f"{r.label} ({r.day:%d/%m/%Y})" for r in unexplained[:10]) + "."
    if problems:
        detail += " " + " ".join(problems[:5])
    checks.append(Check("members.reconciliation", expected == f["members.closing"] and not unexplained and not problems,
                        detail, "Cân đối số đảng viên (đầu kỳ + tăng − giảm = cuối kỳ)"))

    def partition(check_id: str, label: str, total_id: str, prefix: str, codes) -> None:
        parts = sum(f.get(f"{prefix}.{code}", 0) for code in codes)
        checks.append(Check(check_id, parts == f[total_id],
                            f"Tổng các nhóm {_fmt(parts)}; {REGISTRY[total_id].label.lower()} {_fmt(f[total_id])}.",
                            label))

    from dangvu.codes.data import LISTS

    codes = lambda name: [c for c, _l in LISTS[name]]  # noqa: E731
    partition("admissions.ethnicity.sum", "Kết nạp theo dân tộc cộng lại bằng tổng số kết nạp", "admissions.total",
              "admissions.ethnicity", codes("ethnicity"))
    partition("admissions.occupation.sum", "Kết nạp theo nghề nghiệp cộng lại bằng tổng số kết nạp",
              "admissions.total", "admissions.occupation", codes("occupation"))
    partition("admissions.age.sum", "Kết nạp theo độ tuổi cộng lại bằng tổng số kết nạp", "admissions.total",
              "admissions.age", [c for c, _l in AGE_CODES])
    partition("members.closing.ethnicity.sum", "Đảng viên cuối kỳ theo dân tộc cộng lại bằng tổng số",
              "members.closing", "members.closing.ethnicity", codes("ethnicity"))
    partition("members.closing.occupation.sum",
              "Đảng viên cuối kỳ theo nghề nghiệp (kể cả nghỉ hưu) cộng lại bằng tổng số", "members.closing",
              "members.closing.occupation", codes("occupation"))
    partition("members.closing.status.sum", "Chính thức + dự bị bằng tổng số đảng viên cuối kỳ", "members.closing",
              "members.closing", ["official", "probationary"])
    outside = [r for r in report.populations.get("closing", []) if r.organisation_id is None]
    checks.append(Check("scope.subjects", not outside,
                        "Mọi đảng viên, tổ chức được đếm đều thuộc phạm vi báo cáo." if not outside else
                        f"{len(outside)} bản ghi không xác định được tổ chức.", "Mọi đối tượng được đếm thuộc phạm vi"))
    if report.confidential:
        from dangvu.oversight.figures import ACTIVITIES, ACTORS

        broken = []
        for actor in ACTORS:
            for activity in ("inspection", "inspection_violation_signs"):
                if activity not in ACTIVITIES:
                    continue
                for subject in ("orgs", "members"):
                    base = f"oversight.{actor}.{activity}.{subject}"
                    chain = [f[base], f[f"{base}.violated"], f[f"{base}.discipline_required"], f[f"{base}.disciplined"]]
                    if any(later > earlier for earlier, later in zip(chain, chain[1:], strict=False)):
                        broken.append(f"{base}: " + " ≥ ".join(_fmt(v) for v in chain))
        checks.append(Check("oversight.funnels", not broken,
                            "Số vi phạm, phải kỷ luật, đã kỷ luật không vượt số được kiểm tra." if not broken else
                            "Không giảm dần: " + "; ".join(broken[:5]), "Phễu kiểm tra không tăng dần"))
        forms = sum(f[f"discipline.members.{k}"] for k in ("reprimand", "warning", "dismissal", "expulsion"))
        checks.append(Check("discipline.members.forms.sum", forms == f["discipline.members.total"],
                            f"Tổng các hình thức {_fmt(forms)}; tổng số {_fmt(f['discipline.members.total'])}.",
                            "Kỷ luật đảng viên theo hình thức cộng lại bằng tổng số"))
        org_forms = sum(f[f"discipline.orgs.{k}"] for k in ("reprimand", "warning", "dissolution"))
        checks.append(Check("discipline.orgs.forms.sum", org_forms == f["discipline.orgs.total"],
                            f"Tổng các hình thức {_fmt(org_forms)}; tổng số {_fmt(f['discipline.orgs.total'])}.",
                            "Kỷ luật tổ chức đảng theo hình thức cộng lại bằng tổng số"))
    return checks


# The report --------------------------------------------------------------------------------------

def compute(root: Organisation, date_from: date, date_to: date, as_of: datetime | None = None, *,
            confidential: bool = True, narrative: bool = True, compare: bool = True) -> Report:
    """Every figure for R, [date_from, date_to] and ``as_of`` (default: now); ``confidential`` adds the
    oversight and discipline figures (only for readers allowed by ``dangvu.oversight.access``)."""
    as_of = as_of or timezone.now()
    scope = LineageScope(root)
    problems: list[str] = []
    use_spells = ledger_is_current(as_of)
    populations = _membership(scope, date_from, date_to, as_of, use_spells, problems)
    populations.update(_organisations(scope, date_from, date_to, as_of))
    oversight = None
    if confidential:
        from dangvu.oversight.figures import oversight_figures

        oversight = oversight_figures(root, date_from, date_to, as_of)
    report = Report(root=root, date_from=date_from, date_to=date_to, as_of=as_of,
                    figures=count_figures(populations, oversight), populations=populations, checks=[],
                    confidential=confidential, method="spells" if use_spells else "replay")
    report.checks = run_checks(report, problems)
    if compare:
        length = (date_to - date_from).days + 1
        previous_to = date_from - timedelta(days=1)
        previous_from = previous_to - timedelta(days=length - 1)
        report.previous = (previous_from, previous_to)
        if Organisation.objects.filter(pk=root.pk, founded_on__lte=previous_to).exists():
            earlier = compute(root, previous_from, previous_to, as_of, confidential=confidential,
                              narrative=False, compare=False)
            report.comparison = earlier.figures
    if narrative:
        from dangvu.reports.narrative import narrative as write

        report.text = write(report)
    return report


def as_json(report: Report) -> dict:
    """The machine-readable form of REPORTS.md."""
    return {
        "organisation": {"code": report.root.code, "name": report.root.name},
        "period": {"from": report.date_from.isoformat(), "to": report.date_to.isoformat()},
        "as_of": timezone.localtime(report.as_of).isoformat(timespec="seconds"),
        "figures": {f.id: report.figures[f.id] for f in report.figure_defs()},
        "checks": [{"id": c.id, "ok": c.ok, "detail": c.detail} for c in report.checks],
        "text": report.text,
    }
