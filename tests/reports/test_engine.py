"""The engine against a hand-built committee whose true figures are known (see conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from dangvu.development.selectors import admission_figures
from dangvu.members.models import Member, MembershipSpell
from dangvu.members.services import member_set_value
from dangvu.reports.engine import compute, records_for
from dangvu.reports.figures import REGISTRY

pytestmark = pytest.mark.django_db
Y2018 = (date(2018, 1, 1), date(2018, 12, 31))


def nonzero(report, prefix=""):
    return {k: v for k, v in report.figures.items() if v and k.startswith(prefix)}


def names(report, figure_id):
    return sorted(r.label for r in records_for(report, figure_id))


def test_whole_tree_2018_membership_flows_and_reconciliation(committee):
    report = compute(committee.du, *Y2018)
    f = report.figures
    assert (f["members.opening"], f["admissions.total"], f["members.transferred_in"], f["members.transferred_out"],
            f["members.closing"]) == (4, 2, 1, 1, 6)
    # members.transferred_*: a transfer between two cells of R counts neither way (A2 C2→C1, A3 B2→C2).
    assert f["members.transferred_in.same_province"] == 1 and f["members.transferred_out.other_province"] == 1
    assert f["members.org_moved_in"] == f["members.org_moved_out"] == 0  # C3 moved inside DU
    assert f["members.died"] == 0  # the death was voided
    assert f["members.recognized_official"] == 1  # A3 on 01/04/2018
    assert (f["members.closing.official"], f["members.closing.probationary"]) == (2, 4)
    assert names(report, "members.closing") == sorted(
        ["Nguyễn Văn Hùng", "Lê Văn Sơn", "Hoàng Thị Mai", "Đỗ Văn Tài", "Vũ Văn Nam", "Phạm Văn Đức"])
    assert all(c.ok for c in report.checks), [(c.id, c.detail) for c in report.checks if not c.ok]


def test_whole_tree_2018_admission_breakdowns(committee):
    f = compute(committee.du, *Y2018).figures
    assert f["admissions.occupation.worker"] == 1 and f["admissions.occupation.other"] == 1
    assert f["admissions.occupation.enterprise"] == 1  # roll-up of the GLOSSARY
    assert (f["admissions.female"], f["admissions.ethnic_minority"], f["admissions.youth_union"],
            f["admissions.business_owner"]) == (1, 1, 1, 1)
    assert f["admissions.ethnicity.kinh"] + f["admissions.ethnicity.tay"] == 2
    assert f["admissions.age_18_30"] == f["admissions.age.18_30"] == 2
    assert (f["admissions.base_orgs_admitting"], f["orgs.base_party_committees.admitting"],
            f["orgs.base_cells.admitting"]) == (2, 1, 1)


def test_admission_figures_agree_with_the_development_selector(committee):
    for root in (committee.du, committee.b1, committee.b2):
        ours = compute(root, *Y2018, compare=False).figures
        theirs = admission_figures(root=root, date_from=Y2018[0], date_to=Y2018[1])
        for figure_id, value in theirs.items():
            assert ours[figure_id] == value, (root.code, figure_id)


def test_subtree_b1_2018_transfers_cross_the_scope_and_org_moves(committee):
    report = compute(committee.b1, *Y2018)
    f = report.figures
    assert (f["members.opening"], f["admissions.total"], f["members.transferred_in"], f["members.org_moved_in"],
            f["members.transferred_out"], f["members.closing"]) == (2, 1, 2, 1, 1, 5)
    assert names(report, "members.transferred_in") == ["Lê Văn Sơn", "Vũ Văn Nam"]
    assert names(report, "members.org_moved_in") == ["Phạm Văn Đức"]
    assert f["members.recognized_official"] == 0  # A3 was recognised while in B2
    assert (f["orgs.closing.base"], f["orgs.closing.subordinate_cells"]) == (1, 3)  # C1, C2, C3 (moved in)
    assert all(c.ok for c in report.checks)


def test_subtree_b3_org_moved_out(committee):
    f = compute(committee.b3, *Y2018).figures
    assert (f["members.opening"], f["members.org_moved_out"], f["members.closing"]) == (1, 1, 0)


def test_period_cutting_through_events(committee):
    report = compute(committee.b1, date(2018, 4, 1), date(2018, 6, 30))
    f = report.figures
    # Opening 31/03/2018: A1, A2 (moved to C1 on 01/03), A4 (admitted 01/02).
    assert (f["members.opening"], f["members.transferred_in"], f["members.transferred_out"], f["admissions.total"],
            f["members.closing"]) == (3, 1, 1, 0, 3)
    assert all(c.ok for c in report.checks)


def test_period_without_events(committee):
    f = compute(committee.b1, date(2019, 1, 1), date(2019, 1, 31)).figures
    assert f["members.opening"] == f["members.closing"] == 5
    assert sum(f[k] for k in ("admissions.total", "members.transferred_in", "members.transferred_out",
                              "members.org_moved_in", "members.died")) == 0


def test_as_of_before_a_correction_counts_what_was_known_then(committee):
    report = compute(committee.du, *Y2018, as_of=committee.before_void)
    assert report.method == "replay"
    f = report.figures
    assert (f["members.died"], f["members.closing"]) == (1, 5)
    assert names(report, "members.died") == ["Hoàng Thị Mai"]
    assert all(c.ok for c in report.checks)
    today = compute(committee.du, *Y2018)
    assert today.method == "spells" and today.figures["members.died"] == 0


def test_a_dated_value_entered_after_the_instant_does_not_count_as_of_then(committee, system_user):
    """REPORTS.md "As of": a value entered later (here a back-dated occupation and a flag) is not what was
    known at the instant, even though no ledger event changed since: the report as of then is unchanged,
    and the report as of now counts it."""
    instant = timezone.now()
    before = compute(committee.du, *Y2018, as_of=instant, compare=False, narrative=False)
    assert before.method == "spells"
    a2 = committee.members["A2"]
    member_set_value(actor=system_user, member=a2, attribute="occupation", value="retired", valid_from=date(2017, 1, 1))
    member_set_value(actor=system_user, member=a2, attribute="is_youth_union_member", value=True,
                     valid_from=date(2017, 1, 1))
    again = compute(committee.du, *Y2018, as_of=instant, compare=False, narrative=False)
    assert again.method == "replay"
    assert again.figures == before.figures
    assert "Nguyễn Văn Hùng" in names(again, "members.closing.occupation.worker")
    now = compute(committee.du, *Y2018, compare=False, narrative=False)
    f, b = now.figures, before.figures
    assert now.method == "spells"
    assert f["members.closing.occupation.retired"] == b["members.closing.occupation.retired"] + 1
    assert f["members.closing.occupation.worker"] == b["members.closing.occupation.worker"] - 1
    assert f["members.closing.youth_union"] == b["members.closing.youth_union"] + 1


PERIODS = [Y2018, (date(2018, 4, 1), date(2018, 6, 30)), (date(2018, 7, 15), date(2018, 8, 15)),
           (date(2016, 1, 1), date(2017, 12, 31)), (date(2018, 11, 1), date(2018, 11, 1)),
           (date(2019, 1, 1), date(2019, 12, 31))]


@pytest.mark.parametrize("period", PERIODS)
def test_sql_stock_and_full_replay_give_the_same_figures_and_records(committee, period):
    """The fast path (stock counted in SQL, Python only for members who move) against the replay of every
    ledger in Python: same figures, same drill-down rows, for every root and several periods."""
    for root in (committee.du, committee.b1, committee.b2, committee.b3, committee.c1, committee.c3):
        fast = compute(root, *period, compare=False, narrative=False)
        slow = compute(root, *period, compare=False, narrative=False, method="full-replay")
        assert (fast.method, slow.method) == ("spells", "full-replay")
        assert fast.figures == slow.figures, (root.code, period, {
            k: (v, slow.figures[k]) for k, v in fast.figures.items() if v != slow.figures[k]})
        for population in ("opening", "closing"):
            rows = [(r.key, r.label, r.day, r.organisation, r.description, r.attrs) for r in fast.populations[population]]
            assert rows == [(r.key, r.label, r.day, r.organisation, r.description, r.attrs)
                            for r in slow.populations[population]], (root.code, period, population)
        assert [c.ok for c in fast.checks] == [c.ok for c in slow.checks]


@pytest.mark.parametrize("period", PERIODS)
def test_as_of_replays_only_changed_ledgers_and_agrees_with_full_replay(committee, period):
    for root in (committee.du, committee.b1, committee.c1):
        hybrid = compute(root, *period, as_of=committee.before_void, compare=False, narrative=False)
        slow = compute(root, *period, as_of=committee.before_void, compare=False, narrative=False,
                       method="full-replay")
        assert hybrid.method == "replay"
        assert hybrid.figures == slow.figures, (root.code, period)
        for figure_id in ("members.closing", "members.opening", "members.died", "members.closing.female"):
            assert ([(r.key, r.day) for r in records_for(hybrid, figure_id)]
                    == [(r.key, r.day) for r in records_for(slow, figure_id)]), figure_id


def test_drill_down_of_the_sql_stock_builds_only_the_matching_rows(committee):
    report = compute(committee.du, *Y2018, compare=False, narrative=False)
    assert report.populations.pending("closing")  # counted in SQL, no record built yet
    assert names(report, "members.closing.female") == ["Hoàng Thị Mai"]
    assert names(report, "members.closing.occupation.worker") == ["Hoàng Thị Mai", "Nguyễn Văn Hùng"]
    assert report.populations.pending("closing")
    assert len(report.populations["closing"]) == report.figures["members.closing"] == 6
    assert not report.populations.pending("closing")


def test_oversight_and_discipline_figures(committee):
    f = compute(committee.du, *Y2018).figures
    assert f["oversight.inspection_committee.supervision_thematic.orgs"] == 1
    assert f["oversight.inspection_committee.supervision_thematic.members"] == 1
    assert (f["discipline.members.total"], f["discipline.members.persons"], f["discipline.members.reprimand"],
            f["discipline.members.by_body.cell"]) == (1, 1, 1, 1)


def test_without_oversight_rights_the_report_has_no_confidential_figures(committee):
    report = compute(committee.du, *Y2018, confidential=False)
    assert not any(k.startswith(("oversight.", "discipline.", "programmes.")) for k in report.figures)
    assert "kỷ luật" not in report.text


def test_inconsistent_fixture_fails_members_reconciliation(committee):
    # A spell with no ledger event behind it (corrupt derived data): the check shows it, never hides it.
    ghost = Member.objects.create(full_name="Ma Văn Khống", gender="male", date_of_birth=date(1990, 1, 1),
                                  search_name="ma van khong", sort_key="khong")
    MembershipSpell.objects.create(member=ghost, status="official", organisation=committee.c1,
                                   valid_from=date(2018, 5, 5))
    report = compute(committee.du, *Y2018)
    check = next(c for c in report.checks if c.id == "members.reconciliation")
    assert not check.ok and "Ma Văn Khống" in check.detail
    assert report.figures["members.closing"] == 7


def test_partition_check_fails_for_a_value_outside_the_code_list(committee):
    Member.objects.filter(pk=committee.members["A5"].pk).update(ethnicity="klingon")
    report = compute(committee.du, *Y2018)
    failed = {c.id for c in report.checks if not c.ok}
    assert {"admissions.ethnicity.sum", "members.closing.ethnicity.sum"} <= failed


def test_drill_down_rows_equal_every_figure(committee):
    """Every count figure of the registry: the drill-down has exactly as many rows as the figure says."""
    for root, period in ((committee.du, Y2018), (committee.b1, Y2018), (committee.b1, (date(2018, 4, 1),
                                                                                        date(2018, 6, 30)))):
        report = compute(root, *period, compare=False)
        for figure in REGISTRY.values():
            if figure.kind != "count":
                continue
            if figure.population == "oversight" and not report.figures[figure.id]:
                continue  # zero oversight figures: checked in one pass below
            assert len(records_for(report, figure.id)) == report.figures[figure.id], figure.id
        from dangvu.oversight.figures import _rows  # noqa: PLC0415 - one pass for all zero figures

        counted = set().union(*(r.figures for r in _rows(root, *period, report.as_of)))
        zero = [k for k, v in report.figures.items() if REGISTRY[k].population == "oversight" and not v]
        assert not any(k in counted for k in zero if not k.endswith(".distinct") and k != "discipline.members.persons")


def test_every_catalogue_figure_is_present(committee):
    report = compute(committee.b2, *Y2018)
    assert set(REGISTRY) == set(report.figures)
    assert len(REGISTRY) > 600
    for prefix in ("members.", "admissions.", "orgs.", "oversight.", "discipline.", "programmes."):
        assert any(k.startswith(prefix) for k in report.figures)
    assert all(REGISTRY[k].label for k in report.figures)
