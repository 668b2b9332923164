"""Fixtures of the organisation page tests: decisions as form data, official members, a term."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.common.dates import add_months
from dangvu.members.models import EventKind
from dangvu.organisations.services import Decision, term_create


def decision(**fields) -> dict[str, str]:
    """Form data of a decision (effective date, number, date, deciding body), overridable by keyword."""
    return {"ngay_hieu_luc": "01/06/2020", "so_quyet_dinh": "125-QĐ/ĐU", "ngay_quyet_dinh": "25/05/2020",
            "co_quan_quyet_dinh": "Ban Thường vụ Đảng ủy", **fields}


@pytest.fixture
def official(admit, system_user):
    """official(org, name=...) -> an official member (admitted 01/03/2016, recognised 01/03/2017)."""
    from dangvu.members.services import member_record_event

    def _official(organisation, name="Phạm Văn Dũng", on=date(2016, 3, 1)):
        member = admit(organisation, name=name, on=on)
        member_record_event(actor=system_user, member=member, kind=EventKind.RECOGNITION,
                            effective_date=add_months(on, 12), decision=Decision("9-QĐ/ĐU", add_months(on, 12), "BTV"))
        member.refresh_from_db()
        return member

    return _official


@pytest.fixture
def b1_term(tree, system_user):
    return term_create(actor=system_user, organisation=tree.b1, label="2020 – 2025", starts_on=date(2020, 7, 1),
                       ends_on=None)
