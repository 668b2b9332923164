"""The demo shows every part of the system: candidates at every stage of the admission path, the
oversight chapter (programmes, activities, discipline, appeals, a suspension) and an issued report,
all written through the services; and the demo users see those pages according to their roles."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dangvu.accounts.models import User
from dangvu.audit.models import AuditEntry
from dangvu.demo import data
from dangvu.development.models import AdmissionTarget, Candidate, CandidateStep, Stage
from dangvu.development.selectors import deadlines
from dangvu.members.models import EventKind, LedgerEvent, MemberStatus
from dangvu.oversight.models import (
    Activity,
    ActivitySubject,
    Appeal,
    CaseStatus,
    DisciplineCase,
    Programme,
    ProgrammeItem,
    Suspension,
)
from dangvu.reports.models import IssuedReport

# The package fixture ``demo`` holds the data; the mark makes pytest-django set up the test database
# even when this module runs alone, and rolls back what each test writes (sessions, audit rows).
pytestmark = pytest.mark.django_db


def horizon() -> date:
    return min(data.HORIZON, timezone.localdate())


def login(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


# Member development ------------------------------------------------------------------------

def test_summary_counts_the_new_chapters(demo):
    assert "Phát triển đảng viên: 15 quần chúng ưu tú" in demo
    assert "Kiểm tra, giám sát, kỷ luật: 6 chương trình năm" in demo
    assert "6 vụ việc kỷ luật (5 đã quyết định), 2 khiếu nại (1 đang giải quyết)" in demo
    assert f"Báo cáo đã ban hành: Số 01-BC/ĐU về tình hình công tác xây dựng Đảng từ ngày 01/01/{horizon().year - 1}" \
        in demo


def test_candidates_at_every_stage_in_several_cells(root):
    candidates = Candidate.objects.filter(organisation__path__startswith=root.path)
    stages = Counter(candidates.values_list("stage", flat=True))
    assert 13 <= candidates.count() <= 17
    for stage in (Stage.SOURCE, Stage.COURSE_DONE, Stage.FILE, Stage.PROPOSED, Stage.DECIDED, Stage.PROBATIONARY,
                  Stage.OFFICIAL):
        assert stages[stage] >= 1, stage
    assert candidates.values("organisation").distinct().count() >= 8
    assert {c.organisation.org_type for c in candidates} == {"base_cell", "subordinate_cell"}
    for candidate in candidates:
        assert candidate.helper is not None and candidate.citizen_id and candidate.listed_on <= horizon()
        assert candidate.host_unit is not None
        assert AuditEntry.objects.filter(target_type__icontains="candidate", target_id=str(candidate.pk)).exists()


def test_ceremonies_and_recognitions_are_in_the_ledger_PROB_01(root):
    """PROB-01 / PROB-04: the ceremony admits into the ledger; recognition is dated 12 months after it."""
    admitted = Candidate.objects.filter(stage__in=(Stage.PROBATIONARY, Stage.OFFICIAL))
    assert admitted.count() >= 4
    for candidate in admitted:
        member = candidate.member
        admission = LedgerEvent.objects.get(member=member, kind=EventKind.ADMISSION)
        assert admission.details.get("candidate") == candidate.pk
        ceremony = candidate.steps.get(kind="ceremony")
        assert admission.ceremony_date == ceremony.day
        if candidate.stage == Stage.OFFICIAL:
            member.refresh_from_db()
            assert member.status == MemberStatus.OFFICIAL
            recognition = LedgerEvent.objects.get(member=member, kind=EventKind.RECOGNITION)
            assert recognition.effective_date.isoformat() == candidate.steps.get(kind="recognition").details[
                "official_on"]
        else:
            assert member.status == MemberStatus.PROBATIONARY


def test_introducers_are_two_official_members_of_the_cell_ADM_06(root):
    """ADM-06 / ADM-07: two introducers, official members of the candidate's cell, recorded with the rule basis."""
    steps = CandidateStep.objects.filter(kind="introducers").select_related("candidate")
    assert steps.count() >= 8
    for step in steps:
        introducers = step.details["introducers"]
        assert len({i["member_id"] for i in introducers}) == 2
        assert "ADM-06" in step.rules_applied and "ADM-07" in step.rules_applied
        assert step.candidate.helper_id is not None


def test_deadlines_show_an_overdue_admission_decision_ADM_12(root):
    """ADM-12: a file proposed by the cell and still without a decision after 60 working days is overdue."""
    user = User.objects.get(username="tochuc")
    items = deadlines(user=user, today=horizon())
    kinds = Counter(i.kind for i in items)
    overdue = [i for i in items if i.kind == "decision" and i.overdue]
    assert len(overdue) == 1 and overdue[0].organisation.startswith("Chi bộ Khối Văn phòng")
    assert kinds["ceremony"] == 1 and kinds["stalled"] >= 1 and kinds["probation"] >= 1


def test_targets_for_the_year_and_the_term(root):
    targets = AdmissionTarget.objects.filter(organisation__path__startswith=root.path)
    assert targets.filter(organisation=root, year=horizon().year, target=38).exists()
    assert targets.filter(organisation=root, term__isnull=False).exists()
    assert targets.filter(organisation__code="DBCK", year=horizon().year).exists()


def test_development_pages_have_content_for_the_organisation_staff(client, root):
    login(client, "tochuc")
    page = client.get(reverse("development:candidates")).content.decode()
    assert "Chưa có ai trong danh sách nguồn." not in page
    for candidate in Candidate.objects.all():
        assert candidate.full_name in page
    page = client.get(reverse("development:deadlines")).content.decode()
    assert "Không có việc nào đến hạn." not in page and "Quá hạn" in page
    assert "Hồ sơ chờ quyết định kết nạp" in page
    page = client.get(reverse("development:targets")).content.decode()
    assert "Chưa có chỉ tiêu cho năm" not in page and ">38<" in page
    official = Candidate.objects.filter(stage=Stage.OFFICIAL).first()
    response = client.get(reverse("development:candidate_detail", args=[official.pk]))
    assert response.status_code == 200 and "Quyết định công nhận đảng viên chính thức" in response.content.decode()


def test_base_clerk_sees_only_the_candidates_of_her_committee(client, root):
    login(client, "vanphong")
    page = client.get(reverse("development:candidates")).content.decode()
    inside = Candidate.objects.filter(organisation__path__startswith=root.children.get(code="DBCK").path)
    outside = Candidate.objects.exclude(pk__in=inside)
    assert inside.exists() and outside.exists()
    assert all(c.full_name in page for c in inside)
    assert not any(c.full_name in page for c in outside)
    assert client.get(reverse("development:candidate_detail", args=[outside.first().pk])).status_code == 404


# Oversight -----------------------------------------------------------------------------------

def test_programmes_of_the_last_three_years(root):
    programmes = Programme.objects.filter(organisation=root)
    year = horizon().year
    assert sorted(programmes.values_list("year", "actor")) == sorted(
        (y, a) for y in (year - 2, year - 1, year) for a in ("inspection_committee", "standing_committee"))
    items = ProgrammeItem.objects.filter(programme__in=programmes)
    assert items.count() == 18
    done = items.filter(activities__isnull=False).distinct().count()
    assert 14 <= done < 18  # carried out, except what is still planned or overdue this year


def test_activities_of_several_types_with_conclusions(root):
    activities = Activity.objects.filter(organisation__path__startswith=root.path)
    types = Counter(activities.values_list("activity_type", flat=True))
    assert 20 <= activities.count() <= 30
    for kind in ("compliance", "violation_signs", "supervision_thematic", "supervision_regular", "finance",
                 "oversight_work"):
        assert types[kind] >= 1, kind
    actors = set(activities.values_list("organisation__code", "actor"))
    assert {(data.ROOT_CODE, "standing_committee"), (data.ROOT_CODE, "inspection_committee"),
            ("DBCK", "inspection_committee"), ("DBHV", "executive_committee")} <= actors
    assert any(actor == "cell" for _code, actor in actors)
    # Numbered like real decisions ("126-QĐ/UBKT"), growing with the date within each body's year.
    by_body: dict = {}
    for activity in activities.order_by("decision_date", "id"):
        number, _, symbol = activity.decision_number.partition("-")
        assert number.isdigit() and symbol in ("QĐ/ĐU", "QĐ/UBKT", "QĐ/CB"), activity.decision_number
        key = (activity.organisation_id, activity.actor, activity.decision_date.year)
        assert int(number) > by_body.get(key, 0), activity.decision_number
        by_body[key] = int(number)
    subjects = ActivitySubject.objects.filter(activity__in=activities)
    assert subjects.filter(member__isnull=False).count() >= 10 and subjects.filter(organisation__isnull=False).count() >= 20
    concluded = subjects.exclude(conclusion="")
    assert concluded.count() >= 0.8 * subjects.count()
    assert set(concluded.values_list("conclusion", flat=True)) >= {"no_violation", "shortcomings", "violation",
                                                                     "discipline_required"}


def test_thematic_supervision_escalated_to_an_inspection_KTGS_05(root):
    """KTGS-05: the inspection opened from a supervision covers the subject found with signs of violation."""
    escalated = Activity.objects.get(origin__isnull=False)
    assert escalated.activity_type == "violation_signs" and escalated.origin.activity_type == "supervision_thematic"
    flagged = escalated.origin.subjects.get(signs_of_violation=True)
    assert escalated.subjects.get().member_id == flagged.member_id
    case = DisciplineCase.objects.get(activity_subject__activity=escalated)
    assert case.decided_form == "warning" and case.deciding_actor == "inspection_committee"


def test_discipline_cases_and_the_expulsion_in_the_ledger_DIS_05(root):
    """DIS-05: the expulsion carries the cell's proposal; its effect is an expulsion event in the ledger."""
    cases = DisciplineCase.objects.all()
    forms = Counter(cases.filter(status=CaseStatus.DECIDED).values_list("decided_form", flat=True))
    assert forms == {"reprimand": 3, "warning": 1, "expulsion": 1}
    assert cases.filter(status=CaseStatus.OPEN).count() == 1
    expulsion = cases.get(decided_form="expulsion")
    assert expulsion.ledger_event.kind == EventKind.EXPULSION
    assert expulsion.proposal_votes * 3 >= expulsion.proposal_members * 2
    expulsion.member.refresh_from_db()
    assert expulsion.member.status == MemberStatus.EXPELLED
    assert {c.deciding_actor for c in cases.exclude(status=CaseStatus.OPEN)} >= {
        "cell", "executive_committee", "standing_committee", "inspection_committee"}


def test_appeals_one_resolved_one_pending_KN_03(root):
    """KN-03: each appeal goes to the body directly above the deciding body."""
    appeals = Appeal.objects.select_related("case", "handling_organisation")
    assert appeals.count() == 2
    resolved, pending = appeals.exclude(outcome="").get(), appeals.get(outcome="")
    assert resolved.outcome == "keep" and resolved.case.deciding_actor == "cell"
    assert resolved.handling_organisation == root and resolved.outcome_date >= resolved.received_on
    assert pending.case.deciding_organisation.code == "DBCK" and pending.handling_organisation == root


def test_a_running_suspension_of_party_activity_SUS_08(root):
    """SUS-08: at most 90 days; the ledger carries the suspension."""
    suspension = Suspension.objects.get()
    assert suspension.kind == "party" and suspension.ended_on is None
    assert suspension.starts_on <= horizon() <= suspension.ends_on
    assert (suspension.ends_on - suspension.starts_on).days <= 90
    assert LedgerEvent.objects.filter(member=suspension.member, kind=EventKind.SUSPENSION,
                                      effective_date=suspension.starts_on).exists()
    suspension.member.refresh_from_db()
    assert suspension.member.is_suspended


EMPTY = ("Chưa có cuộc kiểm tra, giám sát nào.", "Chưa có vụ việc kỷ luật nào.", "Không có quyết định đình chỉ nào.")


@pytest.mark.parametrize("username", ["kiemtra", "lanhdao", "quantri"])
def test_oversight_pages_have_content_for_the_oversight_roles(client, root, username):
    login(client, username)
    page = client.get(reverse("oversight:index")).content.decode()
    for text in EMPTY:
        assert text not in page
    assert "Khiếu nại chờ giải quyết" in page
    page = client.get(reverse("oversight:programme_list")).content.decode()
    assert "Chưa có chương trình nào." not in page
    programme = Programme.objects.filter(organisation=root).order_by("year").first()
    page = client.get(reverse("oversight:programme_detail", args=[programme.pk])).content.decode()
    assert "Chưa có nội dung." not in page
    escalated = Activity.objects.get(origin__isnull=False)
    assert client.get(reverse("oversight:activity_detail", args=[escalated.pk])).status_code == 200
    expulsion = DisciplineCase.objects.get(decided_form="expulsion")
    page = client.get(reverse("oversight:case_detail", args=[expulsion.pk])).content.decode()
    assert expulsion.member.full_name in page and "Khai trừ" in page
    suspension = Suspension.objects.get()
    assert client.get(reverse("oversight:suspension_detail", args=[suspension.pk])).status_code == 200


@pytest.mark.parametrize("username", ["vanphong", "tochuc"])
def test_oversight_pages_are_not_found_for_the_other_roles(client, root, username):
    login(client, username)
    case = DisciplineCase.objects.filter(subject_organisation__code__in=("CKCX", "DBCK")).first()
    for url in (reverse("oversight:index"), reverse("oversight:programme_list"),
                reverse("oversight:case_detail", args=[case.pk]),
                reverse("oversight:activity_detail", args=[Activity.objects.first().pk])):
        assert client.get(url).status_code == 404, url


# Issued report -------------------------------------------------------------------------------

def test_one_issued_report_for_the_previous_year(root):
    issued = IssuedReport.objects.get()
    year = horizon().year - 1
    assert issued.organisation == root and issued.number == "Số 01-BC/ĐU"
    assert (issued.date_from, issued.date_to) == (date(year, 1, 1), date(year, 12, 31))
    assert issued.confidential and all(check["ok"] for check in issued.checks), issued.checks
    assert issued.figures["discipline.members.total"] >= 1 and issued.figures["admissions.total"] > 10
    assert issued.figures["oversight.standing_committee.inspection.orgs"] >= 1


def test_issued_report_pages(client, root):
    issued = IssuedReport.objects.get()
    login(client, "lanhdao")
    page = client.get(reverse("reports:issued_list")).content.decode()
    assert "Chưa có báo cáo nào được ban hành." not in page and issued.number in page
    page = client.get(reverse("reports:issued_detail", args=[issued.pk])).content.decode()
    assert issued.number in page and "kỷ luật" in page
    login(client, "vanphong")  # the base clerk's scope is her own committee: the root's report is not hers
    assert issued.number not in client.get(reverse("reports:issued_list")).content.decode()
    assert client.get(reverse("reports:issued_detail", args=[issued.pk])).status_code == 404


def test_live_report_shows_discipline_figures_only_to_oversight_readers(client, root):
    year = horizon().year - 1
    query = {"to_chuc": data.ROOT_CODE, "ky": "custom", "tu": f"01/01/{year}", "den": f"31/12/{year}"}
    login(client, "kiemtra")
    page = client.get(reverse("reports:index"), query).content.decode()
    assert "<h4>Thi hành kỷ luật</h4>" in page and 'title="discipline.members.total"' in page
    login(client, "tochuc")
    page = client.get(reverse("reports:index"), query).content.decode()
    assert "<h4>Phát triển đảng viên</h4>" in page
    assert "<h4>Thi hành kỷ luật</h4>" not in page and "discipline.members.total" not in page
