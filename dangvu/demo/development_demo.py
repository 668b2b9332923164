"""Member development in the demo: about fifteen candidates (quần chúng ưu tú) in several cells, at every
stage of the admission path, and the admission targets.

Every step goes through ``dangvu.development.services`` (so the rules in force on each date and the
audit apply; the ceremony writes the admission into the ledger, the recognition its ledger event).
The dates follow the standard path of the 2021 texts, counted back from the demo's reference day, so
that the deadlines page has something to show: a file waiting too long for the admission decision,
a list entry without progress for more than six months, a probation about to end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from dangvu.common.dates import add_months
from dangvu.demo import data
from dangvu.demo.names import NameFactory
from dangvu.demo.picking import MemberPicker, before, dated_numbers, weekday

SEED = data.SEED + 1
COURSE_BODY = "Ban Tuyên giáo Đảng ủy Khu công nghiệp Tân Hưng"
BASE_BODIES = {"DBCK": data.BPC1_BODY, "DBHV": data.BPC2_BODY}

# Days after the listing on which each step of the standard path falls (the rules' limits are met
# with room to spare: decision 18 days after the resolution, ceremony 20 days after receipt).
PATH = (("course", 150), ("application", 175), ("background", 180), ("verification", 205),
        ("introducers", 213), ("comments", 218), ("cell_resolution", 224), ("base_resolution", 231),
        ("decision", 249), ("ceremony", 271))
PATH_BASE_CELL = {"decision": 242, "ceremony": 264}  # no base committee resolution in a base cell
ORDER = [kind for kind, _d in PATH] + ["recognition_vote", "recognition"]


@dataclass(frozen=True)
class CandidateSpec:
    cell: str
    listed: int  # days before the reference day
    upto: str  # last step recorded ("" = only on the source list)
    occupation: str = "worker"
    professional: str = "intermediate"
    gender: str | None = None
    age: int = 26  # years on the day of listing


CANDIDATES: list[CandidateSpec] = [
    CandidateSpec("CBSM", 40, "", "enterprise_staff", "bachelor", age=24),
    CandidateSpec("CBGD", 420, "", gender="female", age=23),  # no progress for over a year
    CandidateSpec("HVSM", 270, "course", gender="female", age=22),
    CandidateSpec("CBTP", 210, "course", age=25),
    CandidateSpec("CKCX", 330, "verification", age=27),
    CandidateSpec("HVQC", 275, "comments", "enterprise_staff", "bachelor", gender="female", age=25),
    CandidateSpec("CBDM", 200, "application", gender="female", age=24),
    CandidateSpec("CBLG", 245, "cell_resolution", age=28),  # waiting for the decision, in time
    CandidateSpec("CKVP", 360, "base_resolution", "enterprise_staff", "bachelor", age=29),  # decision overdue
    CandidateSpec("CBDP", 255, "decision", "enterprise_staff", "bachelor", gender="female", age=26),
    CandidateSpec("CKPD", 330, "ceremony", age=24),
    CandidateSpec("HVSM", 470, "ceremony", gender="female", age=23),
    CandidateSpec("CBVM", 610, "ceremony", "enterprise_staff", "bachelor", age=25),  # probation ends soon
    CandidateSpec("CKCX", 680, "recognition", age=25),
    CandidateSpec("CKBB", 780, "recognition", gender="female", age=27),
]

# Admission targets: the committee's own for the year and the term, the base party committees' for the year.
TARGETS_YEAR = {data.ROOT_CODE: 38, "DBCK": 12, "DBHV": 14}
TARGET_TERM = 180


def _dates(spec: CandidateSpec, listed: date, base_cell: bool) -> dict[str, date]:
    days: dict[str, date] = {}
    for kind, offset in PATH:
        if base_cell and kind == "base_resolution":
            continue
        if base_cell and kind in PATH_BASE_CELL:
            offset = PATH_BASE_CELL[kind]
        days[kind] = weekday(listed + timedelta(days=offset))
    days["received"] = weekday(days["decision"] + timedelta(days=2))
    days["ceremony"] = max(days["ceremony"], days["received"])
    days["recognition_vote"] = weekday(add_months(days["ceremony"], 12) + timedelta(days=3))
    days["recognition"] = weekday(days["recognition_vote"] + timedelta(days=10))
    return days


class DevelopmentDemo:
    def __init__(self, loader, picker: MemberPicker | None = None):
        self.loader = loader
        self.actor = loader.actor
        self.horizon: date = loader.horizon
        self.rng = random.Random(SEED)
        self.names = NameFactory(self.rng)
        self.picker = picker or MemberPicker(self.rng)
        self.candidates: list = []

    def _number(self, body: str, suffix: str, day: date) -> str:
        return dated_numbers(self.loader).next(body, suffix, day)

    def _signer(self, day: date) -> str:
        from dangvu.organisations.models import Post

        post = (Post.objects.filter(body__organisation__code=data.ROOT_CODE, body__kind="standing_committee",
                                    kind="secretary", starts_on__lte=day)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).select_related("member").first())
        return post.member.full_name if post else ""

    def _official_count(self, cell, day: date) -> int:
        from dangvu.members.models import MembershipSpell

        return (MembershipSpell.objects.filter(organisation=cell, status="official", valid_from__lte=day)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)).values("member").distinct().count())

    def run(self) -> None:
        from dangvu.members.models import Member

        used_ids = set(Member.objects.values_list("citizen_id", flat=True))
        orgs = self.loader.orgs
        for spec in CANDIDATES:
            cell = orgs[spec.cell]
            cell.refresh_from_db()
            listed = before(self.horizon, spec.listed)
            base_cell = cell.org_type == "base_cell"
            days = _dates(spec, listed, base_cell)
            person = self.names.person(spec.gender)
            born = listed - timedelta(days=int(spec.age * 365.25) + self.rng.randint(0, 300))
            candidate = self._create(spec, cell, person, born, listed, used_ids, days)
            self.candidates.append(candidate)
            if spec.upto:
                self._walk(candidate, cell, spec.upto, days)
        self._targets()

    def _create(self, spec, cell, person, born, listed, used_ids, days):
        from dangvu.development.services import candidate_create

        # The member who helps the candidate: official in the cell from the listing to the end of the path.
        last = min(days.get(spec.upto, listed) if spec.upto else listed, self.horizon)
        helper = self.picker.in_status(cell, listed, last)[0]
        # A subordinate cell has no host unit of its own: the candidate works for its base committee's enterprise.
        host_unit = cell.host_unit or (cell.parent.host_unit if cell.parent else None)
        return candidate_create(actor=self.actor, organisation=cell, data={
            "full_name": person.full_name, "gender": person.gender, "date_of_birth": born,
            "citizen_id": self.names.citizen_id(person.home_province, person.gender, born, used_ids),
            "ethnicity": person.ethnicity, "religion": person.religion, "home_town": person.home_province,
            "residence": self.names.address(), "occupation": spec.occupation, "general_education": "upper_secondary",
            "professional": spec.professional, "is_youth_union_member": spec.age < 30, "is_trade_union_member": True,
            "helper": helper, "host_unit": host_unit, "listed_on": listed,
            "notes": "Quần chúng ưu tú do chi bộ giới thiệu, được phân công đảng viên giúp đỡ."})

    def _walk(self, candidate, cell, upto: str, days: dict[str, date]) -> None:
        from dangvu.development.services import candidate_record_step
        from dangvu.organisations.services import Decision

        base_body = BASE_BODIES.get(cell.parent.code if cell.parent else "", data.ROOT_BODY)
        for kind in ORDER:
            if kind not in days:
                continue
            day = days[kind]
            if day > self.horizon:  # a clock behind the reference day: the rest is still to come
                return
            document, details, received = Decision(), {}, None
            if kind == "course":
                document = Decision(f"{self._number(COURSE_BODY, 'GCN', day)}/GCN", day, COURSE_BODY)
            elif kind == "introducers":
                introducers = self.picker.in_status(cell, add_months(day, -13), days.get("cell_resolution", day),
                                                    count=2)
                details = {"introducers": [
                    {"member_id": m.pk, "since": max(self.picker.since(m, cell, day),
                                                     add_months(day, -36)).isoformat()} for m in introducers]}
            elif kind == "comments":
                details = {"mass_org_on": (day - timedelta(days=3)).isoformat(), "residence_on": day.isoformat()}
            elif kind in ("cell_resolution", "recognition_vote"):
                total = self._official_count(cell, day)
                document = Decision(f"{self._number(cell.name, 'NQ/CB', day)}-NQ/CB", day, cell.name)
                details = {"official_total": total, "votes_for": total - self.rng.choice((0, 0, 1))}
            elif kind == "base_resolution":
                document = Decision(f"{self._number(base_body, 'NQ/ĐU', day)}-NQ/ĐU", day, base_body)
            elif kind in ("decision", "recognition"):
                document = Decision(f"{self._number(data.ROOT_BODY, 'QĐ/ĐU', day)}-QĐ/ĐU", day, data.ROOT_BODY)
                details = {"body_kind": "superior_standing", "signer": self._signer(day)}
                if kind == "decision":
                    details["place"] = "TP. Hồ Chí Minh"
                    received = days["received"]
            candidate_record_step(actor=self.actor, candidate=candidate, kind=kind, day=day, document=document,
                                  received_on=received, details=details)
            if kind == upto:
                return

    def _targets(self) -> None:
        from dangvu.development.services import target_set
        from dangvu.organisations.models import Term

        orgs = self.loader.orgs
        for code, target in TARGETS_YEAR.items():
            target_set(actor=self.actor, organisation=orgs[code], target=target, year=self.horizon.year)
        root = orgs[data.ROOT_CODE]
        term = (Term.objects.filter(organisation=root, starts_on__lte=self.horizon)
                .order_by("-starts_on").first())
        if term is not None:
            target_set(actor=self.actor, organisation=root, target=TARGET_TERM, term=term)


def load_development(loader, picker: MemberPicker | None = None) -> DevelopmentDemo:
    demo = DevelopmentDemo(loader, picker)
    demo.run()
    return demo
