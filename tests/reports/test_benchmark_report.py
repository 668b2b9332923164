"""``dangvu benchmark_report``: generated register and oversight history, engine and hand-written SQL timed in the
same run, and the run fails when they disagree (issue 5's performance criterion compares the two)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangvu.oversight.models import Activity, DisciplineCase
from dangvu.reports import bench as report_bench
from dangvu.reports.figures import REGISTRY
from dangvu.reports.management.commands import benchmark_report

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written SQL is PostgreSQL's")


def test_keep_without_a_generated_register_refuses_in_vietnamese():
    with pytest.raises(CommandError, match="Chưa có dữ liệu thử tải"):
        call_command("benchmark_report", "--keep", "--runs", "0", stdout=StringIO())


@postgres_only
def test_engine_and_hand_written_sql_agree_on_a_generated_register():
    out = StringIO()
    call_command("benchmark_report", "--members", "600", "--orgs", "60", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert Activity.objects.filter(topic__contains=report_bench.MARK).exists()
    assert DisciplineCase.objects.exists()
    lines = [line for line in text.splitlines() if "hand-written SQL" in line]
    assert len(lines) == 2 and all(" 0 differ" in line for line in lines), text
    for line in lines:
        # Every figure of the engine is computed by the hand-written SQL and compared one by one …
        compared = int(re.search(r"(\d+) figures compared", line).group(1))
        assert compared == len(REGISTRY) and " 0 of the engine's not compared" in line, line
        # … and a good share of them are not zero, so that the comparison does not pass on empty families.
        nonzero = int(re.search(r"\((\d+) non-zero\)", line).group(1))
        assert nonzero >= 75, line
    # Reused, not generated again, with --keep.
    again = StringIO()
    call_command("benchmark_report", "--keep", "--runs", "0", stdout=again)
    assert "Sinh" not in again.getvalue()


@postgres_only
def test_a_disagreement_between_engine_and_sql_fails_the_run(monkeypatch):
    call_command("benchmark_report", "--members", "300", "--orgs", "30", "--runs", "0", stdout=StringIO())
    wrong = dict(benchmark_report.SQL)
    wrong["admissions"] = wrong["admissions"].replace("count(*)", "count(*) + 1", 1)
    monkeypatch.setattr(benchmark_report, "SQL", wrong)
    with pytest.raises(CommandError, match="admissions.total"):
        call_command("benchmark_report", "--keep", "--runs", "1", stdout=StringIO())


@postgres_only
def test_the_families_the_generator_leaves_at_zero_are_compared_on_records_of_their_own(system_user):
    """The generated register has no transfers in, exemptions, academic titles, organisation changes, posts,
    programmes, suspensions or organisation discipline: add a few through the services (or as the services
    store them) so that the hand-written SQL of those figures is compared with non-zero values too."""
    from datetime import date, timedelta

    from django.utils import timezone

    from dangvu.demo import bench
    from dangvu.members.models import EventKind, LedgerEvent, Member, MembershipSpell
    from dangvu.members.services import member_receive, member_record_event, member_set_value
    from dangvu.organisations.models import Organisation, OrgType
    from dangvu.organisations.services import (
        Decision,
        body_create,
        organisation_dissolve,
        organisation_found,
        organisation_move,
        post_assign,
        term_create,
        )
    from dangvu.oversight.models import ActivitySubject, Programme, Suspension
    from dangvu.reports.engine import compute

    call_command("benchmark_report", "--members", "600", "--orgs", "60", "--runs", "0", stdout=StringIO())
    stats = bench.existing_stats()
    committee = Organisation.objects.get(pk=stats.committee_id)
    cells = Organisation.objects.filter(org_type=OrgType.SUBORDINATE_CELL, path__startswith=committee.path)
    others = Organisation.objects.filter(org_type=OrgType.SUBORDINATE_CELL).exclude(path__startswith=committee.path)
    now = timezone.now()

    def quiet_members(org):
        """Official members of ``org`` with no ledger event since 2024 (a transfer can be dated then)."""
        busy = LedgerEvent.objects.filter(effective_date__gte=date(2024, 1, 1)).values("member_id")
        ids = (MembershipSpell.objects.filter(organisation=org, status="official", valid_to__isnull=True,
                                              valid_from__lt=date(2024, 1, 1))
               .exclude(member_id__in=busy).values_list("member_id", flat=True))
        return list(Member.objects.filter(pk__in=list(ids)).order_by("pk"))

    inside = next(c for c in cells if len(quiet_members(c)) >= 5)
    leaving = next(c for c in cells.exclude(pk=inside.pk) if quiet_members(c))
    outside = next(c for c in others if quiet_members(c))
    moved = next(c for c in others.exclude(pk=outside.pk) if quiet_members(c))
    staying = quiet_members(inside)

    def decision(day):
        return Decision("9-QĐ/ĐU", day, "Ban Thường vụ")

    # Transfers across the committee's scope both ways (inside the whole committee: neither way for it), and a
    # member received from another province.
    member_record_event(actor=system_user, member=staying[0], kind=EventKind.TRANSFER,
                        effective_date=date(2024, 5, 2), decision=decision(date(2024, 5, 2)), organisation=outside)
    member_record_event(actor=system_user, member=quiet_members(outside)[0], kind=EventKind.TRANSFER,
                        effective_date=date(2024, 5, 3), decision=decision(date(2024, 5, 3)), organisation=inside)
    member_receive(actor=system_user, profile={"full_name": "Phạm Thị Dung", "gender": "female",
                                               "date_of_birth": date(1990, 5, 1), "citizen_id": "079190000777"},
                   organisation=inside, decision=decision(date(2024, 6, 1)), received_on=date(2024, 6, 1),
                   from_place="Đảng bộ tỉnh Bình Phước", other_province=True, status="official",
                   admitted_on=date(2015, 2, 1), official_on=date(2016, 2, 1))
    # A member removed and restored in the period.
    member_record_event(actor=system_user, member=staying[4], kind=EventKind.REMOVAL,
                        effective_date=date(2024, 2, 10), decision=decision(date(2024, 2, 10)))
    member_record_event(actor=system_user, member=staying[4], kind=EventKind.RESTORATION,
                        effective_date=date(2024, 10, 1), decision=decision(date(2024, 10, 1)))
    # An exemption and dated values on the last day.
    member_record_event(actor=system_user, member=staying[1], kind=EventKind.EXEMPTION,
                        effective_date=date(2024, 3, 1), decision=decision(date(2024, 3, 1)))
    for attribute, value in (("is_youth_union_member", True), ("has_foreign_spouse", True),
                             ("is_business_owner", True)):
        member_set_value(actor=system_user, member=staying[2], attribute=attribute, value=value,
                         valid_from=date(2023, 1, 1))
    member_set_value(actor=system_user, member=staying[2], attribute="academic_title", value="professor",
                     valid_from=date(2023, 1, 1))
    # A cell founded and dissolved in the period; a cell (with its members) moved into the committee, another
    # out of it.
    founded = organisation_found(actor=system_user, code="ZT1", name="Chi bộ mới", org_type=OrgType.SUBORDINATE_CELL,
                                 parent=committee, founded_on=date(2024, 2, 1), decision=decision(date(2024, 2, 1)))
    organisation_dissolve(actor=system_user, organisation=founded, effective_date=date(2024, 9, 1),
                          decision=decision(date(2024, 9, 1)), members_to=None)
    organisation_move(actor=system_user, organisation=moved, new_parent=committee, effective_date=date(2024, 7, 1),
                      decision=decision(date(2024, 7, 1)))
    organisation_move(actor=system_user, organisation=leaving, new_parent=outside.parent,
                      effective_date=date(2024, 8, 1), decision=decision(date(2024, 8, 1)))
    # A committee member examined in the period, a programme, a suspension, a decision on an organisation and
    # one by a cell.
    subject = (ActivitySubject.objects.filter(member__isnull=False, activity__decision_date__year=2024,
                                              activity__organisation__path__startswith=committee.path)
               .select_related("activity").order_by("id").first())
    term = term_create(actor=system_user, organisation=committee, label="2020 – 2025", starts_on=date(2020, 10, 1),
                       ends_on=None)
    body = body_create(actor=system_user, term=term, kind="executive_committee")
    post_assign(actor=system_user, body=body, member=subject.member, kind="committee_member",
                starts_on=subject.activity.decision_date - timedelta(days=1))
    Programme.objects.create(organisation=committee, actor="inspection_committee", year=2024,
                             title="Chương trình kiểm tra, giám sát năm 2024", recorded_at=now)
    Suspension.objects.create(member=staying[3], subject_organisation=inside, kind="party", ground="obstruction",
                              deciding_organisation=committee, deciding_actor="standing_committee",
                              decision_number="3-QĐ/ĐU", starts_on=date(2024, 4, 1), ends_on=date(2024, 7, 1),
                              recorded_at=now)
    common = {"violation_from": date(2023, 6, 1), "violation_description": "vi phạm", "status": "decided",
              "decision_date": date(2024, 8, 1), "decided_recorded_at": now, "recorded_at": now}
    DisciplineCase.objects.create(organisation=inside, subject_organisation=inside, violation_content="other",
                                  proposed_form="warning", decided_form="warning", decision_number="4-QĐ/ĐU",
                                  deciding_organisation=committee, deciding_actor="standing_committee", **common)
    DisciplineCase.objects.create(member=staying[3], subject_organisation=inside, violation_content="politics",
                                  proposed_form="reprimand", decided_form="reprimand", decision_number="5-QĐ/CB",
                                  deciding_organisation=inside, deciding_actor="cell", was_committee_member=True,
                                  **common)

    report = compute(committee, date(2024, 1, 1), date(2024, 12, 31), compare=False, narrative=False)
    added = ["members.transferred_in.same_province", "members.transferred_in.other_province",
             "members.transferred_out.same_province", "members.closing.exempted",
             "members.closing.academic_title.professor", "members.closing.youth_union",
             "members.closing.foreign_spouse", "members.closing.business_owner", "members.org_moved_in",
             "members.org_moved_out", "members.removed", "members.restored",
             "orgs.founded", "orgs.dissolved", "programmes.base_orgs_with_programme", "discipline.members.suspended",
             "discipline.orgs.warning", "discipline.members.by_body.cell", "discipline.members.content.politics",
             "discipline.members.committee_members"]
    assert all(report.figures[fid] > 0 for fid in added), {fid: report.figures[fid] for fid in added}
    assert any(report.figures[fid] > 0 for fid in report.figures if fid.endswith(".committee_members")
               and fid.startswith("oversight."))
    out = StringIO()
    call_command("benchmark_report", "--keep", "--runs", "1", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "hand-written SQL" in line]
    assert len(lines) == 2 and all(" 0 differ" in line for line in lines), out.getvalue()
