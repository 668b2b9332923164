"""Build the demo committee through the real services, so that every rule and the audit apply.

Two steps. ``plan_demo`` draws the whole history in memory from one seeded ``random.Random``: who
arrives where and when, who is recognised, transferred, removed …, the dated values, the congress
terms and who holds which post. ``DemoLoader.run`` then replays that plan in date order through the
services (``organisation_found``, ``member_admit``, ``member_record_event``, ``post_assign`` …) with the
system user as actor; the demo users get their grants through the audited grant service.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dangvu.common.dates import add_months, months_between
from dangvu.demo import data
from dangvu.demo.names import NameFactory, Person

CELL_TYPES = ("base_cell", "subordinate_cell")


def _between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def _years_before(day: date, years: float, rng: random.Random) -> date:
    return day - timedelta(days=int(years * 365.25) + rng.randint(0, 180))


def _weekday(day: date) -> date:
    """Decisions and ceremonies fall on working days."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# Plan ------------------------------------------------------------------------------------------

@dataclass
class MemberOp:
    day: date
    kind: str  # a ledger EventKind
    decision_body: str
    decision_suffix: str  # "QĐ/ĐU", "GT/ĐU", "NQ/CB" …
    decision_delay: int = 0  # decision signed this many days after the effective date
    organisation: str | None = None
    external_place: str = ""
    other_province: bool = False
    ceremony: date | None = None
    details: dict = field(default_factory=dict)


@dataclass
class PersonPlan:
    idx: int
    person: Person
    dob: date
    org: str  # organisation on arrival
    arrival: date
    arrival_kind: str  # admit | receive
    admitted_on: date  # first admission decision
    ceremony: date
    official_on: date | None = None  # official on arrival (receive) or by recognition
    received_status: str = "official"
    from_place: str = ""
    other_province: bool = False
    ops: list[MemberOp] = field(default_factory=list)
    values: list[tuple[date, str, object]] = field(default_factory=list)
    story: str = ""
    leave_on: date | None = None
    moves: list[tuple[date, str]] = field(default_factory=list)  # later organisation changes
    rank: float = 0.0
    card_on: date | None = None
    profile_number: str = ""
    card_number: str = ""
    citizen_id: str = ""
    residence: str = ""
    phone: str = ""

    @property
    def occupation(self) -> str:
        for _day, attribute, value in self.values:
            if attribute == "occupation":
                return str(value)
        return "unknown"

    def org_on(self, day: date) -> str:
        current = self.org
        for when, code in sorted(self.moves):
            if when <= day:
                current = code
        return current

    def official_throughout(self, start: date, end: date | None) -> bool:
        if self.official_on is None or self.official_on > start or self.arrival > start:
            return False
        return self.leave_on is None or (end is not None and self.leave_on >= end)


@dataclass
class PostPlan:
    day: date
    org: str
    term_index: int
    body: str
    kind: str
    person: int
    ends_on: date | None
    appointment: str


@dataclass
class TermPlan:
    org: str
    index: int
    label: str
    starts_on: date
    ends_on: date | None
    bodies: list[str]


@dataclass
class DemoPlan:
    people: list[PersonPlan]
    terms: list[TermPlan]
    posts: list[PostPlan]


_OCCUPATION = {
    "factory": [("worker", 62), ("enterprise_staff", 26), ("enterprise_manager", 12)],
    "office": [("enterprise_staff", 62), ("enterprise_manager", 28), ("worker", 10)],
    "tech": [("enterprise_staff", 70), ("enterprise_manager", 20), ("worker", 10)],
    "agency": [("state_official", 85), ("party_front_official", 15)],
}
_PROFESSIONAL = {
    "worker": [("none", 15), ("elementary", 45), ("intermediate", 25), ("college", 15)],
    "enterprise_staff": [("intermediate", 15), ("college", 25), ("bachelor", 55), ("master", 5)],
    "enterprise_manager": [("bachelor", 70), ("master", 27), ("doctor", 3)],
    "state_official": [("bachelor", 70), ("master", 30)],
    "party_front_official": [("bachelor", 75), ("master", 25)],
}
_THEORY = {
    "worker": [("none", 80), ("elementary", 20)],
    "enterprise_staff": [("none", 55), ("elementary", 40), ("intermediate", 5)],
    "enterprise_manager": [("elementary", 35), ("intermediate", 50), ("advanced", 15)],
    "state_official": [("elementary", 20), ("intermediate", 55), ("advanced", 25)],
    "party_front_official": [("elementary", 10), ("intermediate", 55), ("advanced", 35)],
}
_ADMISSION_AGE = {"factory": (19, 34, 24), "office": (22, 40, 28), "tech": (22, 36, 27), "agency": (23, 40, 29)}
_RANK = {"enterprise_manager": 0, "state_official": 0, "party_front_official": 0, "enterprise_staff": 1, "worker": 2}


def _pick(rng: random.Random, table) -> str:
    return rng.choices([row[0] for row in table], [row[1] for row in table])[0]


class Planner:
    def __init__(self, horizon: date, seed: int = data.SEED):
        self.rng = random.Random(seed)
        self.names = NameFactory(self.rng)
        self.horizon = horizon
        self.specs = {spec.code: spec for spec in data.ORGANISATIONS}
        self.people: list[PersonPlan] = []
        self.used_ids: set[str] = set()
        self.used_cards: set[str] = set()
        self.ends = {s.code: s.on for s in data.ORG_STORIES if s.kind == "merge"}
        self.merge_into = {s.code: s.target for s in data.ORG_STORIES if s.kind == "merge"}
        self.moves = {s.code: (s.on, s.target) for s in data.ORG_STORIES if s.kind == "move"}

    # Organisation facts over time -------------------------------------------------------------

    def open_on(self, code: str, day: date) -> bool:
        spec = self.specs[code]
        return spec.founded <= day and (code not in self.ends or day < self.ends[code])

    def parent_on(self, code: str, day: date) -> str | None:
        spec = self.specs[code]
        if code in self.moves and day >= self.moves[code][0]:
            return self.moves[code][1]
        return spec.parent

    def cells(self) -> list[str]:
        return [s.code for s in data.ORGANISATIONS if s.org_type in CELL_TYPES]

    def base_of(self, code: str, day: date) -> str:
        """The base organisation (base cell or base party committee) a cell belongs to on ``day``."""
        spec = self.specs[code]
        return code if spec.org_type == "base_cell" else (self.parent_on(code, day) or code)

    # People -----------------------------------------------------------------------------------

    def _new_person(self, org: str, arrival: date, kind: str, founder: bool) -> PersonPlan:
        rng = self.rng
        spec = self.specs[org]
        person = self.names.person()
        low, high, mode = _ADMISSION_AGE[spec.profile]
        if kind == "admit":
            admitted = _weekday(arrival)
            age = rng.triangular(low, high, mode)
            dob = _years_before(admitted, age, rng)
            while months_between(dob, admitted) < 217:
                dob -= timedelta(days=200)
            ceremony = _weekday(admitted + timedelta(days=rng.randint(14, 40)))
            plan = PersonPlan(len(self.people), person, dob, org, admitted, "admit", admitted, ceremony)
            due = add_months(ceremony, 12)
            if due + timedelta(days=25) <= self.horizon:
                plan.official_on = due
                plan.ops.append(MemberOp(due, "recognition", data.ROOT_BODY, "QĐ/ĐU",
                                         decision_delay=rng.randint(5, 25)))
        else:
            age_now = rng.triangular(24, 56, 33) if founder else rng.triangular(23, 50, 30)
            dob = _years_before(arrival, age_now, rng)
            earliest = add_months(dob, 12 * 19 + 1)
            latest = arrival - timedelta(days=70)
            if founder:  # the organisation's first members are official when it is founded
                latest = arrival - timedelta(days=460)
            if earliest > latest:
                dob = _years_before(latest, 20, rng)
                earliest = add_months(dob, 12 * 19 + 1)
            admitted = _weekday(_between(rng, earliest, latest))
            ceremony = _weekday(admitted + timedelta(days=rng.randint(14, 40)))
            due = add_months(ceremony, 12)
            place, other = rng.choice(data.OUTSIDE_PLACES)
            if founder and spec.founded.year == 2015:
                place, other = "Đảng bộ Khối Doanh nghiệp Thành phố", False
            plan = PersonPlan(len(self.people), person, dob, org, arrival, "receive", admitted, ceremony,
                              from_place=place, other_province=other)
            if due <= arrival:
                plan.official_on = due
            else:
                plan.received_status = "probationary"
                if due + timedelta(days=25) <= self.horizon:
                    plan.official_on = due
                    plan.ops.append(MemberOp(due, "recognition", data.ROOT_BODY, "QĐ/ĐU",
                                             decision_delay=rng.randint(5, 25)))
        plan.citizen_id = self.names.citizen_id(person.home_province, person.gender, plan.dob, self.used_ids)
        plan.residence = self.names.address()
        plan.phone = self.names.phone() if rng.random() < 0.7 else ""
        plan.rank = rng.random()
        self._initial_values(plan, spec.profile)
        self.people.append(plan)
        return plan

    def _initial_values(self, plan: PersonPlan, profile: str) -> None:
        rng = self.rng
        occupation = _pick(rng, _OCCUPATION[profile])
        day = plan.arrival
        general = "lower_secondary" if occupation == "worker" and rng.random() < 0.08 else "upper_secondary"
        professional = _pick(rng, _PROFESSIONAL[occupation])
        if profile == "tech" and professional in ("intermediate", "college", "none", "elementary"):
            professional = "bachelor"
        plan.values += [
            (day, "occupation", occupation),
            (day, "general_education", general),
            (day, "professional", professional),
            (day, "political_theory", _pick(rng, _THEORY[occupation])),
        ]
        if months_between(plan.dob, day) < 12 * 30 and rng.random() < 0.85:
            plan.values.append((day, "is_youth_union_member", True))

    def plan_people(self) -> None:
        rng = self.rng
        for spec in data.ORGANISATIONS:
            if spec.org_type not in CELL_TYPES:
                continue
            end = min(self.ends.get(spec.code, self.horizon), self.horizon) - timedelta(days=45)
            founders = round(spec.size * 0.35) if spec.founded.year == 2015 else max(3, round(spec.size * 0.25))
            for _ in range(founders):
                self._new_person(spec.code, spec.founded, "receive", founder=True)
            days = sorted(_between(rng, spec.founded + timedelta(days=45), end)
                          for _ in range(spec.size - founders))
            for day in days:
                kind = "admit" if rng.random() < 0.78 else "receive"
                self._new_person(spec.code, _weekday(day), kind, founder=False)
        # The owner of the private enterprise and the founder of the software company own their business.
        for code in ("CBMP", "CBSM"):
            owner = next(p for p in self.people if p.org == code and p.arrival == self.specs[code].founded)
            owner.values = [(d, a, v) for d, a, v in owner.values if a != "occupation"]
            owner.values.insert(0, (owner.arrival, "occupation", "enterprise_manager"))
            owner.values.append((owner.arrival, "is_business_owner", True))
            owner.rank = -1.0
            owner.story = "owner"

    # Stories ----------------------------------------------------------------------------------

    def _candidates(self, day: date, *, official_months: int = 6, born_before: date | None = None,
                    kinds: tuple[str, ...] = ("admit", "receive"), exclude: set[str] = frozenset()) -> list[PersonPlan]:
        chosen = []
        for p in self.people:
            if p.story or p.org == "CKKH" or p.org in exclude or p.arrival_kind not in kinds:
                continue
            if p.official_on is None or add_months(p.official_on, official_months) > day:
                continue
            if p.arrival + timedelta(days=90) > day:
                continue
            if born_before and p.dob > born_before:
                continue
            if not self.open_on(p.org, day):
                continue
            chosen.append(p)
        return chosen

    def _choose(self, candidates: list[PersonPlan], story: str) -> PersonPlan:
        if not candidates:
            raise RuntimeError(f"no candidate for the demo story {story!r}")
        person = self.rng.choice(candidates)
        person.story = story
        return person

    def _leave(self, person: PersonPlan, day: date, kind: str, body: str, suffix: str, **extra) -> None:
        person.ops.append(MemberOp(day, kind, body, suffix, decision_delay=0, **extra))
        person.leave_on = day

    def plan_stories(self) -> None:
        rng = self.rng
        body = data.ROOT_BODY
        # Internal transfers between cells (TRF-06: inside a base party committee its own committee decides).
        for _ in range(12):
            day = _weekday(_between(rng, date(2016, 6, 1), self.horizon - timedelta(days=60)))
            person = self._choose(self._candidates(day), "transfer")
            source_base = self.base_of(person.org, day)
            targets = [c for c in self.cells() if c != person.org and self.open_on(c, day - timedelta(days=30))
                       and c != "CKKH"]
            same = [c for c in targets if self.base_of(c, day) == source_base]
            target = rng.choice(same) if same and rng.random() < 0.67 else rng.choice(targets)
            decided = data.BPC1_BODY if source_base == "DBCK" and self.base_of(target, day) == "DBCK" else (
                data.BPC2_BODY if source_base == "DBHV" and self.base_of(target, day) == "DBHV" else body)
            person.ops.append(MemberOp(day, "transfer", decided, "QĐ/ĐU", organisation=target))
            person.moves.append((day, target))
        # Transfers out of the committee.
        for day in (date(2018, 10, 15), date(2022, 3, 21), date(2025, 9, 8)):
            person = self._choose(self._candidates(day), "transfer_out")
            place, other = rng.choice(data.OUTSIDE_PLACES)
            self._leave(person, day, "transfer_out", body, "GT/ĐU", external_place=place, other_province=other)
        # Temporary transfers: a study course, a secondment that ended, a secondment still running.
        study = self._choose(self._candidates(date(2022, 2, 14)), "temporary_study")
        study.ops += [
            MemberOp(date(2022, 2, 14), "temporary_away", body, "GT/ĐU",
                     external_place="Chi bộ lớp Trung cấp lý luận chính trị – hành chính K15, Trường Chính trị TP. Hồ Chí Minh",
                     details={"reason": "study"}),
            MemberOp(date(2022, 12, 19), "temporary_return", body, "GT/ĐU"),
        ]
        study.values.append((date(2022, 12, 19), "political_theory", "intermediate"))
        work = self._choose(self._candidates(date(2024, 3, 4), exclude={"HVSM"}), "temporary_work")
        work.ops += [
            MemberOp(date(2024, 3, 4), "temporary_away", body, "GT/ĐU", organisation="HVSM",
                     details={"reason": "work"}),
            MemberOp(date(2024, 10, 7), "temporary_return", body, "GT/ĐU"),
        ]
        away = self._choose([p for p in self._candidates(date(2026, 7, 1)) if p.org == "HVSM"], "temporary_away")
        away.ops.append(MemberOp(date(2026, 7, 1), "temporary_away", data.BPC2_BODY, "GT/ĐU",
                                 external_place="Chi bộ Nhà máy Hanvina Bắc Ninh, tỉnh Bắc Ninh",
                                 other_province=True, details={"reason": "work"}))
        # Leaving the Party, and coming back.
        removed = self._choose(self._candidates(date(2024, 10, 14)), "removal")
        self._leave(removed, date(2024, 10, 14), "removal", body, "QĐ/ĐU",
                    details={"reason": "Bỏ sinh hoạt đảng và không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"})
        back = self._choose(self._candidates(date(2019, 8, 19), exclude={"CBVM"}), "readmission")
        back.ops += [
            MemberOp(date(2019, 8, 19), "removal", body, "QĐ/ĐU",
                     details={"reason": "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"}),
            MemberOp(date(2023, 5, 15), "readmission", body, "QĐ/ĐU", organisation=back.org,
                     ceremony=date(2023, 6, 2),
                     details={"approval": "Văn bản đồng ý của Ban Thường vụ Thành ủy số 1187-CV/TU"}),
            MemberOp(date(2024, 6, 2), "recognition", body, "QĐ/ĐU", decision_delay=18),
        ]
        probation = [p for p in self.people if not p.story and p.org != "CKKH" and p.arrival_kind == "admit"
                     and date(2019, 1, 1) <= p.ceremony and add_months(p.ceremony, 11) <= self.horizon]
        dropped = self._choose(probation, "probation_removal")
        dropped.ops = [op for op in dropped.ops if op.kind != "recognition"]
        dropped.official_on = None
        self._leave(dropped, _weekday(add_months(dropped.ceremony, 11)), "probation_removal", body, "QĐ/ĐU",
                    details={"reason": "Không đủ tư cách đảng viên trong thời kỳ dự bị"})
        resigned = self._choose(self._candidates(date(2021, 8, 16)), "resignation")
        self._leave(resigned, date(2021, 8, 16), "resignation", body, "QĐ/ĐU",
                    details={"reason": "Xin ra khỏi Đảng vì hoàn cảnh gia đình"})
        expelled = self._choose(self._candidates(date(2022, 9, 26)), "expulsion")
        self._leave(expelled, date(2022, 9, 26), "expulsion", "Ủy ban Kiểm tra Đảng ủy Khu công nghiệp Tân Hưng",
                    "QĐ/UBKT", details={"reason": "Vi phạm pháp luật, bị truy cứu trách nhiệm hình sự"})
        for day in (date(2022, 2, 7), date(2025, 11, 3)):
            died = self._choose(self._candidates(day, born_before=date(1972, 1, 1)), "death")
            self._leave(died, day, "death", body, "TB/ĐU")
        exempt = self._choose(self._candidates(date(2024, 1, 8), born_before=date(1968, 1, 1)), "exemption")
        exempt.ops.append(MemberOp(date(2024, 1, 8), "exemption", self.name_on(exempt.org, date(2024, 1, 8)), "NQ/CB",
                                   details={"reason": "Bệnh hiểm nghèo, điều trị dài ngày"}))
        suspended = self._choose(self._candidates(date(2023, 3, 6)), "suspension")
        suspended.ops += [
            MemberOp(date(2023, 3, 6), "suspension", body, "QĐ/ĐU",
                     details={"reason": "Bị khởi tố, điều tra (đình chỉ sinh hoạt đảng)"}),
            MemberOp(date(2023, 6, 2), "suspension_end", body, "QĐ/ĐU",
                     details={"reason": "Cơ quan điều tra đình chỉ vụ án"}),
        ]

    def name_on(self, code: str, day: date) -> str:
        name = self.specs[code].name
        for story in data.ORG_STORIES:
            if story.kind == "rename" and story.code == code and story.on <= day:
                name = story.new_name
        return name

    # Mergers move the members of the absorbed cell ---------------------------------------------

    def plan_merges(self) -> None:
        for code, on in self.ends.items():
            target = self.merge_into[code]
            for person in self.people:
                if person.org_on(on) == code and person.arrival < on and (person.leave_on is None or person.leave_on > on):
                    person.moves.append((on, target))

    # Dated values changing over time -----------------------------------------------------------

    def plan_value_changes(self) -> None:
        rng = self.rng
        for person in self.people:
            last = (person.leave_on or self.horizon) - timedelta(days=1)
            attrs = {a: v for _d, a, v in person.values}
            if attrs.get("is_youth_union_member"):
                turns_30 = add_months(person.dob, 360)
                if turns_30 <= last:
                    person.values.append((turns_30, "is_youth_union_member", False))
            if attrs.get("occupation") == "worker" and rng.random() < 0.12:
                day = person.arrival + timedelta(days=rng.randint(700, 2800))
                if day <= last:
                    person.values.append((day, "occupation", "enterprise_manager" if rng.random() < 0.4 else "enterprise_staff"))
                    if attrs.get("professional") in ("none", "elementary"):
                        person.values.append((day, "professional", "college"))
            if attrs.get("political_theory") == "elementary" and rng.random() < 0.1:
                day = person.arrival + timedelta(days=rng.randint(500, 2500))
                if day <= last and not any(a == "political_theory" and d > person.arrival for d, a, _v in person.values):
                    person.values.append((day, "political_theory", "intermediate"))
            if person.official_on is not None and (person.leave_on is None or person.leave_on > person.official_on):
                person.card_on = person.official_on
                while True:
                    card = f"79{rng.randrange(10**10):010d}"
                    if card not in self.used_cards:
                        self.used_cards.add(card)
                        person.card_number = card
                        break
            person.profile_number = f"{person.admitted_on.year}.{person.idx + 1:05d}"

    # Terms and posts ---------------------------------------------------------------------------

    def _term_windows(self, code: str) -> list[tuple[str, date, date | None]]:
        spec = self.specs[code]
        key = spec.org_type if spec.org_type in data.CONGRESSES else "cell"
        first, second = data.CONGRESSES[key]
        end = self.ends.get(code)
        windows = [(f"{spec.founded.year} – 2020", spec.founded, first),
                   ("2020 – 2025", first + timedelta(days=1), second),
                   ("2025 – 2030", second + timedelta(days=1), None)]
        result = []
        for label, start, stop in windows:
            if end and start >= end:
                continue
            if end and (stop is None or stop > end):
                stop = end
            result.append((label, start, stop))
        return result

    def _eligible(self, cells: list[str], start: date, stop: date | None) -> list[PersonPlan]:
        check = [start] + ([stop - timedelta(days=1)] if stop else [self.horizon])
        found = [p for p in self.people
                 if p.story in ("", "owner") and p.official_throughout(start, stop)
                 and all(p.org_on(day) in cells for day in check)
                 and all(p.org_on(day) == p.org_on(start) for day in check)]
        return sorted(found, key=lambda p: (_RANK.get(p.occupation, 3), p.rank))

    def _cells_under(self, code: str, start: date, stop: date | None) -> list[str]:
        check = [start] + ([stop - timedelta(days=1)] if stop else [self.horizon])
        return [c for c in self.cells() if all(self.parent_on(c, day) == code and self.open_on(c, day) for day in check)]

    def plan_terms(self) -> tuple[list[TermPlan], list[PostPlan]]:
        terms: list[TermPlan] = []
        posts: list[PostPlan] = []
        secretaries: dict[tuple[str, int], list[PersonPlan]] = defaultdict(list)

        def add(code, index, body, kind, person, start, stop, appointment):
            posts.append(PostPlan(start, code, index, body, kind, person.idx, stop, appointment))

        # Cells first, then base party committees, then the superior committee (lower levels hold
        # their congresses first and their secretaries sit on the committees above).
        order = [s for s in data.ORGANISATIONS if s.org_type in CELL_TYPES] + \
                [s for s in data.ORGANISATIONS if s.org_type == "base_party_committee"] + \
                [s for s in data.ORGANISATIONS if s.org_type == "superior_committee"]
        for spec in order:
            for index, (label, start, stop) in enumerate(self._term_windows(spec.code)):
                appointment = "appointed" if index == 0 else "congress"
                if spec.org_type in CELL_TYPES:
                    terms.append(TermPlan(spec.code, index, label, start, stop, ["executive_committee"]))
                    pool = self._eligible([spec.code], start, stop)
                    previous = [p for p in secretaries.get((spec.code, index - 1), []) if p in pool]
                    pool = previous + [p for p in pool if p not in previous]
                    size = len(pool)
                    if not pool:
                        continue
                    kinds = ["secretary"]
                    if size >= 5:
                        kinds.append("deputy_secretary")
                    if size >= 9:
                        kinds += ["committee_member"] * (3 if size >= 25 else 1)
                    for kind, person in zip(kinds, pool, strict=False):
                        add(spec.code, index, "executive_committee", kind, person, start, stop, appointment)
                    secretaries[(spec.code, index)] = pool[:1]
                    continue
                terms.append(TermPlan(spec.code, index, label, start, stop,
                                      ["executive_committee", "standing_committee", "inspection_committee"]))
                post_start = start
                if spec.org_type == "superior_committee":
                    # The first committee is appointed a week after the founding, once the base
                    # organisations (and their members) have been received.
                    post_start = date(2015, 2, 9) if index == 0 else start
                    own = self._eligible(["CBCQ"], post_start, stop)  # the board's full-time staff
                    heads: list[PersonPlan] = []  # one leader per base organisation
                    for base in [s.code for s in data.ORGANISATIONS if s.code != "CBCQ"
                                 and s.org_type in ("base_cell", "base_party_committee")]:
                        if not self.open_on(base, post_start):
                            continue
                        cells = [base] if self.specs[base].org_type == "base_cell" else \
                            self._cells_under(base, post_start, stop)
                        eligible = self._eligible(cells, post_start, stop)
                        chosen = [p for p in secretaries.get((base, index), []) if p in eligible] or eligible[:1]
                        heads += [p for p in chosen if p not in heads]
                    if len(own) < 4 or not heads:
                        continue
                    executive = [own[0], own[1], heads[0], own[2], own[3], *heads[1:]][:15]
                    kinds = ["secretary", "deputy_secretary", "deputy_secretary"] + \
                        ["committee_member"] * (len(executive) - 3)
                    for kind, person in zip(kinds, executive, strict=False):
                        add(spec.code, index, "executive_committee", kind, person, post_start, stop, appointment)
                    standing = executive[:4] + heads[1:2]
                    kinds = ["secretary", "deputy_secretary", "deputy_secretary", "standing_member", "standing_member"]
                    for kind, person in zip(kinds, standing, strict=False):
                        add(spec.code, index, "standing_committee", kind, person, post_start, stop, appointment)
                    # Inspection committee: its chair sits on the executive committee (own[2]).
                    inspectors = [own[2], *own[4:5],
                                  *[p for p in self._spread_pool(post_start, stop) if p not in executive][:3]]
                    kinds = ["inspection_chair", "inspection_vice_chair"] + ["inspection_member"] * 3
                    for kind, person in zip(kinds, inspectors, strict=False):
                        add(spec.code, index, "inspection_committee", kind, person, post_start, stop, appointment)
                    continue
                # Base party committee: its committee comes from its cells.
                cells = self._cells_under(spec.code, start, stop)
                eligible = self._eligible(cells, start, stop)
                heads = [p for cell in cells for p in secretaries.get((cell, index), []) if p in eligible]
                pool = heads + [p for p in eligible if p not in heads]
                pool.sort(key=lambda p: (_RANK.get(p.occupation, 3), p.rank))
                executive = pool[:9]
                if len(executive) < 5:
                    continue
                for n, person in enumerate(executive):
                    kind = "secretary" if n == 0 else ("deputy_secretary" if n == 1 else "committee_member")
                    add(spec.code, index, "executive_committee", kind, person, start, stop, appointment)
                for n, person in enumerate(executive[:4]):
                    kind = "secretary" if n == 0 else ("deputy_secretary" if n == 1 else "standing_member")
                    add(spec.code, index, "standing_committee", kind, person, start, stop, appointment)
                inspectors = [executive[4]] + [p for p in pool[9:11]]
                for n, person in enumerate(inspectors):
                    add(spec.code, index, "inspection_committee",
                        "inspection_chair" if n == 0 else "inspection_member", person, start, stop, appointment)
                secretaries[(spec.code, index)] = executive[:1]
        return terms, posts

    def _spread_pool(self, start: date, stop: date | None) -> list[PersonPlan]:
        cells = [c for c in self.cells() if c != "CBCQ" and self.open_on(c, start)]
        pool = self._eligible(cells, start, stop)
        return sorted(pool, key=lambda p: p.rank)

    def plan(self) -> DemoPlan:
        self.plan_people()
        self.plan_stories()
        self.plan_merges()
        self.plan_value_changes()
        terms, posts = self.plan_terms()
        return DemoPlan(self.people, terms, posts)


def plan_demo(horizon: date) -> DemoPlan:
    return Planner(horizon).plan()


# Execution -------------------------------------------------------------------------------------

class DecisionNumbers:
    """Running decision numbers per issuing body and year: "17-QĐ/ĐU"."""

    def __init__(self):
        self.counters: Counter = Counter()

    def next(self, body: str, suffix: str, day: date) -> str:
        self.counters[(body, suffix, day.year)] += 1
        return f"{self.counters[(body, suffix, day.year)]}-{suffix}"


@dataclass
class Step:
    day: date
    priority: int
    seq: int
    run: Callable[[], None]


class DemoLoader:
    """Replays a ``DemoPlan`` through the services, in date order."""

    def __init__(self, actor, horizon: date, plan: DemoPlan | None = None):
        self.actor = actor
        self.horizon = horizon
        self.plan = plan or plan_demo(horizon)
        self.numbers = DecisionNumbers()
        self.orgs: dict = {}
        self.members: dict[int, object] = {}
        self.bodies: dict[tuple[str, int, str], object] = {}
        self.terms: dict[tuple[str, int], object] = {}
        self.steps: list[Step] = []

    def _add(self, day: date, priority: int, run: Callable[[], None]) -> None:
        self.steps.append(Step(day, priority, len(self.steps), run))

    def _decision(self, body: str, suffix: str, day: date, delay: int = 0):
        from dangvu.organisations.services import Decision

        signed = min(day + timedelta(days=delay), self.horizon)
        return Decision(self.numbers.next(body, suffix, signed), signed, body)

    # Organisations -----------------------------------------------------------------------------

    def _schedule_organisations(self) -> None:
        from dangvu.organisations import services as org
        from dangvu.organisations.services import Decision

        for spec in data.ORGANISATIONS:
            def found(spec=spec):
                unit = None
                if spec.unit is not None:
                    zone_kind, zone_name = data.ZONES.get(spec.unit.zone, ("none", "")) if spec.unit.zone else ("none", "")
                    unit = org.host_unit_create(actor=self.actor, name=spec.unit.name, unit_type=spec.unit.unit_type,
                                                zone_kind=zone_kind, zone_name=zone_name, address=spec.unit.address,
                                                workers=spec.unit.workers)
                suffix = "QĐ/TU" if spec.decided_by == data.CITY_BODY else "QĐ/ĐU"
                self.orgs[spec.code] = org.organisation_found(
                    actor=self.actor, code=spec.code, name=spec.name, org_type=spec.org_type,
                    parent=self.orgs.get(spec.parent) if spec.parent else None, founded_on=spec.founded,
                    decision=self._decision(spec.decided_by, suffix, spec.founded), host_unit=unit)
            self._add(spec.founded, 0, found)

        for story in data.ORG_STORIES:
            def change(story=story):
                decision = Decision(story.decision, story.on, story.body)
                organisation = self.orgs[story.code]
                organisation.refresh_from_db()
                if story.kind == "rename":
                    org.organisation_rename(actor=self.actor, organisation=organisation, new_name=story.new_name,
                                            effective_date=story.on, decision=decision)
                elif story.kind == "merge":
                    org.organisation_merge(actor=self.actor, organisation=organisation, into=self.orgs[story.target],
                                           effective_date=story.on, decision=decision)
                elif story.kind == "move":
                    target = self.orgs[story.target]
                    target.refresh_from_db()
                    org.organisation_move(actor=self.actor, organisation=organisation, new_parent=target,
                                          effective_date=story.on, decision=decision)
            self._add(story.on, 1, change)

    # Members -----------------------------------------------------------------------------------

    def _profile(self, person: PersonPlan, with_card: bool) -> dict:
        p = person.person
        profile = {
            "full_name": p.full_name, "gender": p.gender, "date_of_birth": person.dob,
            "place_of_birth": p.home_province, "home_town": p.home_province, "residence": person.residence,
            "ethnicity": p.ethnicity, "religion": p.religion, "citizen_id": person.citizen_id,
            "profile_number": person.profile_number, "phone": person.phone,
        }
        if with_card and person.card_number:
            profile["card_number"] = person.card_number
        return profile

    def _schedule_members(self) -> None:
        from dangvu.members import services as ms

        for person in self.plan.people:
            first_values = {a: v for d, a, v in person.values if d == person.arrival}

            def arrive(person=person, first_values=first_values):
                organisation = self.orgs[person.org]
                if person.arrival_kind == "admit":
                    member = ms.member_admit(
                        actor=self.actor, profile=self._profile(person, False), organisation=organisation,
                        decision=self._decision(data.ROOT_BODY, "QĐ/ĐU", person.admitted_on),
                        admitted_on=person.admitted_on, ceremony_date=person.ceremony, values=first_values)
                else:
                    official = person.received_status == "official"
                    member = ms.member_receive(
                        actor=self.actor, profile=self._profile(person, official), organisation=organisation,
                        decision=self._decision(data.ROOT_BODY, "GT/ĐU", person.arrival),
                        received_on=person.arrival, from_place=person.from_place,
                        other_province=person.other_province, status=person.received_status,
                        admitted_on=person.admitted_on, official_on=person.official_on if official else None,
                        ceremony_date=person.ceremony, values=first_values)
                self.members[person.idx] = member
            self._add(person.arrival, 2, arrive)

            for op in person.ops:
                def record(person=person, op=op):
                    member = self.members[person.idx]
                    ms.member_record_event(
                        actor=self.actor, member=member, kind=op.kind, effective_date=op.day,
                        decision=self._decision(op.decision_body, op.decision_suffix, op.day, op.decision_delay),
                        organisation=self.orgs[op.organisation] if op.organisation else None,
                        external_place=op.external_place, other_province=op.other_province,
                        ceremony_date=op.ceremony, details=op.details)
                self._add(op.day, 3, record)

            for day, attribute, value in person.values:
                if day == person.arrival:
                    continue

                def set_value(person=person, day=day, attribute=attribute, value=value):
                    ms.member_set_value(actor=self.actor, member=self.members[person.idx], attribute=attribute,
                                        value=value, valid_from=day)
                self._add(day, 4, set_value)

            if person.card_on and not (person.arrival_kind == "receive" and person.received_status == "official"):
                def card(person=person):
                    ms.member_update_profile(actor=self.actor, member=self.members[person.idx],
                                             changes={"card_number": person.card_number})
                self._add(person.card_on, 5, card)

    # Terms, bodies, posts ----------------------------------------------------------------------

    def _schedule_terms(self) -> None:
        from dangvu.organisations import services as org

        for term in self.plan.terms:
            def create(term=term):
                created = org.term_create(actor=self.actor, organisation=self.orgs[term.org], label=term.label,
                                          starts_on=term.starts_on, ends_on=term.ends_on)
                self.terms[(term.org, term.index)] = created
                for kind in term.bodies:
                    self.bodies[(term.org, term.index, kind)] = org.body_create(actor=self.actor, term=created, kind=kind)
            self._add(term.starts_on, 6, create)
        for post in self.plan.posts:
            def assign(post=post):
                org.post_assign(actor=self.actor, body=self.bodies[(post.org, post.term_index, post.body)],
                                member=self.members[post.person], kind=post.kind, starts_on=post.day,
                                ends_on=post.ends_on, appointment=post.appointment)
            self._add(post.day, 7, assign)

    def run(self) -> None:
        self._schedule_organisations()
        self._schedule_members()
        self._schedule_terms()
        # The plan is drawn up to the demo's reference day; on a clock behind it, later steps are
        # left out rather than refused as future dates (LIFE-06).
        for step in sorted(self.steps, key=lambda s: (s.day, s.priority, s.seq)):
            if step.day <= self.horizon:
                step.run()
