"""Oversight and discipline history for the report benchmark (``dangvu benchmark_report``).

``dangvu.demo.bench`` generates the organisation tree and the member ledgers (20 years: organisations
founded from 2005, admissions from then on). The summary report also counts inspections, supervisions
and discipline, so this adds, with bulk inserts (not a user path, no audit rows, like ``demo.bench``),
a plausible oversight history over the same years: every base organisation, and the committee's own
bodies, run a few inspections and supervisions a year of their cells and members, with conclusions, and
a share of the members found in violation are disciplined by their cell or committee. The rows have the
shapes the services write (decision dates, conclusions entered, decisions entered, forms), so the
report's queries run on the data they would meet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

MARK = "Thử tải báo cáo"  # in every generated topic: the history is generated once per database
TYPES = ["compliance", "violation_signs", "oversight_work", "finance", "supervision_regular", "supervision_thematic"]
FORMS = ["reprimand", "reprimand", "reprimand", "warning", "warning", "dismissal", "expulsion"]
CONTENTS = ["party_duties", "ethics", "policy_law", "finance_land", "democratic_centralism", "corruption"]


@dataclass
class OversightStats:
    activities: int
    subjects: int
    cases: int


def oversight_stats() -> OversightStats | None:
    from dangvu.oversight.models import Activity, ActivitySubject, DisciplineCase

    if not Activity.objects.filter(topic__contains=MARK).exists():
        return None
    return OversightStats(Activity.objects.count(), ActivitySubject.objects.count(), DisciplineCase.objects.count())


def generate_oversight(root_id: int, *, seed: int = 2026, per_year: int = 3, horizon: date | None = None,
                       log=None) -> OversightStats:
    """Activities of the root's bodies and of every base organisation below it, ``per_year`` a year on
    average from the organisation's founding to ``horizon``, each with one to three subjects (its cells or
    its members on that day), and discipline cases for a share of the members found in violation."""
    from dangvu.members.models import ACTIVE_STATUSES, MembershipSpell
    from dangvu.organisations.models import BASE_TYPES, Organisation, OrganisationSpell
    from dangvu.oversight.models import Activity, ActivitySubject, DisciplineCase

    log = log or (lambda message: None)
    rng = random.Random(seed)
    horizon = horizon or timezone.localdate() - timedelta(days=30)
    now = timezone.now()
    root = Organisation.objects.get(pk=root_id)
    spells = list(OrganisationSpell.objects.filter(path__startswith=root.path).values_list(
        "organisation_id", "parent_id", "org_type", "valid_from", "valid_to"))
    children: dict[int, list[tuple[int, date, date | None]]] = {}
    types: dict[int, str] = {}
    founded: dict[int, date] = {}
    for org_id, parent_id, org_type, start, stop in spells:
        types[org_id] = org_type
        founded[org_id] = min(start, founded.get(org_id, start))
        if parent_id:
            children.setdefault(parent_id, []).append((org_id, start, stop))
    members: dict[int, list[tuple[int, date, date | None]]] = {}
    for member_id, org_id, start, stop in MembershipSpell.objects.filter(
            status__in=ACTIVE_STATUSES, organisation_id__in=list(types)).values_list(
            "member_id", "organisation_id", "valid_from", "valid_to").iterator(chunk_size=20000):
        members.setdefault(org_id, []).append((member_id, start, stop))

    def live(org_id, day):
        return [(row[0], org_id) for row in members.get(org_id, []) if row[1] <= day and (row[2] is None or day < row[2])]

    actors = [(root_id, "standing_committee"), (root_id, "inspection_committee")]
    actors += [(org_id, rng.choice(["executive_committee", "inspection_committee", "standing_committee"]))
               for org_id, org_type in types.items() if org_type in BASE_TYPES]
    activities, planned = [], []
    number = 0
    for org_id, actor in actors:
        start = max(founded[org_id], date(2005, 1, 1))
        years = range(start.year, horizon.year + 1)
        for year in years:
            for _ in range(rng.randint(0, per_year * 2 if org_id != root_id else per_year * 20)):
                day = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day < start or day > horizon:
                    continue
                below = [row for row in children.get(org_id, []) if row[1] <= day and (row[2] is None or day < row[2])]
                cells = [row[0] for row in below]
                people = live(org_id, day)
                for cell in cells[:3]:
                    people += live(cell, day)
                if not cells and not people:
                    continue
                number += 1
                activity_type = rng.choice(TYPES)
                activities.append(Activity(
                    organisation_id=org_id, actor=actor, activity_type=activity_type,
                    decision_number=f"{number % 500 + 1}-QĐ/UBKT", decision_date=day,
                    topic=f"{MARK}: nội dung {number}", recorded_at=now))
                subjects = []
                for _ in range(rng.randint(1, 3)):
                    if cells and (not people or rng.random() < 0.4):
                        subjects.append(("o", rng.choice(cells), None))
                    elif people:
                        subjects.append(("m", *rng.choice(people)))
                planned.append((day, sorted(set(subjects))))
    with transaction.atomic():
        Activity.objects.bulk_create(activities, batch_size=5000)
        rows, cases, member_orgs = [], [], []
        for activity, (day, subjects) in zip(activities, planned, strict=True):
            for kind, pk, member_org in subjects:
                member_orgs.append(member_org)
                conclusion = rng.choices(["no_violation", "shortcomings", "violation", "discipline_required"],
                                         [70, 15, 10, 5])[0]
                concluded = day + timedelta(days=rng.randint(10, 60))
                done = concluded <= horizon
                rows.append(ActivitySubject(
                    activity=activity, organisation_id=pk if kind == "o" else None,
                    member_id=pk if kind == "m" else None, conclusion=conclusion if done else "",
                    concluded_on=concluded if done else None, concluded_recorded_at=now if done else None,
                    recorded_at=now))
        ActivitySubject.objects.bulk_create(rows, batch_size=5000)
        for subject, member_org in zip(rows, member_orgs, strict=True):
            if subject.conclusion != "discipline_required" or subject.member_id is None:
                continue
            decided = subject.concluded_on + timedelta(days=rng.randint(5, 40))
            if decided > horizon:
                continue
            organisation_id = subject.activity.organisation_id
            cases.append(DisciplineCase(
                member_id=subject.member_id, subject_organisation_id=member_org, activity_subject=subject,
                violation_from=subject.activity.decision_date - timedelta(days=rng.randint(30, 400)),
                violation_content=rng.choice(CONTENTS), violation_description=f"{MARK}: vi phạm",
                proposed_form=rng.choice(FORMS), status="decided", decided_form=rng.choice(FORMS[:4]),
                decision_number=f"{len(cases) % 300 + 1}-QĐ/ĐU", decision_date=decided, delivered_on=decided,
                deciding_organisation_id=organisation_id, deciding_actor="standing_committee",
                concluded_on=subject.concluded_on, decided_recorded_at=now, recorded_at=now))
        DisciplineCase.objects.bulk_create(cases, batch_size=5000)
    log(f"  {len(activities)} cuộc kiểm tra, giám sát; {len(rows)} đối tượng; {len(cases)} quyết định kỷ luật")
    return OversightStats(len(activities), len(rows), len(cases))
