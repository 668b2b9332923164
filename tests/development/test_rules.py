"""Each rule of the admission path blocks the step when broken (nothing saved), passes when kept, and
is judged under the text in force on the step's date (2021 texts before 1/7/2025, 2025 texts after,
QĐ 208 for the ceremony trigger from 26/7/2026)."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.models import AuditEntry
from dangvu.development.models import Stage
from dangvu.development.services import Approval
from dangvu.members.models import EventKind, MemberStatus
from dangvu.rules.engine import RuleViolation
from tests.development.conftest import Path

APPROVAL = Approval("15-CV/TU", date(2023, 3, 1), "Ban Thường vụ Thành ủy", "Trường hợp đặc biệt")


def refused(rule_id, call, *args, **kwargs):
    before = AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert caught.value.rule_id == rule_id, str(caught.value)
    assert AuditEntry.objects.count() == before  # nothing saved, not even the audit row
    return caught.value


def test_the_whole_path_writes_the_ledger(walker, tree):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "recognition")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OFFICIAL
    member = candidate.member
    assert member.status == MemberStatus.OFFICIAL and member.organisation == tree.c1
    admission = member.events.get(kind=EventKind.ADMISSION)
    assert admission.effective_date == date(2023, 4, 10) and admission.ceremony_date == date(2023, 5, 5)
    assert admission.decision_number == "125-QĐ/ĐU"
    # PROB-04: official from the day the 12 months end, whatever the decision date.
    assert member.official_on == date(2024, 5, 5)
    assert member.occupation == "worker" and member.is_youth_union_member
    steps = list(candidate.steps.all())
    assert len(steps) == 12
    resolution = next(s for s in steps if s.kind == "cell_resolution")
    assert set(resolution.rules_applied) >= {"ADM-01", "ADM-02", "ADM-03", "ADM-04", "ADM-10"}
    assert "HD 01-HD/TW 2021" in resolution.rules_applied["ADM-01"]


def test_out_of_order_and_repeated_steps_are_refused(walker, tree):
    candidate = walker.candidate(tree.c1)
    refused("DEV-01", walker.step, candidate, "cell_resolution", date(2023, 3, 20))
    walker.walk(candidate, "application")
    refused("DEV-03", walker.step, candidate, "application", date(2023, 2, 2))
    refused("DEV-02", walker.step, candidate, "background", date(2023, 1, 31))  # before the application


def test_adm_01_age_18_by_month_on_both_sides_of_1_july_2025(walker, tree):
    # Born 15/08/2007: 18 by month from August 2025.
    path = Path().shift_years(2)  # cell resolution 20/03/2025
    young = walker.candidate(tree.c1, born=date(2007, 8, 15), path=path)
    walker.walk(young, "comments", path)
    error = refused("ADM-01", walker.step, young, "cell_resolution", date(2025, 6, 30))
    assert "HD 01-HD/TW 2021" in str(error)
    error = refused("ADM-01", walker.step, young, "cell_resolution", date(2025, 7, 31))
    assert "HD 06-HD/TW 2025" in str(error)
    step = walker.step(young, "cell_resolution", date(2025, 8, 1))  # the month of the 18th birthday counts
    assert "HD 06-HD/TW 2025" in step.rules_applied["ADM-01"]


def test_adm_02_over_60_needs_written_consent(walker, tree):
    old = walker.candidate(tree.c1, born=date(1962, 2, 10))  # 61 by month in March 2023
    walker.walk(old, "comments")
    refused("ADM-02", walker.step, old, "cell_resolution", date(2023, 3, 20))
    step = walker.step(old, "cell_resolution", date(2023, 3, 20), approval=APPROVAL)
    assert step.exception["rules"] == ["ADM-02"]
    assert step.exception["number"] == "15-CV/TU" and step.exception["body"] == "Ban Thường vụ Thành ủy"
    sixty = walker.candidate(tree.c1, born=date(1962, 4, 10), name="Hồ Văn Sáu")  # still 60 in March 2023
    walker.walk(sixty, "cell_resolution")


def test_adm_03_education_with_documented_exception(walker, tree):
    candidate = walker.candidate(tree.c1, general_education="primary")
    walker.walk(candidate, "comments")
    error = refused("ADM-03", walker.step, candidate, "cell_resolution", date(2023, 3, 20))
    assert "tiểu học" in str(error)
    step = walker.step(candidate, "cell_resolution", date(2023, 3, 20), approval=APPROVAL)
    assert "ADM-03" in step.exception["rules"]


def test_adm_04_certificate_valid_60_months(walker, tree):
    path = Path(course=date(2018, 3, 20))
    candidate = walker.candidate(tree.c1, path=Path(listed=date(2018, 1, 1)))
    walker.walk(candidate, "comments", path)
    refused("ADM-04", walker.step, candidate, "cell_resolution", date(2023, 3, 21))
    walker.step(candidate, "cell_resolution", date(2023, 3, 20))  # exactly 60 months


def test_adm_06_introducers_official_and_12_months(walker, tree, admit):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "application")
    probationary = admit(tree.c1, name="Mai Văn Dự", on=date(2022, 9, 1))
    official = walker.introducers[0]
    details = {"introducers": [{"member_id": official.pk, "since": "2021-01-04"},
                               {"member_id": probationary.pk, "since": "2021-01-04"}]}
    error = refused("ADM-06", walker.step, candidate, "introducers", date(2023, 3, 10), details=details)
    assert "Mai Văn Dự" in str(error)
    details = {"introducers": [{"member_id": official.pk, "since": "2022-03-11"},
                               {"member_id": walker.introducers[1].pk, "since": "2021-01-04"}]}
    refused("ADM-06", walker.step, candidate, "introducers", date(2023, 3, 10), details=details)
    details["introducers"][0]["since"] = "2022-03-10"  # exactly 12 months
    step = walker.step(candidate, "introducers", date(2023, 3, 10), details=details)
    assert [i["name"] for i in step.details["introducers"]] == ["Nguyễn Văn Giới", "Trần Thị Thiệu"]


def test_adm_07_union_resolution_replaces_one_introducer(walker, tree):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "application")
    one = {"introducers": [{"member_id": walker.introducers[0].pk, "since": "2021-01-04"}]}
    refused("ADM-07", walker.step, candidate, "introducers", date(2023, 3, 10), details=one)
    trade = {**one, "org_resolution": {"kind": "cong_doan", "number": "03-NQ/CĐ"}}
    refused("ADM-07", walker.step, candidate, "introducers", date(2023, 3, 10), details=trade)  # not a union member
    youth = {**one, "org_resolution": {"kind": "doan", "number": "12-NQ/ĐTN"}}
    walker.step(candidate, "introducers", date(2023, 3, 10), details=youth)


def test_adm_09_both_comments_needed(walker, tree):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "introducers")
    refused("ADM-09", walker.step, candidate, "comments", date(2023, 3, 15), details={"residence_on": None})


@pytest.mark.parametrize(("votes", "total", "ok"), [(2, 3, True), (3, 4, True), (2, 4, False), (5, 8, False),
                                                    (0, 0, False), (5, 4, False)])
def test_adm_10_two_thirds_of_official_members(walker, tree, votes, total, ok):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "comments")
    details = {"official_total": total, "votes_for": votes}
    if ok:
        walker.step(candidate, "cell_resolution", date(2023, 3, 20), details=details)
    else:
        refused("ADM-10", walker.step, candidate, "cell_resolution", date(2023, 3, 20), details=details)


def test_adm_12_decision_within_60_working_days(walker, tree):
    candidate = walker.candidate(tree.b2)  # a base cell: no base-committee resolution
    walker.walk(candidate, "cell_resolution")
    # 20/03/2023 + 60 working days (30/4, 1/5 and 2/5? no: 29/4 Giỗ Tổ fell on Saturday) = 15/06/2023.
    from dangvu.workdays.services import add_working_days
    last = add_working_days(date(2023, 3, 20), 60)
    path = Path(received=last)
    error = refused("ADM-12", walker.step, candidate, "decision", add_working_days(last, 1), Path(
        received=add_working_days(last, 1)))
    assert last.strftime("%d/%m/%Y") in str(error)
    walker.step(candidate, "decision", add_working_days(last, 1), Path(received=add_working_days(last, 1)),
                details={"extension_notice": True})
    other = walker.candidate(tree.b2, name="Lý Văn Hạn")
    walker.walk(other, "cell_resolution")
    walker.step(other, "decision", last, path)


def test_adm_13_competent_body(walker, tree):
    candidate = walker.candidate(tree.b2)
    walker.walk(candidate, "cell_resolution")
    refused("ADM-13", walker.step, candidate, "decision", date(2023, 4, 10), details={"body_kind": "base_authorised"})
    refused("ADM-13", walker.step, candidate, "decision", date(2023, 4, 10), details={"body_kind": "chi_bo"})
    in_b1 = walker.candidate(tree.c1, name="Đinh Văn Ủy")
    walker.walk(in_b1, "base_resolution")
    walker.step(in_b1, "decision", date(2023, 4, 10), details={"body_kind": "base_authorised"})


def test_adm_14_ceremony_counts_from_receipt_before_qd_208(walker, tree):
    from dangvu.workdays.services import add_working_days
    path = Path().shift_years(3)  # decision 10/04/2026, received 12/04/2026 (a Sunday)
    path.received = date(2026, 4, 24)
    candidate = walker.candidate(tree.c1, path=path)
    walker.walk(candidate, "decision", path)
    from_receipt = add_working_days(date(2026, 4, 24), 30)
    from_issue = add_working_days(date(2026, 4, 10), 30)
    assert from_issue < from_receipt < date(2026, 7, 26)
    step = walker.step(candidate, "ceremony", from_receipt, path)
    assert "nhận quyết định" in step.rules_applied["ADM-14"]


def test_adm_14_ceremony_counts_from_issue_under_qd_208(walker, tree):
    from dangvu.workdays.services import add_working_days
    path = Path(decision=date(2026, 8, 3), received=date(2026, 8, 14), course=date(2026, 1, 5),
                application=date(2026, 2, 1), background=date(2026, 2, 5), verification=date(2026, 3, 1),
                introducers=date(2026, 3, 10), comments=date(2026, 3, 15), cell_resolution=date(2026, 6, 1),
                base_resolution=date(2026, 6, 10))
    candidate = walker.candidate(tree.c1, path=path)
    walker.walk(candidate, "decision", path)
    from_issue = add_working_days(date(2026, 8, 3), 30)
    late = add_working_days(from_issue, 1)  # still within 30 working days of receipt
    assert late <= add_working_days(date(2026, 8, 14), 30)
    error = refused("ADM-14", walker.step, candidate, "ceremony", late, path)
    assert "QĐ 208-QĐ/TW" in str(error) and "ban hành" in str(error)
    step = walker.step(candidate, "ceremony", late, path, approval=Approval("40-CV/ĐU", late, "Ban Thường vụ Đảng ủy"))
    assert step.exception["rules"] == ["ADM-14"]
    assert candidate.member.events.get(kind=EventKind.ADMISSION).ceremony_date == late


def test_prob_01_02_recognition_vote_window(walker, tree):
    from dangvu.workdays.services import add_working_days
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "ceremony")
    refused("PROB-01", walker.step, candidate, "recognition_vote", date(2024, 5, 3))
    too_late = add_working_days(date(2024, 5, 5), 31)
    error = refused("PROB-02", walker.step, candidate, "recognition_vote", too_late)
    assert "HD 01" not in error.rule.basis and "QĐ 24-QĐ/TW 2021" in error.rule.basis
    step = walker.step(candidate, "recognition_vote", too_late,
                       approval=Approval("41-CV/ĐU", too_late, "Ban Thường vụ Đảng ủy"))
    assert step.exception["rules"] == ["PROB-02"]


def test_prob_03_recognition_decision_within_30_working_days(walker, tree):
    from dangvu.workdays.services import add_working_days
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "recognition_vote")
    late = add_working_days(date(2024, 5, 6), 31)
    refused("PROB-03", walker.step, candidate, "recognition", late)
    walker.step(candidate, "recognition", add_working_days(date(2024, 5, 6), 30))
    candidate.refresh_from_db()
    assert candidate.member.official_on == date(2024, 5, 5)  # PROB-04


def test_prob_05_three_failed_votes_then_the_superior_decides(walker, tree):
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "ceremony")
    failed = {"official_total": 4, "votes_for": 2}
    for day in (date(2024, 5, 6), date(2024, 5, 13), date(2024, 5, 20)):
        assert walker.step(candidate, "recognition_vote", day, details=failed).outcome == "failed"
    refused("PROB-05", walker.step, candidate, "recognition_vote", date(2024, 5, 27))
    step = walker.step(candidate, "recognition", date(2024, 6, 3))
    assert "PROB-05" in step.rules_applied


def test_prob_11_probation_removal_needs_two_thirds_and_writes_the_ledger(walker, tree):
    from dangvu.organisations.services import Decision
    candidate = walker.candidate(tree.c1)
    walker.walk(candidate, "ceremony")
    document = Decision("320-QĐ/ĐU", date(2024, 5, 20), "Ban Thường vụ Đảng ủy")
    refused("PROB-11", walker.step, candidate, "probation_removal", date(2024, 5, 20), document=document,
            details={"official_total": 4, "votes_for": 2})
    walker.step(candidate, "probation_removal", date(2024, 5, 20), document=document,
                details={"official_total": 4, "votes_for": 3})
    candidate.refresh_from_db()
    assert candidate.stage == Stage.PROBATION_REMOVED
    assert candidate.member.status == MemberStatus.PROBATION_REMOVED
    refused("DEV-03", walker.step, candidate, "recognition_vote", date(2024, 5, 21))


def _former_member(walker, tree, left_on):
    from dangvu.organisations.services import Decision
    member = walker.candidate(tree.c1, name="Trương Văn Cũ")
    walker.walk(member, "ceremony")
    member.refresh_from_db()
    walker.step(member, "probation_removal", left_on, document=Decision("1-QĐ/ĐU", left_on, "BTV"),
                details={"official_total": 4, "votes_for": 4})
    return member.member


def test_readmission_conditions(walker, tree):
    former = _former_member(walker, tree, date(2023, 6, 1))
    path = Path(listed=date(2025, 1, 2), course=date(2025, 3, 1), application=date(2025, 4, 1),
                background=date(2025, 4, 2), verification=date(2025, 4, 3), introducers=date(2025, 4, 4),
                comments=date(2025, 4, 7), cell_resolution=date(2026, 6, 2), base_resolution=date(2026, 6, 8),
                decision=date(2026, 6, 15), received=date(2026, 6, 16), ceremony=date(2026, 6, 25))
    again = walker.candidate(tree.c1, name="Trương Văn Cũ", path=path, former_member=former, citizen_id="",
                             conviction_expunged_on=date(2021, 8, 1))
    walker.walk(again, "comments", path)
    consent = Approval("22-CV/TU", date(2025, 4, 20), "Ban Thường vụ Thành ủy")
    refused("READM-01", walker.step, again, "cell_resolution", date(2026, 5, 29), approval=consent)  # < 36 months
    refused("READM-02", walker.step, again, "cell_resolution", date(2026, 6, 2), approval=consent)  # < 60 months
    again.conviction_expunged_on = date(2021, 6, 1)
    again.save()
    refused("READM-03", walker.step, again, "cell_resolution", date(2026, 6, 2))
    step = walker.step(again, "cell_resolution", date(2026, 6, 2), approval=consent)
    assert "READM-03" in step.exception["rules"]
    walker.step(again, "base_resolution", path.base_resolution, path)
    walker.step(again, "decision", path.decision, path)
    walker.step(again, "ceremony", path.ceremony, path)
    former.refresh_from_db()
    assert former.status == MemberStatus.PROBATIONARY
    assert former.events.filter(kind=EventKind.READMISSION, voided_at__isnull=True).count() == 1


def test_a_step_refused_by_the_ledger_leaves_nothing(walker, tree, admit):
    candidate = walker.candidate(tree.c1, citizen_id="079198000777")
    admit(tree.c2, name="Người Trùng Số", citizen_id="079198000777")  # ID-01 in the records core
    walker.walk(candidate, "decision")
    steps = candidate.steps.count()
    refused("ID-01", walker.step, candidate, "ceremony", date(2023, 5, 5))
    assert candidate.steps.count() == steps
    candidate.refresh_from_db()
    assert candidate.member is None and candidate.stage == Stage.DECIDED
