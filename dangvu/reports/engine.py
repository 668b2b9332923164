"""The report engine: every figure of the registry for a root R, a period [from, to] and an instant.

The engine builds *populations* of records (members in the stock on the day before ``from`` and on
``to``, the flows in and out of R's scope, admissions, recognitions, organisations, organisation events;
oversight and discipline rows come from ``dangvu.oversight.figures``) and counts each figure of
``dangvu.reports.figures.REGISTRY`` as the records of its population that match it. The drill-down of a
figure is those very records, so a figure and its list cannot disagree.

The two stock populations (``opening``, ``closing``: every member in scope on a day, tens of thousands)
are counted in SQL from the same definitions (``dangvu.reports.stock``) and their records are built only
when a drill-down or an export asks for them (``Populations``); the other populations are few records
built in Python.

Membership over time: ``MembershipSpell`` is the current derivation of the ledger. When the as-of
instant is at or after the last ledger write (recorded or voided), the spells are what was known then
and are read directly; otherwise the ledgers written after the instant are replayed in Python from the
events known at the instant (``dangvu.members.ledger.replay``) and every other member is read from the
spells (see ``_membership``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from dangvu.codes.data import AGE_BANDS
from dangvu.common.dates import age_in_years
from dangvu.common.sql import as_day, day_param, fetch, ids_sql, instant_param, table
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
from dangvu.organisations.models import BASE_TYPES, Organisation, OrganisationEvent, OrgEventKind
from dangvu.reports.figures import AGE_CODES, OCCUPATION_GROUPS, REGISTRY, FigureDef
from dangvu.reports.scope import LineageScope, currency
from dangvu.reports.stock import (
    STOCK_POPULATIONS,
    StockQuery,
    Tally,
    run_aside,
    shapes,
    worth_a_thread,
)
from dangvu.rules.engine import RuleViolation

ACTIVE = {str(s) for s in ACTIVE_STATUSES}
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
    populations: MutableMapping[str, list[Record]]
    checks: list[Check]
    confidential: bool
    method: str = "spells"
    text: str = ""
    comparison: dict[str, int | float] | None = None
    previous: tuple[date, date] | None = None
    # Set by dangvu.reports.periods.add_comparisons: names of the compared periods and the same period
    # one year earlier (cùng kỳ năm trước).
    previous_label: str = ""
    year_earlier: dict[str, int | float] | None = None
    year_earlier_period: tuple[date, date] | None = None
    year_earlier_label: str = ""

    def figure_defs(self) -> list[FigureDef]:
        return [f for f in REGISTRY.values() if self.confidential or not f.confidential]


class Populations(MutableMapping):
    """The populations of a report by name; a lazy one (the SQL-counted stock) is built on first access,
    and ``records_for`` can ask it for the records of one figure without building the rest."""

    def __init__(self, data: dict[str, list[Record]] | None = None,
                 lazy: dict[str, tuple[Callable[[tuple], list[Record]], list[Record]]] | None = None):
        self._data = dict(data or {})
        self._lazy = dict(lazy or {})  # name → (records matching a ``match`` tuple, records counted in Python)

    def __getitem__(self, name: str) -> list[Record]:
        if name not in self._data and name in self._lazy:
            self._data[name] = self._lazy.pop(name)[0](())
        return self._data[name]

    def __setitem__(self, name: str, records: list[Record]) -> None:
        self._lazy.pop(name, None)
        self._data[name] = records

    def __delitem__(self, name: str) -> None:
        self._lazy.pop(name, None)
        self._data.pop(name)

    def __iter__(self):
        yield from self._data
        yield from (name for name in self._lazy if name not in self._data)

    def __len__(self) -> int:
        return len(self._data) + len(self._lazy)

    def pending(self, name: str) -> bool:
        return name in self._lazy

    def matching(self, name: str, match: tuple) -> list[Record]:
        """The records of ``name`` whose attrs equal ``match``, built only for those."""
        if name in self._lazy:
            return self._lazy[name][0](match)
        return [r for r in self.get(name, []) if all(r.attrs.get(k) == v for k, v in match)]

    def in_python(self, name: str) -> list[Record]:
        """The records of ``name`` that exist as Python records without asking the database."""
        return self._lazy[name][1] if name in self._lazy else self.get(name, [])


# Members ---------------------------------------------------------------------------------------
#
# Three ways to know who belonged where (``compute`` picks one):
#   "spells"       the ledger had no write after as_of: MembershipSpell is what was known then;
#   "replay"       as_of is before the last write: the members whose ledger has a row recorded or voided
#                  after as_of are replayed from the events known at as_of, everybody else is read from
#                  MembershipSpell (their ledger as known then *is* their ledger now);
#   "full-replay"  every ledger that touches the scope is replayed (slow; to verify the two others).
# The stock (opening, closing) of the members read from spells is counted in SQL (``reports.stock``); the
# Python walk below runs only for the members whose scope or status may change inside the period (a spell
# boundary in the period, an organisation of theirs changing scope, an event in the period) and for the
# replayed ones.

ADMISSION_KINDS = (EventKind.ADMISSION, EventKind.READMISSION)
PROFILE_FIELDS = ("full_name", "gender", "ethnicity", "religion", "date_of_birth", "admitted_on")


@dataclass(slots=True)
class _Segment:
    start: date
    stop: date | None
    org_id: int | None
    status: str
    exempted: bool


def _chunks(ids):
    ids = sorted(ids)
    size = connection.features.max_query_params or 20_000
    size = min(size - 10, 20_000)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _known(queryset, as_of: datetime, *, current: bool):
    if current:
        return queryset.filter(voided_at__isnull=True)
    return queryset.filter(recorded_at__lte=as_of).exclude(voided_at__lte=as_of)


def _changed_after(as_of: datetime):
    """Ledger rows recorded or voided after ``as_of`` (their members' spells are not what was known then)."""
    return LedgerEvent.objects.filter(Q(recorded_at__gt=as_of) | Q(voided_at__gt=as_of))


EVENT_FIELDS = ("member_id", "kind", "effective_date", "organisation_id", "other_province", "decision_number", "id")


def _moving_fetch(scope: LineageScope, opening: date, date_from: date, date_to: date, as_of: datetime, *,
                  exclude_after: datetime | None) -> Callable[[], tuple[list, list, list]]:
    """Spell segments and window events of the members read from spells whose scope or status may change in
    (opening, date_to], or who have an event in the period; with their profiles (joined, no id lists).

    Hand-built statements (for a small scope, the ORM took longer to build them than the database to run
    them), built here and run aside (``stock.run_aside``: in a thread on PostgreSQL outside a transaction, else
    when asked); call the result for (spell rows, event rows, dated-value rows of the members admitted in the
    period)."""
    spells_t, events_t, members_t, values_t = (table(MembershipSpell), table(LedgerEvent), table(Member),
                                               table(MemberValue))
    opening_p, from_p, to_p = day_param(opening), day_param(date_from), day_param(date_to)
    statuses = sorted(ACTIVE)
    changed_params: list = []
    if exclude_after is not None:
        stamp = instant_param(exclude_after)
        changed_params = [stamp, stamp]

    def excluded(alias: str) -> str:
        # Members whose ledger changed after the instant: replayed in Python instead.
        if exclude_after is None:
            return ""
        return (f" AND {alias}.member_id NOT IN (SELECT x.member_id FROM {events_t} x "
                "WHERE x.recorded_at > %s OR x.voided_at > %s)")

    def overlapping(alias: str) -> tuple[str, list]:
        """Active spells at a candidate organisation overlapping (opening, date_to]."""
        sql = (f"{alias}.status IN ({', '.join(['%s'] * len(statuses))}) AND {alias}.valid_from <= %s "
               f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to > %s)")
        params = [*statuses, to_p, opening_p]
        if not scope.whole:
            candidates, candidate_params = scope.candidate_sql(f"{alias}.organisation_id")
            sql += f" AND {candidates}"
            params += candidate_params
        return sql + excluded(alias), params + changed_params

    window, window_params = "e.voided_at IS NULL AND e.effective_date >= %s AND e.effective_date <= %s", [from_p, to_p]
    if scope.whole:
        parts = [(window + excluded("e"), window_params + changed_params)]
    else:
        # Two queries rather than one with OR: each can use its index (an OR of subqueries cannot).
        spell_sql, spell_params = overlapping("o")
        candidates, candidate_params = scope.candidate_sql("e.organisation_id")
        parts = [(f"{window} AND e.member_id IN (SELECT o.member_id FROM {spells_t} o WHERE {spell_sql})"
                  + excluded("e"), [*window_params, *spell_params, *changed_params]),
                 (f"{window} AND {candidates} AND e.kind IN (%s, %s)" + excluded("e"),
                  [*window_params, *candidate_params, *ADMISSION_KINDS, *changed_params])]
    selected = [(f"ms.member_id IN (SELECT e.member_id FROM {events_t} e WHERE {sql})", params) for sql, params in parts]
    # A spell starting or ending in (opening, date_to]: both bounds given so that each side is an index range.
    spell_sql, spell_params = overlapping("o2")
    selected.append((f"ms.member_id IN (SELECT o2.member_id FROM {spells_t} o2 WHERE {spell_sql} AND "
                     "((o2.valid_from > %s AND o2.valid_from <= %s) OR (o2.valid_to > %s AND o2.valid_to <= %s)))",
                     [*spell_params, opening_p, to_p, opening_p, to_p]))
    changing = scope.changing(opening, date_to)
    if changing is None:
        selected = []  # R itself changes: every member of the candidates
    elif changing:
        spell_sql, spell_params = overlapping("o3")
        selected.append((f"ms.member_id IN (SELECT o3.member_id FROM {spells_t} o3 WHERE {spell_sql} "
                         f"AND {ids_sql('o3.organisation_id', changing)})", spell_params))
    spell_sql, spell_params = overlapping("ms")
    if selected:
        spell_sql += " AND (" + " OR ".join(sql for sql, _p in selected) + ")"
        spell_params += [param for _sql, params in selected for param in params]
    profile = ", ".join(f"m.{name}" for name in PROFILE_FIELDS)
    # Not sorted in SQL (ordering forces an index scan): sorted in Python.
    spell_statement = (f"SELECT ms.member_id, ms.valid_from, ms.valid_to, ms.organisation_id, ms.status, "
                       f"ms.is_exempted, {profile} FROM {spells_t} ms JOIN {members_t} m ON m.id = ms.member_id "
                       f"WHERE {spell_sql}", spell_params)
    # No profiles with the events: a member with a window event and no spell row here (rare: events elsewhere)
    # gets theirs from ``_membership``'s lookup of the profiles still missing; joining every event to its
    # member cost a scan of the members for the whole committee.
    event_statements = [(f"SELECT e.member_id, e.kind, e.effective_date, e.organisation_id, e.other_province, "
                         f"e.decision_number, e.id FROM {events_t} e WHERE {sql}", params) for sql, params in parts]
    # The dated values of the members admitted in the period at a candidate organisation.
    if exclude_after is None:
        known, known_params = "v.voided_at IS NULL", []
    else:
        known, known_params = "v.recorded_at <= %s AND (v.voided_at IS NULL OR v.voided_at > %s)", changed_params
    admitted_sql, admitted_params = "", []
    if not scope.whole:
        admitted_sql, admitted_params = scope.candidate_sql("a.organisation_id")
        admitted_sql = " AND " + admitted_sql
    value_statement = (f"SELECT v.member_id, v.attribute, v.valid_from, v.value, v.id FROM {values_t} v "
                       f"WHERE v.valid_from <= %s AND {known} AND v.member_id IN (SELECT a.member_id FROM {events_t} a "
                       f"WHERE a.kind IN (%s, %s) AND a.effective_date >= %s AND a.effective_date <= %s "
                       f"AND a.voided_at IS NULL{admitted_sql})",
                       [to_p, *known_params, *ADMISSION_KINDS, from_p, to_p, *admitted_params])
    profile_days = tuple(6 + i for i, name in enumerate(PROFILE_FIELDS) if name in ("date_of_birth", "admitted_on"))

    def run():
        spell_rows = fetch(*spell_statement, days=(1, 2, *profile_days), flags=(5,))
        event_rows = [row for statement in event_statements for row in fetch(*statement, days=(2,), flags=(4,))]
        return spell_rows, event_rows, fetch(*value_statement, days=(2,))

    return run_aside(run, worth_it=worth_a_thread(scope))


def _moving_rows(fetched: Callable[[], tuple[list, list, list]]):
    """(segments, window events, profiles, admitted members' dated values) from the rows of ``_moving_fetch``."""
    spell_rows, event_rows, value_rows = fetched()
    profiles: dict[int, dict] = {}
    segments: dict[int, list[_Segment]] = defaultdict(list)
    for row in sorted(spell_rows, key=itemgetter(0, 1)):  # (member, valid_from, valid_to, org, status, exempted, *profile)
        member_id = row[0]
        segs = segments.get(member_id)
        if segs is None:
            segs = segments[member_id] = []
            profiles[member_id] = dict(zip(PROFILE_FIELDS, row[6:], strict=True))
        segs.append(_Segment(row[1], row[2], row[3], row[4], row[5]))
    window: dict[int, list[tuple]] = defaultdict(list)
    rows = {row[6]: row for row in event_rows}
    for row in sorted(rows.values(), key=itemgetter(0, 2, 6)):
        member_id = row[0]
        events = window.get(member_id)
        if events is None:
            events = window[member_id] = []
        events.append(row)
    return segments, window, profiles, value_rows


def _replayed(scope: LineageScope, date_from: date, date_to: date, as_of: datetime, problems: list[str], *,
              changed_only: bool):
    """Segments and window events for every member whose ledger touches the candidate organisations (only
    those whose ledger changed after ``as_of`` when ``changed_only``), replayed from the events known then."""
    touching = LedgerEvent.objects.filter(recorded_at__lte=as_of)
    candidates = scope.candidate_q("organisation_id")
    if candidates is not None:
        touching = touching.filter(candidates | scope.candidate_q("from_organisation_id"))
    if changed_only:
        touching = touching.filter(member_id__in=_changed_after(as_of).values("member_id"))
    all_events: dict[int, list[LedgerEvent]] = defaultdict(list)
    for event in _known(LedgerEvent.objects.filter(member_id__in=touching.values("member_id")), as_of,
                        current=False).only(
            "id", "member_id", "kind", "effective_date", "organisation_id", "ceremony_date", "decision_date",
            "external_place", "details", "other_province", "decision_number").order_by("member_id", "effective_date",
                                                                                      "id"):
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


VALUE_FIELDS = ("member_id", "attribute", "valid_from", "value", "id")


def _values(member_ids, date_to: date, as_of: datetime, *, current: bool, rows: list[tuple] | None = None):
    """member → attribute → [(valid_from, value)] known at ``as_of``, for ``member_ids``, with ``rows`` (rows of
    ``VALUE_FIELDS`` fetched ahead by ``_moving_fetch``)."""
    values: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    query = _known(MemberValue.objects.filter(valid_from__lte=date_to), as_of, current=current)
    rows = list(rows or [])
    for chunk in _chunks(set(member_ids)):
        rows += list(query.filter(member_id__in=chunk).values_list(*VALUE_FIELDS).order_by())
    for member_id, attribute, valid_from, value, _pk in sorted(set(rows), key=lambda r: (r[0], r[1], r[2], r[4])):
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


# occupation code → its group (the first group listing it, as ``stock._occupation_group``'s CASE).
_OCCUPATION_GROUP: dict[str, str] = {}
for _group, (_label, _codes) in OCCUPATION_GROUPS.items():
    for _code in _codes:
        _OCCUPATION_GROUP.setdefault(_code, _group)


def _person_attrs(profile: dict, history: dict, day: date) -> dict:
    """The attributes of a member on ``day`` (``reports.stock.ATTRIBUTES`` gives the same ones in SQL)."""
    occupation = _value_on(history, "occupation", day) or "unknown"
    age = age_in_years(profile["date_of_birth"], day) if profile.get("date_of_birth") else None
    ethnicity = profile.get("ethnicity") or "unknown"
    religion = profile.get("religion") or "unknown"
    return {
        "gender": profile.get("gender"), "ethnicity": ethnicity, "religion": religion,
        "ethnic_minority": ethnicity not in ("kinh", "unknown"), "religious": religion not in ("none", "unknown"),
        "occupation": occupation,
        "occupation_group": _OCCUPATION_GROUP.get(occupation),
        "general_education": _value_on(history, "general_education", day) or "unknown",
        "professional": _value_on(history, "professional", day) or "unknown",
        "academic_title": _value_on(history, "academic_title", day) or "unknown",
        "political_theory": _value_on(history, "political_theory", day) or "unknown",
        "business_owner": bool(_value_on(history, "is_business_owner", day, False)),
        "youth_union": bool(_value_on(history, "is_youth_union_member", day, False)),
        "foreign_spouse": bool(_value_on(history, "has_foreign_spouse", day, False)),
        "age": age, "age_band": _age_band(age),
    }


@dataclass
class _Walk:
    opening: _Segment | None
    closing: _Segment | None
    flows: list  # (day, flow, event, segment)
    recognitions: list  # (day, event, segment)
    admissions: list  # events


def _inside_throughout(segs: list[_Segment], fixed: dict[int, bool], opening: date, date_to: date) -> bool:
    """Active spells, back to back, covering [opening, date_to], each at an organisation inside R on every
    day of it (``fixed``): the member is in R's stock on every day of the period."""
    if not segs or segs[0].start > opening or (segs[-1].stop is not None and segs[-1].stop <= date_to):
        return False
    for previous, following in zip(segs, segs[1:], strict=False):
        if previous.stop != following.start:
            return False
    return all(seg.status in ACTIVE and fixed.get(seg.org_id) is True for seg in segs)


def _admitted_inside(segs: list[_Segment], events: list[tuple], fixed: dict[int, bool], date_to: date) -> tuple | None:
    """The admission event when the member's window events are one admission (or readmission) and
    recognitions, the admission is at an organisation inside R on every day of the period (``fixed``), and
    their active spells start that day and run back to back past ``date_to`` at organisations inside R on
    every day (``fixed``); else None."""
    admission = None
    for event in events:
        if event[1] in ADMISSION_KINDS:
            if admission is not None:
                return None
            admission = event
        elif event[1] != EventKind.RECOGNITION:
            return None
    if admission is None or fixed.get(admission[3]) is not True or not segs or segs[0].start != admission[2]:
        return None
    if segs[-1].stop is not None and segs[-1].stop <= date_to:
        return None
    for previous, following in zip(segs, segs[1:], strict=False):
        if previous.stop != following.start:
            return None
    if not all(seg.status in ACTIVE and fixed.get(seg.org_id) is True for seg in segs):
        return None
    return admission


def _walk(segs: list[_Segment], events: list[tuple], scope: LineageScope, opening: date, date_to: date,
          fixed: dict[int, bool] | None = None) -> _Walk:
    """One member through the period: in scope at the start and the end, and every crossing of the scope.

    ``fixed``: organisation → whether it is inside R on every day of [opening, date_to] (those whose scope
    does not change in the period, ``LineageScope.fixed_in``); the others are asked day by day."""
    if fixed is None:
        fixed = scope.fixed_in(opening, date_to)
    candidates = scope.candidates

    def contains(org_id, day) -> bool:
        known = fixed.get(org_id)
        if known is not None:
            return known
        return org_id in candidates and scope.contains(org_id, day)

    by_day: dict[date, list[tuple]] = defaultdict(list)
    admissions = []
    for event in events:
        by_day[event[2]].append(event)
        if event[1] in ADMISSION_KINDS and contains(event[3], event[2]):
            admissions.append(event)

    def inside(day: date) -> _Segment | None:
        for seg in segs:
            if seg.start <= day and (seg.stop is None or day < seg.stop):
                return seg if seg.status in ACTIVE and contains(seg.org_id, day) else None
        return None

    days = {opening, date_to, *by_day}
    boundaries: set[date] = set()
    org_days: set[date] = set()
    for seg in segs:
        boundaries.add(seg.start)
        if seg.stop:
            boundaries.add(seg.stop)
        if seg.org_id not in fixed:
            org_days.update(d for d in scope.change_days(seg.org_id) if opening < d <= date_to)
    days.update(org_days)
    days.update(d for d in boundaries if opening < d <= date_to)
    previous = first = inside(opening)
    flows, recognitions = [], []
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
            flows.append((day, flow, event, current or previous))
        if current is not None:
            for event in by_day.get(day, []):
                if event[1] == EventKind.RECOGNITION:
                    recognitions.append((day, event, current))
        previous = current
    return _Walk(first, inside(date_to), flows, recognitions, admissions)


@dataclass
class _Membership:
    populations: dict[str, list[Record]]
    stock: StockQuery | None  # the SQL side of the stock (None: every member went through Python)
    extra: dict[str, list[Record]]  # the stock members counted in Python (replayed), by population
    days: dict[str, date]


def _membership(scope: LineageScope, date_from: date, date_to: date, as_of: datetime, mode: str,
                problems: list[str], stock: StockQuery | None = None,
                moving: Callable[[], tuple[list, list, list]] | None = None) -> _Membership:
    opening = date_from - timedelta(days=1)
    current = mode == "spells"
    replayed_segments: dict[int, list[_Segment]] = {}
    replayed_window: dict[int, list[tuple]] = {}
    if mode != "spells":
        replayed_segments, replayed_window = _replayed(scope, date_from, date_to, as_of, problems,
                                                       changed_only=mode == "replay")
    segments: dict[int, list[_Segment]] = {}
    window: dict[int, list[tuple]] = {}
    profiles: dict[int, dict] = {}
    admitted_values = None
    if mode != "full-replay":
        segments, window, profiles, admitted_values = _moving_rows(moving or _moving_fetch(
            scope, opening, date_from, date_to, as_of, exclude_after=as_of if mode == "replay" else None))

    populations: dict[str, list[Record]] = {k: [] for k in ("flows", "admissions", "recognitions", "admitting")}
    stock_segments: dict[str, dict[int, _Segment]] = {"opening": {}, "closing": {}}
    admissions: list[tuple[int, tuple]] = []
    flows: list[tuple[int, date, str, tuple | None, _Segment | None]] = []
    recognitions: list[tuple[int, date, tuple, _Segment]] = []
    fixed = scope.fixed_in(opening, date_to)
    for source_segments, source_window, in_python in ((segments, window, False),
                                                      (replayed_segments, replayed_window, True)):
        for member_id in set(source_segments) | set(source_window):
            segs, events = source_segments.get(member_id, []), source_window.get(member_id, [])
            if not in_python and all(e[1] == EventKind.RECOGNITION for e in events) and _inside_throughout(
                    segs, fixed, opening, date_to):
                # Inside R on every day and only recognitions (most of a year's movers): what the walk
                # would find, without walking — no crossing, a recognition record per event.
                recognitions += [(member_id, e[2], e, _segment_on(segs, e[2])) for e in events]
                continue
            admission = None if in_python else _admitted_inside(segs, events, fixed, date_to)
            if admission is not None:
                # Admitted in the period at an organisation inside R throughout, inside R from that day to the
                # end, otherwise only recognitions (most of a year's admissions): what the walk would find —
                # the admission, a gain on that day that is the admission itself (not a flow record), a
                # recognition record per recognition from that day.
                admissions.append((member_id, admission))
                recognitions += [(member_id, e[2], e, _segment_on(segs, e[2])) for e in events
                                 if e[1] == EventKind.RECOGNITION and e[2] >= admission[2]]
                continue
            walk = _walk(source_segments.get(member_id, []), source_window.get(member_id, []), scope, opening,
                         date_to, fixed)
            admissions += [(member_id, event) for event in walk.admissions]
            flows += [(member_id, *flow) for flow in walk.flows]
            recognitions += [(member_id, *recognition) for recognition in walk.recognitions]
            if in_python:
                if walk.opening is not None:
                    stock_segments["opening"][member_id] = walk.opening
                if walk.closing is not None:
                    stock_segments["closing"][member_id] = walk.closing

    python_stock = set(stock_segments["opening"]) | set(stock_segments["closing"])
    needed = python_stock | {m for m, _e in admissions} | {f[0] for f in flows} | {r[0] for r in recognitions}
    for chunk in _chunks(needed - set(profiles)):
        for row in Member.objects.filter(pk__in=chunk).values("pk", *PROFILE_FIELDS):
            profiles[row.pop("pk")] = row
    # The admitted members' values came with the moving members' rows (``_moving_fetch``), but for those replayed.
    fetched_admitted = bool(admissions) and mode != "full-replay"
    replayed_admitted = {m for m, _e in admissions if m in replayed_segments or m in replayed_window}
    histories = _values(set(stock_segments["closing"]) | (replayed_admitted if fetched_admitted
                                                          else {m for m, _e in admissions}),
                        date_to, as_of, current=current, rows=admitted_values if fetched_admitted else None)
    first_admitted = _first_admissions(set(stock_segments["closing"]), as_of, current=current)

    extra: dict[str, list[Record]] = {"opening": [], "closing": []}
    for member_id, seg in stock_segments["opening"].items():
        extra["opening"].append(_member_record(member_id, seg, opening, "Đầu kỳ", scope, profiles.get(member_id)))
    for member_id, seg in stock_segments["closing"].items():
        profile = profiles.get(member_id, {})
        attrs = _person_attrs(profile, histories.get(member_id, {}), date_to)
        attrs.update(status=seg.status, exempted=seg.exempted,
                     joined=_join_era(first_admitted.get(member_id) or profile.get("admitted_on")))
        record = _member_record(member_id, seg, date_to, "Cuối kỳ", scope, profile)
        record.attrs = attrs
        extra["closing"].append(record)
    for member_id, day, event, seg in recognitions:
        populations["recognitions"].append(Record(
            "member", f"m{member_id}", profiles.get(member_id, {}).get("full_name", ""), day, scope.name(seg.org_id),
            f"Công nhận đảng viên chính thức – {event[5]}", {}, member_id, seg.org_id))
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
    for records in (*populations.values(), *extra.values()):
        records.sort(key=_record_order)
    if mode != "full-replay":
        stock = stock or StockQuery(scope, as_of, current=current, exclude_changed_after=mode == "replay")
    else:
        stock = None
        populations.update(extra)
        extra = {"opening": [], "closing": []}
    return _Membership(populations, stock, extra, {"opening": opening, "closing": date_to})


def _record_order(record: Record):
    return (record.day or date.min, record.label, record.key)


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
    root_path = scope.path_on(scope.root.pk, date_to)
    for org_id in sorted(scope.candidates):
        spell = scope.spell(org_id, date_to)
        # ``scope.strictly_inside(org_id, date_to)``, with R's path looked up once.
        if spell is None or not (root_path and spell[2].startswith(root_path)):
            continue
        org_type = spell[3]
        closing.append(Record("organisation", f"o{org_id}", spell[4], date_to, spell[4], "Đang hoạt động cuối kỳ",
                              {"org_type": org_type, "is_base": org_type in BASE_TYPES}, None, org_id))
    stamp = instant_param(as_of)
    events = fetch(f"SELECT organisation_id, kind, effective_date, decision_number FROM {table(OrganisationEvent)} "
                   f"WHERE kind IN (%s, %s, %s) AND effective_date >= %s AND effective_date <= %s "
                   f"AND recorded_at <= %s AND (voided_at IS NULL OR voided_at > %s) ORDER BY effective_date, id",
                   [OrgEventKind.FOUNDING, OrgEventKind.DISSOLUTION, OrgEventKind.MERGER, day_param(date_from),
                    day_param(date_to), stamp, stamp])
    changes = []
    labels = {"founding": "Thành lập", "dissolution": "Giải thể", "merger": "Sáp nhập"}
    for org_id, kind, day, number in events:
        if org_id not in scope.candidates:
            continue
        day = as_day(day)
        probe = day if kind == "founding" else day - timedelta(days=1)
        if not scope.strictly_inside(org_id, probe):
            continue
        changes.append(Record("organisation", f"o{org_id}", scope.name(org_id), day, scope.name(org_id),
                              f"{labels[kind]} – {number}", {"event": kind}, None, org_id))
    return {"orgs_closing": closing, "org_events": changes}


# Counting --------------------------------------------------------------------------------------

def _matches(record: Record, figure: FigureDef) -> bool:
    return all(record.attrs.get(name) == value for name, value in figure.match)


def tally(name: str, records: list[Record]) -> Tally:
    """Count ``records`` the way the registry asks of population ``name``."""
    counts, means = shapes(name)
    return Tally().add_records(records, counts, means)


def count_figures(populations: MutableMapping[str, list[Record]], oversight: dict[str, int] | None,
                  tallies: dict[str, Tally] | None = None) -> dict[str, int | float]:
    """Every figure of the registry: from ``tallies`` for the populations counted in SQL, else by counting
    the population's records."""
    tallies = dict(tallies or {})
    figures: dict[str, int | float] = {}
    for figure in REGISTRY.values():
        if figure.population == "oversight":
            if oversight is not None:
                figures[figure.id] = oversight.get(figure.id, 0)
            continue
        counted = tallies.get(figure.population)
        if counted is None:
            counted = tallies[figure.population] = tally(figure.population, populations.get(figure.population, []))
        keys = tuple(name for name, _v in figure.match)
        values = tuple(value for _n, value in figure.match)
        if figure.kind == "mean":
            figures[figure.id] = counted.mean(keys, values, figure.value)
        else:
            figures[figure.id] = counted.count(keys, values)
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
    populations = report.populations
    if isinstance(populations, Populations):
        return populations.matching(figure.population, figure.match)
    return [r for r in populations.get(figure.population, []) if _matches(r, figure)]


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
    # Members counted in SQL are in scope through their organisation; only Python records can lack one.
    populations = report.populations
    closing = (populations.in_python("closing") if isinstance(populations, Populations)
               else populations.get("closing", []))
    outside = [r for r in closing if r.organisation_id is None]
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
            confidential: bool = True, narrative: bool = True, compare: bool = True,
            method: str | None = None) -> Report:
    """Every figure for R, [date_from, date_to] and ``as_of`` (default: now); ``confidential`` adds the
    oversight and discipline figures (only for readers allowed by ``dangvu.oversight.access``).

    ``method`` is chosen from ``as_of`` (see ``_membership``); ``"full-replay"`` replays every ledger
    (slow: for verification)."""
    as_of = as_of or timezone.now()
    tree_current, ledger_current = currency(as_of)
    scope = LineageScope(root, as_of, tree_current=tree_current)
    problems: list[str] = []
    if method is None:
        method = "spells" if ledger_current else "replay"
    assert method in ("spells", "replay", "full-replay"), method
    stock = counted_stock = moving = None
    if method != "full-replay":
        # Started first: on PostgreSQL outside a transaction the stock statements and the moving members'
        # queries run in threads (``stock.run_aside``) while the organisation and oversight figures are
        # counted here; elsewhere they run when their results are asked for.
        stock = StockQuery(scope, as_of, current=method == "spells", exclude_changed_after=method == "replay")
        counted_stock = stock.tallies({"opening": date_from - timedelta(days=1), "closing": date_to})
        moving = _moving_fetch(scope, date_from - timedelta(days=1), date_from, date_to, as_of,
                               exclude_after=as_of if method == "replay" else None)
    organisations = _organisations(scope, date_from, date_to, as_of)
    oversight = None
    if confidential:
        from dangvu.oversight.figures import oversight_figures

        oversight = oversight_figures(root, date_from, date_to, as_of, scope=scope)
    membership = _membership(scope, date_from, date_to, as_of, method, problems, stock=stock, moving=moving)
    data = dict(membership.populations)
    data.update(organisations)
    tallies: dict[str, Tally] = {}
    lazy = {}
    if membership.stock is not None:
        stock_tallies = counted_stock()
        for name in STOCK_POPULATIONS:
            day = membership.days[name]
            extra = membership.extra[name]
            counted = stock_tallies[name]
            python = tally(name, extra)
            for keys, counter in python.counts.items():
                counted.counts[keys].update(counter)
            for key, sums in python.sums.items():
                for values, (total, n) in sums.items():
                    entry = counted.sums[key][values]
                    entry[0] += total
                    entry[1] += n
            tallies[name] = counted
            lazy[name] = (_stock_loader(membership.stock, scope, name, day, extra), extra)
    populations = Populations(data, lazy)
    report = Report(root=root, date_from=date_from, date_to=date_to, as_of=as_of,
                    figures=count_figures(populations, oversight, tallies), populations=populations, checks=[],
                    confidential=confidential, method=method)
    report.checks = run_checks(report, problems)
    if compare:
        # The previous period of the same kind and the same period a year earlier (REPORTS.md "Comparisons").
        from dangvu.reports.periods import add_comparisons

        add_comparisons(report, method=None if method != "full-replay" else method)
    if narrative:
        from dangvu.reports.narrative import narrative as write

        report.text = write(report)
    return report


def _stock_loader(stock: StockQuery, scope: LineageScope, name: str, day: date, extra: list[Record]):
    """The records of stock population ``name`` matching a ``match`` tuple: from SQL plus the Python ones."""
    description = "Đầu kỳ" if name == "opening" else "Cuối kỳ"

    def load(match: tuple) -> list[Record]:
        records = [Record("member", f"m{member_id}", label, day, scope.name(org_id), description, attrs, member_id,
                          org_id) for member_id, org_id, label, attrs in stock.rows(name, day, match)]
        records += [r for r in extra if all(r.attrs.get(k) == v for k, v in match)]
        records.sort(key=_record_order)
        return records

    return load


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
