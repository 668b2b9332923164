"""Helpers: official members to introduce, a candidate, and a walk through the admission path with
dates that satisfy every rule unless a test overrides one step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from dangvu.development.services import Approval, candidate_create, candidate_record_step
from dangvu.members.models import EventKind
from dangvu.members.services import member_record_event
from dangvu.organisations.services import Decision


@pytest.fixture
def official(system_user, admit):
    """official(org, name, admitted=date(2019, 1, 2)) -> an official member (recognised 12 months on)."""
    from dangvu.common.dates import add_months

    def _official(organisation, name, admitted=date(2019, 1, 2)):
        member = admit(organisation, name=name, on=admitted, ceremony=admitted)
        member_record_event(actor=system_user, member=member, kind=EventKind.RECOGNITION,
                            effective_date=add_months(admitted, 12), decision=Decision("9-QĐ/ĐU", add_months(admitted, 12), "BTV"))
        return member

    return _official


@dataclass
class Path:
    """Dates of the standard path (2021 texts); a test replaces any of them."""

    listed: date = date(2022, 6, 1)
    course: date = date(2023, 1, 10)
    application: date = date(2023, 2, 1)
    background: date = date(2023, 2, 5)
    verification: date = date(2023, 3, 1)
    introducers: date = date(2023, 3, 10)
    comments: date = date(2023, 3, 15)
    cell_resolution: date = date(2023, 3, 20)
    base_resolution: date = date(2023, 3, 27)
    decision: date = date(2023, 4, 10)
    received: date = date(2023, 4, 12)
    ceremony: date = date(2023, 5, 5)
    recognition_vote: date = date(2024, 5, 6)
    recognition: date = date(2024, 5, 20)

    def shift_years(self, years: int) -> Path:
        return Path(**{k: v.replace(year=v.year + years) for k, v in self.__dict__.items()})


ORDER = ("course", "application", "background", "verification", "introducers", "comments", "cell_resolution",
         "base_resolution", "decision", "ceremony", "recognition_vote", "recognition")


class Walker:
    def __init__(self, actor, introducers):
        self.actor = actor
        self.introducers = introducers
        self.counter = 0

    def candidate(self, organisation, *, name="Phạm Thị Hoa", born=date(1998, 5, 20), path: Path | None = None,
                  **data):
        self.counter += 1
        path = path or Path()
        data.setdefault("citizen_id", f"07919800{self.counter:04d}")
        return candidate_create(actor=self.actor, organisation=organisation, data={
            "full_name": name, "gender": "female", "date_of_birth": born, "listed_on": path.listed,
            "occupation": "worker", "general_education": "upper_secondary", "is_youth_union_member": True,
            **data})

    def step(self, candidate, kind, day, path: Path | None = None, approval: Approval | None = None, **extra):
        path = path or Path()
        document = Decision()
        details: dict = {}
        received = None
        if kind == "course":
            document = Decision("CN-123/2023", day, "Trung tâm Chính trị")
        elif kind == "introducers":
            details = {"introducers": [{"member_id": m.pk, "since": "2021-01-04"} for m in self.introducers]}
        elif kind == "comments":
            details = {"mass_org_on": day.isoformat(), "residence_on": day.isoformat()}
        elif kind == "cell_resolution":
            document = Decision("01-NQ/CB", day, "Chi bộ")
            details = {"official_total": 4, "votes_for": 4}
        elif kind == "base_resolution":
            document = Decision("05-NQ/ĐU", day, "Đảng ủy Công ty Alpha")
        elif kind == "decision":
            document = Decision("125-QĐ/ĐU", day, "Ban Thường vụ Đảng ủy Khu công nghiệp Demo")
            details = {"body_kind": "superior_standing", "signer": "Lê Văn Bí", "place": "TP. Hồ Chí Minh"}
            received = path.received
        elif kind == "recognition_vote":
            document = Decision("07-NQ/CB", day, "Chi bộ")
            details = {"official_total": 4, "votes_for": 4}
        elif kind == "recognition":
            document = Decision("310-QĐ/ĐU", day, "Ban Thường vụ Đảng ủy Khu công nghiệp Demo")
            details = {"body_kind": "superior_standing", "signer": "Lê Văn Bí"}
        details.update(extra.pop("details", {}))
        if "received" in extra:
            received = extra.pop("received")
        document = extra.pop("document", document)
        return candidate_record_step(actor=self.actor, candidate=candidate, kind=kind, day=day, document=document,
                                     received_on=received, details=details, approval=approval)

    def walk(self, candidate, upto: str, path: Path | None = None, *, skip_base: bool = False):
        """Record every step up to and including ``upto``."""
        path = path or Path()
        for kind in ORDER:
            if kind == "base_resolution" and (skip_base or candidate.organisation.org_type != "subordinate_cell"):
                if upto == kind:
                    return
                continue
            self.step(candidate, kind, getattr(path, kind), path)
            if kind == upto:
                return


@pytest.fixture
def walker(tree, cast, system_user, official):
    introducers = [official(tree.c1, "Nguyễn Văn Giới"), official(tree.c1, "Trần Thị Thiệu")]
    # The cell's two introducers plus two more officials in B2 for base cells.
    walker = Walker(system_user, introducers)
    walker.b2_introducers = [official(tree.b2, "Võ Văn Ba"), official(tree.b2, "Đỗ Thị Bốn")]
    return walker
