"""The audit trail: each service writes exactly its rows, the hash chain verifies, and tampering is
either refused by the database (PostgreSQL) or detected by the chain (SQLite)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.audit.services import audit_verify_chain
from dangvu.members.models import EventKind
from dangvu.members.services import (
    member_admit,
    member_record_event,
    member_set_value,
    member_update_profile,
    member_void_event,
)
from dangvu.organisations.models import OrganisationEvent
from dangvu.organisations.services import (
    Decision,
    organisation_change_type,
    organisation_dissolve,
    organisation_found,
    organisation_merge,
    organisation_move,
    organisation_rename,
    organisation_split,
)
from dangvu.rules.engine import RuleViolation
from tests.conftest import profile

pytestmark = pytest.mark.django_db


def dec(on: date) -> Decision:
    return Decision(f"{on:%d%m%Y}-QĐ/ĐU", on, "Ban Thường vụ Đảng ủy")


class Rows:
    """The audit rows written since the last call, oldest first."""

    def __init__(self):
        self.last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self) -> list[AuditEntry]:
        rows = list(AuditEntry.objects.filter(id__gt=self.last).order_by("id"))
        if rows:
            self.last = rows[-1].id
        return rows

    def kinds(self) -> list[tuple[str, str]]:
        return [(row.action, row.event_type) for row in self.new()]


@pytest.fixture
def rows(tree) -> Rows:
    return Rows()


def test_member_admit_writes_create_ledger_event_and_one_update_per_value(tree, system_user, rows):
    member = member_admit(actor=system_user, profile=profile(citizen_id="079090012345"), organisation=tree.c1,
                          decision=dec(date(2016, 3, 1)), admitted_on=date(2016, 3, 1),
                          values={"occupation": "worker", "is_youth_union_member": True})
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [
        (AuditAction.CREATE, ""), (AuditAction.LEDGER_EVENT, EventKind.ADMISSION),
        (AuditAction.UPDATE, "value:occupation"), (AuditAction.UPDATE, "value:is_youth_union_member")]
    create = written[0]
    assert create.target_type == "members.member" and create.target_id == str(member.pk)
    assert create.actor == system_user and create.organisation == tree.c1
    assert create.changes["new"]["citizen_id"] == "********2345"
    assert "079090012345" not in json.dumps(create.changes)
    assert written[1].changes["new"]["organisation"] == "C1" and written[1].reason == dec(date(2016, 3, 1)).number


def test_record_event_writes_one_ledger_event_and_void_one_void(tree, admit, system_user, rows):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rows.new()
    event = member_record_event(actor=system_user, member=member, kind=EventKind.TRANSFER,
                                effective_date=date(2018, 1, 1), decision=dec(date(2018, 1, 1)),
                                organisation=tree.c2)
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [(AuditAction.LEDGER_EVENT, EventKind.TRANSFER)]
    assert written[0].changes["new"]["from_organisation"] == "C1"
    assert written[0].changes["new"]["organisation"] == "C2"
    assert written[0].changes["new"]["effective_date"] == "2018-01-01"
    assert written[0].organisation == tree.c2

    member_void_event(actor=system_user, event=event, reason="Ghi nhầm nơi đến")
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [(AuditAction.VOID, EventKind.TRANSFER)]
    assert written[0].reason == "Ghi nhầm nơi đến" and written[0].changes["old"]["organisation"] == "C2"


def test_update_profile_writes_one_update_with_old_and_new_and_masks_the_citizen_id(tree, admit, system_user,
                                                                                   rows):
    member = admit(tree.c1, citizen_id="079090000001")
    rows.new()
    member_update_profile(actor=system_user, member=member,
                          changes={"citizen_id": "079090098765", "phone": " 0901 234 567 ", "other_name": ""})
    written = rows.new()
    assert len(written) == 1 and written[0].action == AuditAction.UPDATE
    assert written[0].changes == {
        "old": {"citizen_id": "********0001", "phone": ""},
        "new": {"citizen_id": "********8765", "phone": "0901 234 567"},
    }
    assert "079090098765" not in json.dumps(written[0].changes)
    # Nothing changed: nothing written.
    member_update_profile(actor=system_user, member=member, changes={"phone": "0901 234 567"})
    assert rows.new() == []


def test_set_value_writes_one_update(tree, admit, system_user, rows):
    member = admit(tree.c1)
    rows.new()
    member_set_value(actor=system_user, member=member, attribute="occupation", value="worker",
                     valid_from=date(2018, 1, 1))
    assert rows.kinds() == [(AuditAction.UPDATE, "value:occupation")]


def test_organisation_services_write_one_org_event_each(tree, admit, system_user, rows):
    du2 = organisation_found(actor=system_user, code="DU2", name="Đảng bộ Khu công nghệ cao",
                             org_type="superior_committee", parent=None, founded_on=date(2018, 1, 1),
                             decision=dec(date(2018, 1, 1)))
    assert rows.kinds() == [(AuditAction.ORG_EVENT, "founding")]

    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Nhà máy 1",
                        effective_date=date(2019, 1, 1), decision=dec(date(2019, 1, 1)))
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [(AuditAction.ORG_EVENT, "renaming")]
    assert written[0].changes["old"]["name"] == "Chi bộ Phân xưởng 1"
    assert written[0].changes["new"]["name"] == "Chi bộ Nhà máy 1"

    organisation_move(actor=system_user, organisation=tree.b1, new_parent=du2, effective_date=date(2020, 1, 1),
                      decision=dec(date(2020, 1, 1)))
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [(AuditAction.ORG_EVENT, "move")]
    assert written[0].changes["old"]["parent"] == tree.du.pk and written[0].changes["new"]["parent"] == du2.pk

    organisation_change_type(actor=system_user, organisation=tree.b2, new_type="base_party_committee",
                             effective_date=date(2020, 1, 1), decision=dec(date(2020, 1, 1)))
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [(AuditAction.ORG_EVENT, "type_change")]
    assert written[0].changes["old"]["type"] == "base_cell"
    assert written[0].changes["new"]["type"] == "base_party_committee"


def test_merge_writes_one_org_event_and_the_members_ledger_events(tree, admit, system_user, rows):
    for name in ("Trần Thị Bình", "Lê Văn Cường"):
        admit(tree.c2, name=name, on=date(2016, 3, 1))
    rows.new()
    organisation_merge(actor=system_user, organisation=tree.c2, into=tree.c1, effective_date=date(2021, 1, 1),
                       decision=dec(date(2021, 1, 1)))
    written = rows.new()
    assert [(r.action, r.event_type) for r in written] == [
        (AuditAction.LEDGER_EVENT, EventKind.ORG_TRANSFER), (AuditAction.LEDGER_EVENT, EventKind.ORG_TRANSFER),
        (AuditAction.ORG_EVENT, "merger")]
    assert written[-1].changes["new"]["members_moved"] == 2 and written[-1].changes["new"]["into"] == "C1"
    assert written[-1].changes["new"]["ended_on"] == "2021-01-01"


def test_dissolve_and_split_write_their_rows(tree, admit, system_user, rows):
    admit(tree.c2, name="Trần Thị Bình", on=date(2016, 3, 1))
    rows.new()
    organisation_dissolve(actor=system_user, organisation=tree.c2, effective_date=date(2021, 1, 1),
                          decision=dec(date(2021, 1, 1)), members_to=tree.c1)
    assert rows.kinds() == [(AuditAction.LEDGER_EVENT, EventKind.ORG_TRANSFER), (AuditAction.ORG_EVENT, "dissolution")]

    organisation_split(actor=system_user, organisation=tree.c1, effective_date=date(2022, 1, 1),
                       decision=dec(date(2022, 1, 1)),
                       new_units=[{"code": "C11", "name": "Chi bộ 1A", "org_type": "subordinate_cell"},
                                  {"code": "C12", "name": "Chi bộ 1B", "org_type": "subordinate_cell"}])
    # Each new organisation is founded (its own row), the member moves, then the split itself.
    assert rows.kinds() == [(AuditAction.ORG_EVENT, "founding"), (AuditAction.ORG_EVENT, "founding"),
                            (AuditAction.LEDGER_EVENT, EventKind.ORG_TRANSFER), (AuditAction.ORG_EVENT, "split")]


def test_a_refused_service_writes_no_audit_row(tree, admit, system_user, rows):
    member = admit(tree.c1, on=date(2016, 3, 1))
    rows.new()
    with pytest.raises(RuleViolation):
        member_admit(actor=system_user, profile=profile(born=date(2010, 1, 1), citizen_id="079090012399"),
                     organisation=tree.c1, decision=dec(date(2016, 3, 1)), admitted_on=date(2016, 3, 1))
    with pytest.raises(RuleViolation):
        member_record_event(actor=system_user, member=member, kind=EventKind.RECOGNITION,
                            effective_date=date(2016, 12, 1), decision=dec(date(2016, 12, 1)))
    with pytest.raises(RuleViolation):
        member_update_profile(actor=system_user, member=member, changes={"citizen_id": "123"})
    with pytest.raises(RuleViolation):
        organisation_dissolve(actor=system_user, organisation=tree.b1, effective_date=date(2021, 1, 1),
                              decision=dec(date(2021, 1, 1)), members_to=None)
    with pytest.raises(RuleViolation):
        organisation_merge(actor=system_user, organisation=tree.b1, into=tree.c1, effective_date=date(2021, 1, 1),
                           decision=dec(date(2021, 1, 1)))
    assert rows.new() == []
    assert OrganisationEvent.objects.filter(kind__in=["dissolution", "merger"]).count() == 0
    assert audit_verify_chain() == []


def test_chain_verifies_after_a_run(tree, admit, system_user):
    member = admit(tree.c1, on=date(2016, 3, 1))
    event = member_record_event(actor=system_user, member=member, kind=EventKind.RECOGNITION,
                                effective_date=date(2017, 3, 1), decision=dec(date(2017, 3, 1)))
    member_void_event(actor=system_user, event=event, reason="Nhập sai ngày")
    organisation_merge(actor=system_user, organisation=tree.c1, into=tree.c2, effective_date=date(2021, 1, 1),
                       decision=dec(date(2021, 1, 1)))
    assert AuditEntry.objects.count() > 8
    assert audit_verify_chain() == []
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].previous_hash == "0" * 64
    assert all(b.previous_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))


def test_altering_a_row_is_refused_or_detected(tree, admit):
    admit(tree.c1, on=date(2016, 3, 1))
    target = AuditEntry.objects.order_by("id")[2]
    update = f"UPDATE {AuditEntry._meta.db_table} SET reason = %s WHERE id = %s"
    if connection.vendor == "postgresql":
        # The append-only trigger refuses UPDATE and DELETE outright.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(update, ["đã sửa", target.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [target.pk])
        assert AuditEntry.objects.get(pk=target.pk).reason == target.reason
        assert audit_verify_chain() == []
    else:
        with connection.cursor() as cursor:
            cursor.execute(update, ["đã sửa", target.pk])
        problems = audit_verify_chain()
        assert problems == [f"#{target.pk}: nội dung đã bị sửa (hash không khớp)"]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [target.pk])
        assert audit_verify_chain() == [f"#{target.pk + 1}: liên kết với dòng trước bị đứt"]


def test_audit_record_many_hashes_and_stores_what_audit_record_would(tree, system_user):
    """``audit_record_many`` serialises each ``changes`` once and splices it into the canonical text: the hash
    must be the one ``compute_hash`` gives for the row as stored, and the stored row the same as
    ``audit_record``'s, for awkward values (dates, non-ASCII text, tuples, nested lists, numbers, nulls, an
    anonymous actor, an organisation, characters COPY must escape)."""
    from dangvu.audit.services import audit_record, audit_record_many, compute_hash

    awkward = {"tên": "Nguyễn Thị Ánh", "on": date(2020, 2, 29), "pair": (1, "hai"), "nested": [{"b": 1, "a": None}],
               "x": 1.5, "flag": True, "tab\tkey": "dòng\nmới \\ gạch", "z": {"ordered": {"9": 1, "10": 2}}}
    single = audit_record(actor=system_user, action=AuditAction.UPDATE, target_type="t", target_id="1",
                          target_repr="Đối tượng", organisation=tree.c1, old={"a": 1}, new=awkward, reason="lý do")
    many = audit_record_many([
        {"actor": system_user, "action": AuditAction.UPDATE, "target_type": "t", "target_id": "1",
         "target_repr": "Đối tượng", "organisation": tree.c1, "old": {"a": 1}, "new": awkward, "reason": "lý do"},
        {"actor": None, "action": "create", "event_type": "x", "new": {"on": date(2021, 1, 1)}},
        {"actor": system_user, "action": AuditAction.CREATE, "target": tree.c1, "new": awkward},
    ])
    assert many[0].previous_hash == single.entry_hash and many[1].previous_hash == many[0].entry_hash
    for entry in many:
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert stored.entry_hash == entry.entry_hash == compute_hash(stored) == compute_hash(entry)
        assert stored.changes == entry.changes
    first, anonymous, targeted = (AuditEntry.objects.get(pk=e.pk) for e in many)
    reference = AuditEntry.objects.get(pk=single.pk)
    for name in ("actor_id", "actor_username", "actor_role", "actor_scope", "action", "organisation_id",
                 "target_type", "target_id", "target_repr", "changes", "result", "reason"):
        assert getattr(first, name) == getattr(reference, name), name
    assert anonymous.actor_id is None and anonymous.changes == {"old": {}, "new": {"on": "2021-01-01"}}
    assert targeted.target_type == "organisations.organisation" and targeted.target_id == str(tree.c1.pk)
    assert audit_verify_chain() == []



def test_audit_record_many_serialises_awkward_values_as_audit_record_would():
    """The batch's one serialisation per row (prebuilt encoders): ``changes`` is ``_json_safe`` of the values and
    the hash is ``compute_hash`` of the row, for dates, datetimes, enums, decimals, tuples, keys JSON converts."""
    import decimal
    from collections import OrderedDict
    from datetime import UTC, datetime

    from dangvu.audit.services import _json_safe, audit_record_many, compute_hash
    from dangvu.members.models import MemberStatus

    values = [
        {"a": date(2020, 1, 2), "b": [1, 2.5, None, True], "c": (1, "x"), "Đ": "Tiếng Việt"},
        {"z": {"y": [{"q": decimal.Decimal("1.50")}]}, "at": datetime(2020, 1, 2, 3, 4, tzinfo=UTC),
         "kind": EventKind.ADMISSION, "status": MemberStatus.OFFICIAL},
        {10: "a", 9: "b", "x": {None: 1}},
        OrderedDict([("b", 1), ("a", 2)]),
    ]
    rows = audit_record_many([{"actor": None, "action": AuditAction.UPDATE, "target_type": "t", "target_id": str(n),
                               "old": {"n": n}, "new": value} for n, value in enumerate(values)])
    for row, (n, value) in zip(rows, enumerate(values), strict=True):
        assert row.changes == _json_safe({"old": {"n": n}, "new": value})
        assert row.entry_hash == compute_hash(row)
        stored = AuditEntry.objects.get(pk=row.pk)
        assert stored.changes == row.changes and compute_hash(stored) == row.entry_hash
    assert audit_verify_chain() == []
