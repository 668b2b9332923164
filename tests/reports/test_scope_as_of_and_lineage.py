"""The two counting conventions of REPORTS.md the report engine got wrong before:

(a) "As of": figures computed as of an instant use the organisation tree as known at that instant (an
    organisation move or merger recorded later is ignored), the way the organisations app rebuilds it
    (``organisations.selectors._paths_known_at``, the tree page's "dữ liệu đã biết đến" view);
(b) "Scope by lineage": oversight and discipline records of an organisation X count for R when X was later
    merged into an organisation inside R on the merger date (a predecessor's past counts for its successor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from dangvu.organisations.models import Organisation, OrganisationEvent
from dangvu.organisations.selectors import _paths_known_at
from dangvu.organisations.services import Decision, organisation_found, organisation_merge
from dangvu.oversight import services
from dangvu.oversight.figures import figure_records, oversight_figures
from dangvu.reports.engine import compute, records_for
from dangvu.reports.scope import LineageScope
from tests.oversight.factory import activity, official

pytestmark = pytest.mark.django_db
Y2018 = (date(2018, 1, 1), date(2018, 12, 31))


# (a) The tree as known at the as-of instant ---------------------------------------------------------

def _before_move(committee):
    move = OrganisationEvent.objects.get(organisation=committee.c3, kind="move")
    return move.recorded_at - timedelta(microseconds=1)


def test_as_of_before_a_move_was_recorded_uses_the_tree_known_then(committee):
    """C3 moved from B3 to B1 on 01/08/2018, recorded after every ledger event of 2018 but the voided
    death: as of just before that recording, C3 and M6 are still B3's all year."""
    as_of = _before_move(committee)
    b1 = compute(committee.b1, *Y2018, as_of, compare=False, narrative=False)
    assert b1.figures["members.org_moved_in"] == 0
    assert b1.figures["members.closing"] == 4  # A2, A4 (C1), A3, R1 (C2); not M6
    assert b1.figures["orgs.closing.subordinate_cells"] == 2  # C1, C2; not C3
    assert {r.label for r in records_for(b1, "members.closing")} == {
        "Nguyễn Văn Hùng", "Hoàng Thị Mai", "Lê Văn Sơn", "Vũ Văn Nam"}
    b3 = compute(committee.b3, *Y2018, as_of, compare=False, narrative=False)
    assert b3.figures["members.closing"] == 1 and b3.figures["members.org_moved_out"] == 0
    assert b3.figures["orgs.closing.subordinate_cells"] == 1
    assert all(check.ok for check in b1.checks + b3.checks), [c.detail for c in b1.checks + b3.checks if not c.ok]
    # Today's tree: the move counts.
    now_b1 = compute(committee.b1, *Y2018, compare=False, narrative=False)
    assert now_b1.figures["members.org_moved_in"] == 1 and now_b1.figures["members.closing"] == 5
    assert now_b1.figures["orgs.closing.subordinate_cells"] == 3


@pytest.mark.parametrize("period", [Y2018, (date(2018, 1, 1), date(2018, 6, 30)), (date(2017, 1, 1), date(2019, 12, 31))])
def test_as_of_tree_agrees_with_full_replay_and_the_sql_stock(committee, period):
    """The SQL stock (by organisation ids of the tree known then) and the full replay agree on every figure."""
    as_of = _before_move(committee)
    for root in (committee.du, committee.b1, committee.b3):
        fast = compute(root, *period, as_of, compare=False, narrative=False)
        slow = compute(root, *period, as_of, compare=False, narrative=False, method="full-replay")
        assert fast.figures == slow.figures, root.code
        for figure_id in ("members.closing", "members.opening", "members.closing.occupation.worker"):
            assert sorted(r.key for r in records_for(fast, figure_id)) == sorted(
                r.key for r in records_for(slow, figure_id))


def test_lineage_scope_paths_as_known_equal_the_organisations_selector(committee):
    """The scope's tree as of an instant is the organisations app's tree as known at that instant."""
    as_of = _before_move(committee)
    scope = LineageScope(committee.du, as_of)
    assert not scope.current
    for day in (date(2015, 1, 1), date(2018, 7, 31), date(2018, 8, 1), date(2020, 1, 1)):
        known = _paths_known_at(day, as_of)
        ours = {pk: scope.path_on(pk, day) for pk in Organisation.objects.values_list("pk", flat=True)}
        assert {pk: row["path"] for pk, row in known.items()} == {pk: p for pk, p in ours.items() if p}
    assert scope.path_on(committee.c3.pk, date(2018, 9, 1)).startswith(scope.path_on(committee.b3.pk, date(2018, 9, 1)))
    assert LineageScope(committee.du).path_on(committee.c3.pk, date(2018, 9, 1)).startswith(
        LineageScope(committee.du).path_on(committee.b1.pk, date(2018, 9, 1)))


# (b) Oversight and discipline by lineage --------------------------------------------------------------

@dataclass
class Merged:
    b3: Organisation
    c4: Organisation
    member: object
    before_merger: object


@pytest.fixture
def merged(tree, system_user) -> Merged:
    """B3 ⊃ C4 under DU. In 2018 C4 supervises its member X, B3's standing committee inspects C4, C4's
    executive committee supervises X, and C4 reprimands X. On 01/03/2019 C4 merges into C1 (under B1)."""
    d = Decision("03-QĐ/ĐU", date(2015, 1, 1), "BTV")
    b3 = organisation_found(actor=system_user, code="B3", name="Đảng bộ Công ty Gamma", org_type="base_party_committee",
                            parent=tree.du, founded_on=date(2015, 1, 1), decision=d)
    c4 = organisation_found(actor=system_user, code="C4", name="Chi bộ Kho lạnh", org_type="subordinate_cell",
                            parent=b3, founded_on=date(2015, 1, 1), decision=d)
    x = official(system_user, c4, "Đinh Văn Xuân")
    activity(system_user, c4, "cell", "supervision_regular", on=date(2018, 3, 2), members=[x], number="1-QĐ/CB")
    activity(system_user, c4, "executive_committee", "supervision_thematic", on=date(2018, 3, 9), members=[x],
             number="2-QĐ/CB")
    activity(system_user, b3, "standing_committee", "compliance", on=date(2018, 4, 1), orgs=[c4], number="3-QĐ/ĐU")
    case = services.case_open(actor=system_user, member=x, violation_from=date(2018, 1, 5),
                              violation_content="party_duties", violation_description="Vi phạm",
                              proposed_form="reprimand")
    services.case_decide(actor=system_user, case=case, deciding_organisation=c4, deciding_actor="cell",
                         concluded_on=date(2018, 5, 2), votes={"reprimand": 5}, voting_members=7,
                         decision_number="4-QĐ/CB", decision_date=date(2018, 5, 2), delivered_on=date(2018, 5, 3))
    from django.utils import timezone

    before = timezone.now()
    organisation_merge(actor=system_user, organisation=c4, into=tree.c1, effective_date=date(2019, 3, 1),
                       decision=Decision("9-QĐ/ĐU", date(2019, 3, 1), "BTV"))
    return Merged(b3=b3, c4=c4, member=x, before_merger=before)


def test_a_predecessors_oversight_and_discipline_count_for_the_successors_subtree(tree, merged):
    """REPORTS.md scope by lineage: C4's 2018 activities and decisions count for B1 (C4 was merged into C1,
    inside B1 on the merger date), as well as for B3 and DU (C4 was inside them on the day); never twice."""
    b1 = oversight_figures(tree.b1, *Y2018)
    assert b1["oversight.cells.supervision_regular.members"] == 1
    assert b1["oversight.cells.supervision_thematic.members"] == 1
    assert b1["discipline.members.total"] == 1 and b1["discipline.members.reprimand"] == 1
    assert b1["discipline.members.by_body.cell"] == 1
    assert b1["oversight.base_committees.inspection.orgs"] == 0  # B3 acted, and B3 is not B1's predecessor
    assert [r.label for r in figure_records(tree.b1, *Y2018, "discipline.members.total")] == ["Đinh Văn Xuân"]
    b3 = oversight_figures(merged.b3, *Y2018)
    assert b3["oversight.cells.supervision.members"] == 2 and b3["discipline.members.total"] == 1
    assert b3["oversight.standing_committee.inspection.orgs"] == 1
    du = oversight_figures(tree.du, *Y2018)
    assert du["oversight.cells.supervision.members"] == 2 and du["discipline.members.total"] == 1
    assert du["oversight.base_committees.inspection.orgs"] == 1
    # Not in B2's subtree, by the tree or by lineage.
    assert not any(oversight_figures(tree.b2, *Y2018).values())


def test_a_predecessor_merged_into_the_root_acts_as_the_roots_own_committee(tree, merged):
    """For R = C1, C4 (merged into C1) is C1's predecessor: its executive committee's activity is R's
    executive committee's; its cell meeting (REPORTS.md has no actor for R's own cell) does not count."""
    c1 = oversight_figures(tree.c1, *Y2018)
    assert c1["oversight.executive_committee.supervision_thematic.members"] == 1
    assert c1["oversight.cells.supervision.members"] == 0
    assert c1["discipline.members.total"] == 1


def test_lineage_follows_the_tree_known_at_the_as_of_instant(tree, merged):
    """As of before the merger was recorded, C4 was not (yet known to be) merged: nothing counts for B1."""
    before = oversight_figures(tree.b1, *Y2018, as_of=merged.before_merger)
    assert before["oversight.cells.supervision.members"] == 0 and before["discipline.members.total"] == 0
    assert oversight_figures(merged.b3, *Y2018, as_of=merged.before_merger)["discipline.members.total"] == 1


def test_the_report_engine_counts_and_drills_the_lineage_records(tree, merged):
    report = compute(tree.b1, *Y2018, compare=False, narrative=False)
    assert report.figures["discipline.members.total"] == 1
    assert report.figures["oversight.cells.supervision.members"] == 2
    rows = records_for(report, "oversight.cells.supervision.members")
    assert len(rows) == 2 and {r.member_id for r in rows} == {merged.member.pk}
    # The member's admission (2016, in C4) belongs to B1's past as well (same convention, membership side).
    assert compute(tree.b1, date(2016, 1, 1), date(2016, 12, 31), compare=False,
                   narrative=False).figures["admissions.total"] == 1


# The walk's shortcut for members inside R all period with only recognitions -----------------------------

@pytest.mark.parametrize("code", ["du", "b1", "c1", "c2"])
def test_members_with_only_a_recognition_count_as_the_walk_counts_them(committee, code):
    """2017: A1 (C1 all year) is recognised on 01/03/2017 and nothing else happens to her. The spells path
    records her recognition without walking; the full replay walks her: same figures, same records."""
    root = getattr(committee, code)
    period = (date(2017, 1, 1), date(2017, 12, 31))
    fast = compute(root, *period, compare=False, narrative=False)
    slow = compute(root, *period, compare=False, narrative=False, method="full-replay")
    assert fast.figures == slow.figures
    expected = 1 if code in ("du", "b1", "c1") else 0
    assert fast.figures["members.recognized_official"] == expected
    assert [(r.key, r.day, r.organisation) for r in records_for(fast, "members.recognized_official")] == [
        (r.key, r.day, r.organisation) for r in records_for(slow, "members.recognized_official")]
