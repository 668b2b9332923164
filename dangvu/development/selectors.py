"""Reads of the member-development workflow: candidate lists, the deadlines page, the funnel, targets
and the admission figures of REPORTS.md (admissions.*, members.recognized_official,
members.probation_removed) for any subtree and period."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet

from dangvu.access.policies import members_for, organisations_for, scope_for
from dangvu.codes.data import AGE_BANDS, LISTS
from dangvu.common.dates import add_months, age_in_years
from dangvu.common.text import search_key
from dangvu.development.access import candidates_for
from dangvu.development.models import AdmissionTarget, Candidate, CandidateStep, Stage, StepKind
from dangvu.development.services import ceremony_deadline, probation_end, stage_of
from dangvu.members.ledger import replay
from dangvu.members.models import EventKind, LedgerEvent, Member, MemberStatus
from dangvu.members.selectors import events_known_at, member_values_on
from dangvu.organisations.models import BASE_TYPES, HostUnit, Organisation, OrganisationSpell, OrgType
from dangvu.rules.engine import param
from dangvu.workdays.services import add_working_days

# Candidates ------------------------------------------------------------------------------------


def candidate_list(*, user, organisation: Organisation | None = None, stage: str = "",
                   query: str = "") -> QuerySet[Candidate]:
    candidates = candidates_for(user, for_write=False)
    if organisation is not None:
        candidates = candidates.filter(organisation__path__startswith=organisation.path)
    if stage:
        candidates = candidates.filter(stage=stage)
    if query:
        candidates = candidates.filter(search_name__contains=search_key(query))
    return candidates.select_related("organisation", "helper", "host_unit").order_by("sort_key", "id")


def candidate_steps(candidate: Candidate) -> list[CandidateStep]:
    return list(candidate.steps.select_related("recorded_by").order_by("day", "id"))


def official_members_for_choice(user) -> QuerySet[Member]:
    """Official members the user may see: introducers and helpers are chosen among them."""
    return members_for(user, for_write=False).filter(status=MemberStatus.OFFICIAL).order_by("sort_key", "id")


def former_members_for_choice(user) -> QuerySet[Member]:
    return members_for(user, for_write=False).filter(status__in=(
        MemberStatus.REMOVED, MemberStatus.PROBATION_REMOVED, MemberStatus.RESIGNED, MemberStatus.EXPELLED,
    )).order_by("sort_key", "id")


# Deadlines -------------------------------------------------------------------------------------

@dataclass
class Deadline:
    kind: str
    label: str
    name: str
    organisation: str
    due: date
    detail: str
    candidate_id: int | None = None
    member_id: int | None = None
    overdue: bool = False
    days_left: int = 0


def deadlines(*, user, today: date) -> list[Deadline]:
    """Everything due in the user's subtree, most urgent first."""
    items: list[Deadline] = []
    candidates = (candidates_for(user, for_write=False).exclude(stage__in=(Stage.OFFICIAL, Stage.PROBATION_REMOVED))
                  .select_related("organisation").prefetch_related("steps"))
    cert_months = param("ADM-04", "valid_months", today)
    for candidate in candidates:
        steps = sorted(candidate.steps.all(), key=lambda s: (s.day, s.id))
        kinds = {s.kind: s for s in steps if s.outcome != "failed"}
        base = {"name": candidate.full_name, "organisation": candidate.organisation.name,
                "candidate_id": candidate.pk}
        course = kinds.get(StepKind.COURSE)
        if course and StepKind.CELL_RESOLUTION not in kinds:
            expires = add_months(course.day, cert_months)
            if expires <= today + timedelta(days=60):
                items.append(Deadline(kind="certificate", label="Giấy chứng nhận học lớp sắp hết hạn", due=expires,
                                      detail=f"Cấp ngày {course.day:%d/%m/%Y}, có giá trị {cert_months} tháng.",
                                      **base))
        resolution = kinds.get(StepKind.CELL_RESOLUTION)
        if resolution and StepKind.DECISION not in kinds:
            due = add_working_days(resolution.day, param("ADM-12", "working_days", resolution.day))
            items.append(Deadline(kind="decision", label="Hồ sơ chờ quyết định kết nạp", due=due,
                                  detail=f"Chi bộ đề nghị ngày {resolution.day:%d/%m/%Y}; hạn 60 ngày làm việc.",
                                  **base))
        decision = kinds.get(StepKind.DECISION)
        if decision and StepKind.CEREMONY not in kinds:
            due, counts_from = ceremony_deadline(decision, today)
            start = "nhận" if counts_from == "receipt" else "ban hành"
            items.append(Deadline(kind="ceremony", label="Lễ kết nạp phải tổ chức", due=due,
                                  detail=f"Quyết định {decision.document_number} ngày {decision.day:%d/%m/%Y}; "
                                         f"30 ngày làm việc từ ngày {start} quyết định.", **base))
        if candidate.stage in (Stage.SOURCE, Stage.COURSE_DONE, Stage.FILE, Stage.PROPOSED):
            last = max([candidate.listed_on, *[s.day for s in steps]])
            stale = add_months(last, 6)
            if stale <= today:
                items.append(Deadline(kind="stalled", label="Không có tiến triển trong 6 tháng", due=stale,
                                      detail=f"Bước gần nhất ngày {last:%d/%m/%Y}.", **base))
    # Probationary members of the subtree (whether or not they came through this workflow).
    probationary = (members_for(user, for_write=False).filter(status=MemberStatus.PROBATIONARY)
                    .select_related("organisation"))
    candidacy = dict(candidates_for(user, for_write=False).filter(member__in=probationary)
                     .values_list("member_id", "pk"))
    for member in probationary:
        state = replay(events_known_at(member)).state_on(today)
        start = state.ceremony_on or state.admitted_on
        if start is None:
            continue
        end = probation_end(start)
        review_by = add_working_days(end, param("PROB-02", "working_days", end))
        if end <= today + timedelta(days=30):
            overdue = today > end
            items.append(Deadline(
                kind="probation", label="Quá hạn xét công nhận chính thức" if today > review_by else (
                    "Đã hết 12 tháng dự bị, chờ xét công nhận" if overdue else "Sắp hết 12 tháng dự bị"),
                name=member.full_name, organisation=member.organisation.name if member.organisation else "",
                due=end if not overdue else review_by, member_id=member.pk,
                detail=f"Lễ kết nạp ngày {start:%d/%m/%Y}; hết dự bị ngày {end:%d/%m/%Y}; chi bộ xét chậm nhất "
                       f"ngày {review_by:%d/%m/%Y}.",
                candidate_id=candidacy.get(member.pk)))
    for item in items:
        item.days_left = (item.due - today).days
        item.overdue = item.due < today
    items.sort(key=lambda d: (d.due, d.name))
    return items


# Funnel ----------------------------------------------------------------------------------------

FUNNEL = (("listed", "Trong danh sách nguồn"), ("course", "Đã học lớp nhận thức"),
          ("file", "Đang làm hồ sơ"), ("admitted", "Đã kết nạp"), ("official", "Đã chính thức"))


def _reached(candidate: Candidate, steps: list[CandidateStep], day: date) -> set[str]:
    kinds = {s.kind for s in steps if s.day <= day and s.outcome != "failed"}
    reached = set()
    if candidate.listed_on <= day:
        reached.add("listed")
    if StepKind.COURSE in kinds:
        reached.add("course")
    if kinds & {StepKind.APPLICATION, StepKind.BACKGROUND, StepKind.VERIFICATION, StepKind.INTRODUCERS,
                StepKind.COMMENTS, StepKind.CELL_RESOLUTION, StepKind.BASE_RESOLUTION, StepKind.DECISION}:
        reached.add("file")
    if StepKind.DECISION in kinds:
        reached.add("admitted")
    if StepKind.RECOGNITION in kinds:
        reached.add("official")
    return reached


@dataclass
class FunnelRow:
    key: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((k for k, _ in FUNNEL), 0))
    workers: int | None = None
    has_party_org: bool = True


def funnel(*, user, root: Organisation | None, day: date) -> dict[str, list[FunnelRow]]:
    """Funnel counts on ``day`` (each stage reached by then), by organisation and by host unit."""
    candidates = candidates_for(user, for_write=False).select_related("organisation", "host_unit")
    if root is not None:
        candidates = candidates.filter(organisation__path__startswith=root.path)
    candidates = candidates.prefetch_related("steps")
    visible = organisations_for(user, for_write=False)
    if root is not None:
        groups = list(visible.filter(parent=root).order_by("path")) or [root]
    else:
        groups = [o for o in visible.order_by("path") if o.parent_id is None or not visible.filter(
            pk=o.parent_id).exists()]
    by_org = {g.pk: FunnelRow(key=str(g.pk), name=g.name) for g in groups}
    own = FunnelRow(key="own", name=f"{root.name} (trực tiếp)") if root is not None else None
    by_unit: dict[str, FunnelRow] = {}
    total = FunnelRow(key="total", name="Tổng cộng")
    for candidate in candidates:
        if candidate.listed_on > day:
            continue
        reached = _reached(candidate, list(candidate.steps.all()), day)
        group = next((by_org[g.pk] for g in groups if candidate.organisation.path.startswith(g.path)), own)
        unit = candidate.host_unit
        unit_row = by_unit.setdefault(str(unit.pk) if unit else "", FunnelRow(
            key=str(unit.pk) if unit else "", name=unit.name if unit else "Chưa ghi đơn vị",
            workers=unit.workers if unit else None))
        for row in (group, unit_row, total):
            if row is None:
                continue
            for key in reached:
                row.counts[key] += 1
    org_rows = list(by_org.values()) + ([own] if own and own.counts["listed"] else [])
    return {"organisations": org_rows, "host_units": sorted(by_unit.values(), key=lambda r: r.name),
            "total": [total]}


def enterprises_without_party_organisation(*, user) -> list[HostUnit]:
    """Host units with workers and no open party organisation (doanh nghiệp chưa có tổ chức đảng).

    Host units carry no scope of their own: the list is shown to users who see a whole tree (a root)."""
    scope = scope_for(user)
    if not scope.superuser and not organisations_for(user, for_write=False).filter(parent__isnull=True).exists():
        return []
    units = HostUnit.objects.filter(workers__gt=0).exclude(organisations__ended_on__isnull=True)
    return list(units.order_by("name"))


# Targets ---------------------------------------------------------------------------------------

@dataclass
class TargetRow:
    target: AdmissionTarget
    period: str
    date_from: date
    date_to: date
    achieved: int
    percent: float | None


def target_rows(*, user, year: int | None = None) -> list[TargetRow]:
    visible = organisations_for(user, for_write=False)
    targets = AdmissionTarget.objects.filter(organisation__in=visible).select_related("organisation", "term")
    if year is not None:
        targets = targets.filter(year=year) | AdmissionTarget.objects.filter(
            organisation__in=visible, term__isnull=False).select_related("organisation", "term")
    rows = []
    for target in targets.order_by("organisation__path", "year", "term__starts_on"):
        if target.year:
            start, end, period = date(target.year, 1, 1), date(target.year, 12, 31), f"Năm {target.year}"
        else:
            term = target.term
            start, end = term.starts_on, term.ends_on or date(term.starts_on.year + 5, 12, 31)
            period = f"Nhiệm kỳ {term.label}"
        achieved = admission_figures(root=target.organisation, date_from=start, date_to=end)["admissions.total"]
        percent = round(achieved * 100 / target.target, 1) if target.target else None
        rows.append(TargetRow(target=target, period=period, date_from=start, date_to=end, achieved=achieved,
                              percent=percent))
    return rows


# Admission figures (REPORTS.md) ----------------------------------------------------------------

def _spells_by_org(org_ids) -> dict[int, list[OrganisationSpell]]:
    spells: dict[int, list[OrganisationSpell]] = defaultdict(list)
    for spell in OrganisationSpell.objects.filter(organisation_id__in=set(org_ids)):
        spells[spell.organisation_id].append(spell)
    return spells


def _spell_on(spells: list[OrganisationSpell], day: date) -> OrganisationSpell | None:
    for spell in spells:
        if spell.valid_from <= day and (spell.valid_to is None or day < spell.valid_to):
            return spell
    return None


class _Scope:
    """Whether an organisation was in the root's subtree on a day; a predecessor merged into the
    subtree counts for its successor (REPORTS.md counting conventions)."""

    def __init__(self, root: Organisation):
        self.root = root
        self.cache: dict[tuple[int, date], bool] = {}
        self.all_spells = _spells_by_org(OrganisationSpell.objects.values_list("organisation_id", flat=True))
        self.orgs = {o.pk: o for o in Organisation.objects.all()}

    def _path_on(self, org_id: int, day: date) -> str | None:
        spell = _spell_on(self.all_spells.get(org_id, []), day)
        return spell.path if spell else None

    def contains(self, org_id: int, day: date, depth: int = 0) -> bool:
        key = (org_id, day)
        if key in self.cache:
            return self.cache[key]
        root_path = self._path_on(self.root.pk, day)
        path = self._path_on(org_id, day)
        inside = bool(root_path and path and path.startswith(root_path))
        org = self.orgs.get(org_id)
        if not inside and depth < 10 and org is not None and org.successor_id and org.ended_on and org.ended_on > day:
            inside = self.contains(org.successor_id, org.ended_on, depth + 1)
        self.cache[key] = inside
        return inside

    def base_org_on(self, org_id: int, day: date) -> tuple[int, str] | None:
        path = self._path_on(org_id, day)
        if not path:
            return None
        for part in path.strip(".").split("."):
            pk = int(part)
            spell = _spell_on(self.all_spells.get(pk, []), day)
            if spell and spell.org_type in BASE_TYPES:
                return pk, spell.org_type
        return None


def _age_band(age: int) -> str:
    for code, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return "unknown"


def admission_figures(*, root: Organisation, date_from: date, date_to: date,
                      as_of: datetime | None = None) -> dict[str, float | int]:
    """admissions.* (by decision date, readmissions included), members.recognized_official and
    members.probation_removed for ``root``'s subtree over [date_from, date_to], as known at ``as_of``."""
    scope = _Scope(root)
    figures: Counter = Counter()
    for key in ("admissions.total", "admissions.readmitted", "admissions.business_owner", "admissions.female",
                "admissions.ethnic_minority", "admissions.religious", "admissions.youth_union",
                "admissions.foreign_spouse", "admissions.base_orgs_admitting",
                "orgs.base_party_committees.admitting", "orgs.base_cells.admitting",
                "members.recognized_official", "members.probation_removed"):
        figures[key] = 0
    for name in ("occupation", "general_education", "professional", "ethnicity", "religion"):
        for code, _label in LISTS[name]:
            figures[f"admissions.{name}.{code}"] = 0
    for code, *_ in AGE_BANDS:
        figures[f"admissions.age.{code}"] = 0
    kinds = (EventKind.ADMISSION, EventKind.READMISSION, EventKind.RECOGNITION, EventKind.PROBATION_REMOVAL)
    events = LedgerEvent.objects.filter(kind__in=kinds, effective_date__gte=date_from, effective_date__lte=date_to)
    if as_of is not None:
        events = events.filter(recorded_at__lte=as_of).exclude(voided_at__lte=as_of)
    else:
        events = events.filter(voided_at__isnull=True)
    member_ids = set(events.values_list("member_id", flat=True))
    ages: list[int] = []
    base_orgs: dict[int, str] = {}
    for member in Member.objects.filter(pk__in=member_ids):
        history = events_known_at(member, as_of)
        result = replay(history)
        for event in history:
            day = event.effective_date
            if event.kind not in kinds or not (date_from <= day <= date_to):
                continue
            org_id = event.organisation_id or result.state_on(day).organisation_id
            if org_id is None or not scope.contains(org_id, day):
                continue
            if event.kind == EventKind.RECOGNITION:
                figures["members.recognized_official"] += 1
                continue
            if event.kind == EventKind.PROBATION_REMOVAL:
                figures["members.probation_removed"] += 1
                continue
            figures["admissions.total"] += 1
            if event.kind == EventKind.READMISSION:
                figures["admissions.readmitted"] += 1
            values = member_values_on(member, day, known_at=as_of)
            for name in ("occupation", "general_education", "professional"):
                figures[f"admissions.{name}.{values.get(name) or 'unknown'}"] += 1
            figures[f"admissions.ethnicity.{member.ethnicity or 'unknown'}"] += 1
            figures[f"admissions.religion.{member.religion or 'unknown'}"] += 1
            figures["admissions.female"] += member.gender == "female"
            figures["admissions.ethnic_minority"] += member.ethnicity not in ("kinh", "unknown", "")
            figures["admissions.religious"] += member.religion not in ("none", "unknown", "")
            figures["admissions.business_owner"] += bool(values.get("is_business_owner"))
            figures["admissions.youth_union"] += bool(values.get("is_youth_union_member"))
            figures["admissions.foreign_spouse"] += bool(values.get("has_foreign_spouse"))
            age = age_in_years(member.date_of_birth, day)
            ages.append(age)
            figures[f"admissions.age.{_age_band(age)}"] += 1
            base = scope.base_org_on(org_id, day)
            if base:
                base_orgs[base[0]] = base[1]
    figures["admissions.age_18_30"] = figures["admissions.age.18_30"]
    figures["admissions.age.mean"] = round(sum(ages) / len(ages), 1) if ages else 0
    figures["admissions.base_orgs_admitting"] = len(base_orgs)
    figures["orgs.base_party_committees.admitting"] = sum(
        1 for t in base_orgs.values() if t == OrgType.BASE_PARTY_COMMITTEE)
    figures["orgs.base_cells.admitting"] = sum(1 for t in base_orgs.values() if t == OrgType.BASE_CELL)
    occupation = figures  # roll-ups of the GLOSSARY
    figures["admissions.occupation.civil_servant"] = sum(occupation[f"admissions.occupation.{c}"] for c in (
        "state_official", "party_front_official", "commune_official"))
    figures["admissions.occupation.student"] = (occupation["admissions.occupation.university_student"]
                                                + occupation["admissions.occupation.pupil"])
    figures["admissions.occupation.enterprise"] = sum(occupation[f"admissions.occupation.{c}"] for c in (
        "enterprise_manager", "enterprise_staff", "worker"))
    return dict(figures)


def stage_on(candidate: Candidate, day: date) -> str:
    return stage_of([s for s in candidate.steps.all() if s.day <= day])
