"""The import's bulk path for new members: chunks, mixed with per-row updates, every refusal reported,
provenance and rollback as before."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.services import audit_verify_chain
from dangvu.imports import engine, services
from dangvu.imports.engine import issue_text
from dangvu.imports.models import ImportRow
from dangvu.members.models import LedgerEvent, Member, MemberStatus, MemberValue
from tests.imports.conftest import HEADERS, member_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_new_rows_in_chunks_with_an_update_between(tree, admit, run_import, system_user, monkeypatch):
    monkeypatch.setattr(engine, "BULK_CHUNK", 2)
    existing = admit(tree.c1, name="Vũ Văn Cũ", on=date(2018, 4, 2), citizen_id="079000000003")
    rows = [member_row(1), member_row(2, official=""), member_row(3, **{"Họ và tên": "Vũ Văn Mới"}),
            member_row(4, org="C2"), member_row(5, official=""), member_row(6)]
    batch, report = run_import(xlsx_bytes(rows, HEADERS), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert report.counts()["new"] == 5 and report.counts()["update"] == 1
    existing.refresh_from_db()
    assert existing.full_name == "Vũ Văn Mới" and existing.status == MemberStatus.OFFICIAL
    fourth = Member.objects.get(citizen_id="079000000004")
    assert fourth.status == MemberStatus.OFFICIAL and fourth.organisation == tree.c2
    assert fourth.official_on == date(2019, 4, 2) and fourth.occupation == "worker"
    # Provenance of a bulk row: one row for the member, naming exactly the events and values written with it.
    provenance = ImportRow.objects.get(batch=batch, row_number=5)
    assert (provenance.content_type.model, provenance.object_id, provenance.action) == ("member", fourth.pk, "created")
    records = provenance.before["records"]
    assert records["ledgerevent"] == list(fourth.events.order_by("id").values_list("id", flat=True))
    assert len(records["ledgerevent"]) == 2
    assert records["membervalue"] == list(fourth.values.order_by("id").values_list("id", flat=True))
    assert len(records["membervalue"]) == 3
    # Rollback's list: the events of the five new members, and the recognition the update wrote (a row of its own).
    assert set(services.written_ids(batch, LedgerEvent)) == set(
        LedgerEvent.objects.filter(member__citizen_id__in=[f"07900000000{n}" for n in (1, 2, 4, 5, 6)])
        .values_list("id", flat=True)) | {existing.events.get(kind="recognition").pk}
    assert audit_verify_chain() == []
    # Rollback voids what the bulk path wrote, as for the per-row path.
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    fourth.refresh_from_db()
    assert fourth.status == MemberStatus.NOT_MEMBER
    assert fourth.events.filter(voided_at__isnull=True).count() == 0


def test_every_refusal_in_every_chunk_is_reported_and_nothing_written(tree, run_import, monkeypatch):
    monkeypatch.setattr(engine, "BULK_CHUNK", 3)
    rows = [member_row(n) for n in range(1, 9)]
    rows[1] = member_row(2, official="20/05/2019")  # PROB-04, first chunk
    rows[6] = member_row(7, **{"Ngày sinh": "01/06/2001", "Ngày vào Đảng": "02/04/2019", "Ngày chính thức": ""})
    before = (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count())
    batch, report = run_import(xlsx_bytes(rows, HEADERS), commit=True)
    assert not report.ok
    found = sorted((i.row, i.rule_id, i.column) for i in report.issues)
    assert found == [(3, "PROB-04", "Ngày chính thức"), (8, "ADM-01", "Ngày vào Đảng")]
    assert "[ADM-01]" in issue_text(report.issues[-1])
    assert (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count()) == before
    assert not ImportRow.objects.exists()


def test_bulk_insert_stores_every_field_as_given(tree, admit, system_user):
    """``bulk_insert`` (COPY on PostgreSQL, bulk_create elsewhere): ids in list order, JSON, enums, dates,
    nulls and foreign keys read back exactly as given."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from dangvu.common.bulk import bulk_insert
    from dangvu.imports.models import ImportBatch
    from dangvu.members.models import EventKind

    member = admit(tree.c1)
    batch = ImportBatch.objects.create(kind="members", file_name="a.xlsx", content=b"x", file_sha256="0",
                                       created_by=system_user)
    now = timezone.now()
    events = [LedgerEvent(member=member, kind=EventKind.DEATH, effective_date=date(2020, 1, n), decision_number=f"{n}",
                          decision_date=None, details={"ghi chú": "Tiếng Việt", "n": n}, recorded_at=now,
                          recorded_by=system_user, external_place="Nơi \t có\ntab") for n in (1, 2)]
    bulk_insert(LedgerEvent, events)
    assert events[0].pk < events[1].pk
    stored = LedgerEvent.objects.get(pk=events[1].pk)
    assert (stored.kind, stored.effective_date, stored.details, stored.decision_date, stored.recorded_at,
            stored.recorded_by, stored.external_place, stored.organisation_id) == (
        "death", date(2020, 1, 2), {"ghi chú": "Tiếng Việt", "n": 2}, None, now, system_user, "Nơi \t có\ntab", None)
    rows = [ImportRow(batch=batch, row_number=7, content_type=ContentType.objects.get_for_model(Member),
                      object_id=member.pk, action=ImportRow.Action.UPDATED, before={"before": {"phone": "09"}})]
    bulk_insert(ImportRow, rows)
    row = ImportRow.objects.get(pk=rows[0].pk)
    assert (row.action, row.before, row.object_id) == ("updated", {"before": {"phone": "09"}}, member.pk)


def test_rollback_voids_the_dated_values_and_the_previous_value_applies_again(tree, admit, run_import,
                                                                                system_user):
    """VOID-01 for dated values (``member_void_value``): rollback voids every value the batch recorded, for new
    members and for updated ones, whose previous value is current again; a void needs a reason."""
    from dangvu.members.services import member_set_value, member_void_value
    from dangvu.rules.engine import RuleViolation

    existing = admit(tree.c1, name="Vũ Văn Cũ", on=date(2018, 4, 2), citizen_id="079000000001")
    member_set_value(actor=system_user, member=existing, attribute="occupation", value="farmer",
                     valid_from=date(2018, 4, 2))
    batch, report = run_import(xlsx_bytes([member_row(1, official=""), member_row(2)], HEADERS), commit=True)
    assert report.counts() | {} == {**report.counts(), "update": 1, "new": 1}
    existing.refresh_from_db()
    assert existing.occupation == "worker"
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    existing.refresh_from_db()
    assert existing.occupation == "farmer"
    created = Member.objects.get(citizen_id="079000000002")
    assert created.values.filter(voided_at__isnull=True).count() == 0
    assert (created.occupation, created.general_education) == ("unknown", "unknown")
    assert MemberValue.objects.filter(voided_at__isnull=False, void_reason__contains="Hoàn tác lô").count() == 6
    with pytest.raises(RuleViolation, match="VOID-01"):
        member_void_value(actor=system_user, item=existing.values.get(value="farmer"), reason="x")
    assert audit_verify_chain() == []


def _old_style(batch) -> None:
    """Rewrite a batch's provenance as written before one row per new member: a row per event and value."""
    from django.contrib.contenttypes.models import ContentType

    types = {name: ContentType.objects.get_for_model(model) for name, model in (("ledgerevent", LedgerEvent),
                                                                               ("membervalue", MemberValue))}
    for row in ImportRow.objects.filter(batch=batch, before__has_key="records"):
        for name, ids in row.before["records"].items():
            ImportRow.objects.bulk_create([ImportRow(batch=batch, row_number=row.row_number, content_type=types[name],
                                                     object_id=pk, action="created") for pk in ids])
        row.before = {}
        row.save(update_fields=["before"])


@pytest.mark.parametrize("style", ["per_member", "per_record"])
def test_bulk_rollback_voids_exactly_what_the_batch_wrote(tree, admit, run_import, system_user, style):
    """One provenance row per new member (its events and values listed on it) rolls back exactly as one row per
    record (batches committed before the change): every event and value of the batch void, newest first (the
    recognition before the admission), nothing else touched; a later value on one of its members blocks it."""
    from dangvu.members.services import member_set_value, member_void_value

    outside = admit(tree.c1, name="Vũ Văn Ngoài", on=date(2018, 4, 2), citizen_id="079000000099")
    member_set_value(actor=system_user, member=outside, attribute="occupation", value="farmer",
                     valid_from=date(2018, 4, 2))
    batch, report = run_import(xlsx_bytes([member_row(1), member_row(2, official="")], HEADERS), commit=True)
    assert report.ok and report.counts()["new"] == 2
    if style == "per_record":
        _old_style(batch)
        assert ImportRow.objects.filter(batch=batch).count() == 2 + 3 + 6
    created = Member.objects.filter(citizen_id__in=["079000000001", "079000000002"])
    assert services.written_ids(batch, LedgerEvent) == sorted(
        LedgerEvent.objects.filter(member__in=created).values_list("id", flat=True), reverse=True)
    assert services.written_ids(batch, MemberValue) == sorted(
        MemberValue.objects.filter(member__in=created).values_list("id", flat=True), reverse=True)
    first = created.get(citizen_id="079000000001")
    later = member_set_value(actor=system_user, member=first, attribute="occupation", value="farmer",
                             valid_from=date(2021, 1, 1))
    blockers = services.rollback_blockers(batch)
    assert len(blockers) == 1 and first.full_name in blockers[0] and "Nghề nghiệp" in blockers[0], blockers
    with pytest.raises(services.ImportRefused):
        services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    member_void_value(actor=system_user, item=later, reason="Ghi nhầm giá trị")
    untouched = (list(outside.events.values_list("id", "voided_at")), list(outside.values.values_list("id", "voided_at")))
    assert services.rollback_blockers(batch) == []
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    for member in created:
        member.refresh_from_db()
        assert member.status == MemberStatus.NOT_MEMBER
        assert not member.events.filter(voided_at__isnull=True).exists()
        assert not member.values.filter(voided_at__isnull=True).exists()
    assert LedgerEvent.objects.filter(void_reason__contains="Hoàn tác lô").count() == 3
    assert MemberValue.objects.filter(void_reason__contains="Hoàn tác lô").count() == 6
    assert (list(outside.events.values_list("id", "voided_at")), list(outside.values.values_list("id", "voided_at"))) \
        == untouched
    assert audit_verify_chain() == []


def test_each_chunk_sees_the_next_only_when_nothing_is_written_between(tree, admit, run_import, monkeypatch):
    """``context.upcoming``: the bulk path is told the next chunk of new rows (planned while this one is written)
    only when no per-row write comes between the two."""
    from dangvu.members.services import BulkAdmission

    monkeypatch.setattr(engine, "BULK_CHUNK", 2)
    admit(tree.c1, name="Vũ Văn Cũ", on=date(2018, 4, 2), citizen_id="079000000003")
    calls = []
    original = BulkAdmission.admit

    def spy(self, rows, *, upcoming=None):
        calls.append(([r.key for r in rows], upcoming and [r.key for r in upcoming]))
        return original(self, rows, upcoming=upcoming)

    monkeypatch.setattr(BulkAdmission, "admit", spy)
    rows = [member_row(1), member_row(2, official=""), member_row(3, **{"Họ và tên": "Vũ Văn Mới"}),
            member_row(4, org="C2"), member_row(5, official=""), member_row(6), member_row(7)]
    batch, report = run_import(xlsx_bytes(rows, HEADERS), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    # The preview (a dry run) and the commit write the same chunks; row numbers count the header row.
    expected = [([2, 3], None), ([5, 6], [7, 8]), ([7, 8], None)]
    assert calls == expected * 2
    assert Member.objects.count() == 7 and audit_verify_chain() == []


def test_an_import_hands_over_between_threads_quickly_and_restores_the_setting(tree, run_import, monkeypatch):
    """The bulk path's worker and planning threads wait on PostgreSQL and get the interpreter back at the next
    switch: the import (here its write phase) runs with ``QUICK_SWITCH_INTERVAL`` and the process's own setting
    comes back after."""
    import sys

    from dangvu.common.bulk import QUICK_SWITCH_INTERVAL
    from dangvu.members.services import BulkAdmission

    monkeypatch.setattr(engine, "BULK_CHUNK", 2)
    seen = []
    original = BulkAdmission.admit

    def spy(self, rows, *, upcoming=None):
        seen.append(sys.getswitchinterval())
        return original(self, rows, upcoming=upcoming)

    monkeypatch.setattr(BulkAdmission, "admit", spy)
    before = sys.getswitchinterval()
    assert before > QUICK_SWITCH_INTERVAL
    batch, report = run_import(xlsx_bytes([member_row(n) for n in range(1, 6)], HEADERS), commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert seen and all(interval == pytest.approx(QUICK_SWITCH_INTERVAL) for interval in seen)
    assert sys.getswitchinterval() == before
    assert Member.objects.count() == 5


def test_quick_thread_switches_overlapping_in_two_threads_restore_the_setting_once_both_end():
    import sys
    import threading

    from dangvu.common.bulk import QUICK_SWITCH_INTERVAL, quick_thread_switches

    before = sys.getswitchinterval()
    inside, leave = threading.Event(), threading.Event()

    def other():
        with quick_thread_switches():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    with quick_thread_switches():
        thread.start()
        assert inside.wait(10)
    # This block has ended, the other thread's has not: still quick.
    assert sys.getswitchinterval() == pytest.approx(QUICK_SWITCH_INTERVAL)
    leave.set()
    thread.join(10)
    assert sys.getswitchinterval() == before


def test_two_writers_of_one_batch_progress_never_fail_and_the_file_stays_whole(settings, tmp_path):
    """Each writer of a progress file writes its own temporary file and renames it: two of them at once (test
    workers whose databases give the same batch number) no longer race on one temporary name."""
    import threading

    settings.DATA_DIR = tmp_path
    failures: list[BaseException] = []

    def write(phase: str) -> None:
        try:
            for done in range(300):
                engine.write_progress(7, done, 300, phase)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(phase,)) for phase in ("validate", "write")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    state = engine.read_progress(7)
    assert state["done"] == 299 and state["phase"] in ("validate", "write")
    assert [p.name for p in (tmp_path / "imports").iterdir()] == ["progress-7.json"]
