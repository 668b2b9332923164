"""Suspension of an organisation's activity (SUS-02, SUS-03 organisation limit, AUTH-02 for the deciding
body), alongside the member suspensions of test_effects.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from dangvu.members.models import LedgerEvent
from dangvu.oversight import services
from dangvu.oversight.figures import oversight_figures
from dangvu.oversight.models import Suspension
from dangvu.rules.engine import param, rule_in_force
from tests.oversight.test_rules import refused

pytestmark = pytest.mark.django_db


def _args(tree, **extra):
    return {"kind": "organisation", "ground": "obstruction", "deciding_organisation": tree.du,
            "deciding_actor": "standing_committee", "decision_number": "8-QĐ/ĐU", "starts_on": date(2026, 5, 4),
            **extra}


def test_sus_03_the_organisation_limit_is_data_of_both_texts():
    assert param("SUS-03", "org_max_days", date(2026, 4, 10)) == 90
    assert param("SUS-03", "org_max_days", date(2026, 4, 11)) == 90
    assert "QĐ 21-QĐ/TW" in rule_in_force("SUS-03", date(2026, 5, 4)).basis


def test_sus_03_an_organisation_is_suspended_at_most_90_days(tree, system_user, people):
    refused("SUS-03", services.suspension_decide, actor=system_user, organisation=tree.b2,
            **_args(tree, ends_on=date(2026, 8, 3)))  # 91 days
    suspension = services.suspension_decide(actor=system_user, organisation=tree.b2,
                                            **_args(tree, ends_on=date(2026, 7, 3)))
    assert suspension.subject_organisation == tree.b2 and suspension.member is None
    assert suspension.subject_name == "Chi bộ Công ty Beta"
    # Members may be extended to 120 days in all under QĐ 21; an organisation stays within 90.
    refused("SUS-03", services.suspension_extend, actor=system_user, suspension=suspension,
            new_ends_on=date(2026, 8, 3))
    services.suspension_extend(actor=system_user, suspension=suspension, new_ends_on=date(2026, 8, 2))
    refused("SUS-08", services.suspension_extend, actor=system_user, suspension=suspension,
            new_ends_on=date(2026, 8, 2))
    # Nothing in the members' ledger: the member of B2 is not suspended by the organisation's suspension.
    people.b2m.refresh_from_db()
    assert not people.b2m.is_suspended
    assert not LedgerEvent.objects.filter(member=people.b2m, kind="suspension").exists()
    services.suspension_end(actor=system_user, suspension=suspension, ended_on=date(2026, 7, 31))
    suspension.refresh_from_db()
    assert suspension.ended_on == date(2026, 7, 31)
    # The members' figure counts members only.
    assert oversight_figures(tree.du, date(2026, 1, 1), date(2026, 12, 31))["discipline.members.suspended"] == 0


def test_sus_02_exactly_one_subject_and_the_grounds_of_an_organisation(tree, system_user, people):
    ends = {"ends_on": date(2026, 6, 30)}
    refused("SUS-02", services.suspension_decide, actor=system_user, organisation=tree.b2, member=people.b2m,
            **_args(tree, **ends))
    refused("SUS-02", services.suspension_decide, actor=system_user, **_args(tree, **ends))
    refused("SUS-02", services.suspension_decide, actor=system_user, organisation=tree.b2,
            **_args(tree, ground="detained", **ends))
    refused("SUS-02", services.suspension_decide, actor=system_user, organisation=tree.b2,
            **_args(tree, kind="party", **ends))
    refused("SUS-02", services.suspension_decide, actor=system_user, member=people.b2m,
            **_args(tree, **ends))  # "organisation" kind for a member
    assert Suspension.objects.count() == 0


def test_auth_02_only_a_committee_above_suspends_an_organisation(tree, system_user):
    ends = {"ends_on": date(2026, 6, 30)}
    refused("AUTH-02", services.suspension_decide, actor=system_user, organisation=tree.b2,
            **_args(tree, deciding_organisation=tree.b1, deciding_actor="executive_committee", **ends))
    refused("AUTH-02", services.suspension_decide, actor=system_user, organisation=tree.b1,
            **_args(tree, deciding_actor="inspection_committee", **ends))
    refused("AUTH-02", services.suspension_decide, actor=system_user, organisation=tree.du,
            **_args(tree, **ends))  # not above itself
    assert services.suspension_decide(actor=system_user, organisation=tree.c1,
                                      **_args(tree, deciding_organisation=tree.b1,
                                              deciding_actor="executive_committee", **ends)).pk


def test_a_suspension_has_exactly_one_subject_in_the_database(tree, system_user, people):
    row = {"subject_organisation": tree.b2, "kind": "organisation", "ground": "obstruction",
           "deciding_organisation": tree.du, "deciding_actor": "standing_committee", "decision_number": "1",
           "starts_on": date(2026, 5, 4), "ends_on": date(2026, 6, 4), "recorded_at": "2026-05-04T08:00:00+07:00"}
    for subjects in ({}, {"member": people.b2m, "organisation": tree.b2}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Suspension.objects.create(**row, **subjects)
