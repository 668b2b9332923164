"""``member_admit_many`` (the import's bulk path) against the per-row services: same members, events,
spells, current columns and values; same refusals with the same rule IDs; a verifiable audit chain;
all or nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.audit.services import audit_record, audit_record_many, audit_verify_chain
from dangvu.common.dates import add_months
from dangvu.members.models import EventKind, LedgerEvent, Member, MembershipSpell, MemberValue
from dangvu.members.services import (
    AdmitRow,
    MemberRowsRefused,
    member_admit,
    member_admit_many,
    member_record_event,
    member_set_value,
)
from dangvu.organisations.services import Decision, organisation_dissolve, organisation_found
from dangvu.rules.engine import RuleViolation
from tests.conftest import DECISION, FOUNDED

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _row(n, org, *, admitted=date(2018, 4, 2), ceremony=None, official=None, born=date(1990, 3, 15), values=None,
         card=None, cid=True, **profile):
    return AdmitRow(
        profile={"full_name": f"  Nguyễn Thị  Thử {n} ", "date_of_birth": born, "gender": "female",
                 "ethnicity": "kinh", **({"citizen_id": f"0790{n:08d}"} if cid else {}),
                 **({"card_number": card} if card else {}), **profile},
        organisation=org, admitted_on=admitted, decision=Decision(f"{n}-QĐ/ĐU", None, " BTV "),
        ceremony_date=ceremony, official_on=official, key=n + 1,
        values=values if values is not None else {"occupation": "worker", "general_education": "upper_secondary",
                                                  "is_youth_union_member": True})


def _varied(tree):
    return [
        _row(1, tree.c1),  # probationary
        _row(2, tree.c1, official=date(2019, 4, 2)),  # recognised on the 12-month day
        _row(3, tree.c2, admitted=date(2020, 1, 31), ceremony=date(2020, 2, 29), official=date(2021, 2, 28)),
        _row(4, tree.b2, cid=False, card="12345678", values={}),  # card number only, no values
        _row(5, tree.c2, admitted=add_months(TODAY, -12), official=TODAY, values={"political_theory": "elementary"}),
        _row(6, tree.b1, admitted=date(2016, 5, 1), born=date(1998, 4, 30), phone=" 0901 ",
             values={"has_foreign_spouse": False, "professional": "bachelor"}),
    ]


def _per_row(actor, row: AdmitRow) -> Member:
    """What the import wrote before the bulk path: member_admit, member_set_value …, recognition."""
    with transaction.atomic():
        member = member_admit(actor=actor, profile=row.profile, organisation=row.organisation, decision=row.decision,
                              admitted_on=row.admitted_on, ceremony_date=row.ceremony_date)
        for attribute, value in row.values.items():
            member_set_value(actor=actor, member=member, attribute=attribute, value=value, valid_from=row.admitted_on)
        if row.official_on:
            member_record_event(actor=actor, member=member, kind=EventKind.RECOGNITION, effective_date=row.official_on,
                                decision=Decision("", row.official_on, ""))
    return member


MEMBER_FIELDS = [f.name for f in Member._meta.concrete_fields if f.name not in ("id", "created_at")]
EVENT_FIELDS = [f.attname for f in LedgerEvent._meta.concrete_fields
                if f.name not in ("id", "member", "recorded_at")]
SPELL_FIELDS = [f.attname for f in MembershipSpell._meta.concrete_fields if f.name not in ("id", "member")]
VALUE_FIELDS = [f.attname for f in MemberValue._meta.concrete_fields if f.name not in ("id", "member", "recorded_at")]


def _snapshot():
    out = {}
    for member in Member.objects.order_by("citizen_id", "card_number"):
        key = member.citizen_id or member.card_number
        out[key] = {
            "member": {name: getattr(member, name) for name in MEMBER_FIELDS},
            "events": list(LedgerEvent.objects.filter(member=member).order_by("effective_date", "id")
                           .values(*EVENT_FIELDS)),
            "spells": list(MembershipSpell.objects.filter(member=member).order_by("valid_from").values(*SPELL_FIELDS)),
            "values": list(MemberValue.objects.filter(member=member).order_by("attribute").values(*VALUE_FIELDS)),
        }
    return out


def test_bulk_writes_exactly_what_the_per_row_services_write(tree, system_user):
    rows = _varied(tree)
    with transaction.atomic():
        for row in rows:
            _per_row(system_user, row)
        expected = _snapshot()
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    members = member_admit_many(actor=system_user, rows=_varied(tree))
    got = _snapshot()
    assert got == expected
    assert len(expected) == 6 and expected["079000000002"]["member"]["status"] == "official"
    assert expected["079000000001"]["member"]["status"] == "probationary"
    assert expected["12345678"]["member"]["citizen_id"] is None
    assert [len(m.created_records) for m in members] == [4, 5, 5, 1, 3, 3]
    assert audit_verify_chain() == []


def test_bulk_refuses_the_same_rules_with_the_same_ids(tree, system_user, admit):
    admit(tree.c1, name="Đã Có", citizen_id="079000000099")
    old = organisation_found(actor=system_user, code="CU", name="Chi bộ Cũ", org_type="subordinate_cell",
                             parent=tree.b1, founded_on=FOUNDED, decision=DECISION)
    organisation_dissolve(actor=system_user, organisation=old, effective_date=date(2019, 1, 1),
                          decision=Decision("9", date(2019, 1, 1), "BTV"), members_to=None)
    bad = [
        (_row(10, tree.c1, born=date(2001, 6, 1), admitted=date(2019, 4, 2)), "ADM-01"),  # under 18
        (_row(11, tree.c1, official=date(2019, 5, 20)), "PROB-04"),
        (_row(12, tree.c1, official=date(2019, 3, 1)), "PROB-01"),
        (_row(13, tree.c1, citizen_id="12345"), "ID-01"),
        (_row(14, tree.c1, citizen_id="079000000099"), "ID-01"),  # taken in the database
        (_row(15, tree.c1, card="12a"), "ID-02"),
        (_row(16, tree.c1, admitted=date(2014, 6, 1)), "ORG-10"),  # before the cell existed
        (_row(17, old, admitted=date(2018, 4, 2)), "ORG-10"),  # the cell is dissolved later
        (_row(18, tree.c1, admitted=TODAY + timedelta(days=1)), "LIFE-06"),
        (_row(19, tree.c1, gender=""), "NAME-01"),
        (_row(20, tree.c1, admitted=date(2018, 4, 2), ceremony=date(2018, 4, 1)), "LIFE-01"),
        (_row(21, tree.c1, status="official"), "LIFE-05"),
    ]
    for row, rule_id in bad:
        with pytest.raises(RuleViolation) as refused:
            _per_row(system_user, row)
        assert refused.value.rule_id == rule_id, (row.key, refused.value)
    before = (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count(),
              MembershipSpell.objects.count(), AuditEntry.objects.count())
    good = [_row(30, tree.c1), _row(31, tree.c2, official=date(2019, 4, 2))]
    with pytest.raises(MemberRowsRefused) as refused:
        member_admit_many(actor=system_user, rows=[good[0], *(row for row, _ in bad), good[1]])
    assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(row.key, rule) for row, rule in bad]
    assert refused.value.rule_id == "ADM-01" and "dòng 11" in str(refused.value)
    after = (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count(),
             MembershipSpell.objects.count(), AuditEntry.objects.count())
    assert after == before, "all or nothing: the good rows are not written either"


def test_duplicates_within_the_rows_are_refused_like_one_after_another(tree, system_user):
    rows = [_row(1, tree.c1), _row(2, tree.c1, citizen_id="079000000001"), _row(3, tree.c1, card="777"),
            _row(4, tree.c2, card="777")]
    with pytest.raises(MemberRowsRefused) as refused:
        member_admit_many(actor=system_user, rows=rows)
    assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(3, "ID-01"), (5, "ID-02")]
    # A refused row does not reserve its number: the per-row path rolls its savepoint back too.
    rows = [_row(1, tree.c1, citizen_id="12345", card="888"), _row(2, tree.c1, card="888")]
    with pytest.raises(MemberRowsRefused) as refused:
        member_admit_many(actor=system_user, rows=rows)
    assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(2, "ID-01")]


def test_bulk_audit_rows_and_the_chain(tree, system_user):
    audit_record(actor=system_user, action=AuditAction.UPDATE, event_type="before", target_type="x", target_id="1")
    members = member_admit_many(actor=system_user, rows=_varied(tree))
    audit_record(actor=system_user, action=AuditAction.UPDATE, event_type="after", target_type="x", target_id="2")
    rows = list(AuditEntry.objects.filter(event_type="bulk_admission").order_by("id"))
    assert [r.target_id for r in rows] == [str(m.pk) for m in members]
    second = rows[1]
    assert second.action == AuditAction.CREATE and second.organisation_id == tree.c1.pk
    assert second.actor_username == system_user.username
    new = second.changes["new"]
    assert new["citizen_id"] == "********0002" and new["full_name"] == "Nguyễn Thị Thử 2"
    assert [(e["kind"], e["effective_date"], e["organisation"]) for e in new["events"]] == [
        ("admission", "2018-04-02", "C1"), ("recognition", "2019-04-02", None)]
    assert sorted((v["attribute"], v["value"], v["valid_from"]) for v in new["values"]) == [
        ("general_education", "upper_secondary", "2018-04-02"), ("is_youth_union_member", "1", "2018-04-02"),
        ("occupation", "worker", "2018-04-02")]
    assert "079000000002" not in str(second.changes)
    assert audit_verify_chain() == []
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    ordered = list(AuditEntry.objects.order_by("id").values_list("event_type", flat=True))
    assert ordered[-8:] == ["before", *["bulk_admission"] * 6, "after"]


def test_audit_record_many_matches_audit_record(system_user):
    audit_record_many([])
    entries = audit_record_many([{"actor": system_user, "action": AuditAction.UPDATE, "target_type": "t",
                                  "target_id": str(n), "new": {"n": n, "on": date(2020, 1, n + 1)}} for n in range(5)])
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    assert entries[0].changes == {"old": {}, "new": {"n": 0, "on": "2020-01-01"}}
    assert audit_verify_chain() == []
    with pytest.raises(TypeError):
        audit_record_many([{"actor": None, "action": "update", "bogus": 1}])


def test_bulk_is_one_transaction(tree, system_user, monkeypatch):
    """A failure after the members are inserted (here: the audit) leaves nothing behind."""
    import dangvu.members.services as services

    written = []

    def broken(entries, meanwhile=None):
        if meanwhile is not None:  # PostgreSQL: the members, events, values and spells are written first
            meanwhile()()
        written.append(Member.objects.count())
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record_many", broken)
    with pytest.raises(RuntimeError):
        member_admit_many(actor=system_user, rows=_varied(tree))
    assert written == [len(_varied(tree))], "the members were inserted before the failure"
    assert not Member.objects.exists() and not LedgerEvent.objects.exists() and not MemberValue.objects.exists()


def _events(member, user, count: int, **extra):
    from django.utils import timezone

    return [LedgerEvent(member=member, kind=EventKind.DEATH, effective_date=date(2020, 1, 1) + timedelta(days=n), decision_number=str(n),
                        details={"ghi chú": "Tiếng Việt\tcó tab", "n": n}, recorded_at=timezone.now(),
                        recorded_by=user, external_place="Nơi\nkhác", **extra) for n in range(count)]


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_copy_meanwhile_writes_in_a_worker_while_this_thread_queries(tree, admit, system_user):
    """``copy_meanwhile``: the rows written by the worker thread are those ``bulk_insert`` writes; a query made
    meanwhile waits for the worker's turn on the connection and sees the same transaction."""
    from dangvu.common.bulk import bulk_insert, copy_meanwhile, reserve_ids

    member = admit(tree.c1)
    with transaction.atomic():
        background = reserve_ids(LedgerEvent, _events(member, system_user, 3000))
        wait = copy_meanwhile([(LedgerEvent, background), (MemberValue, [])])
        assert Member.objects.filter(pk=member.pk).exists()  # a query while the worker writes
        wait()
        foreground = bulk_insert(LedgerEvent, _events(member, system_user, 3000))
    assert all(not e._state.adding for e in background)
    fields = ["kind", "effective_date", "decision_number", "details", "recorded_by_id", "external_place", "member_id"]
    stored = {row["id"]: row for row in LedgerEvent.objects.filter(member=member).values("id", *fields)}
    assert len(stored) == 6001  # + the admission
    for written, other in zip(background, foreground, strict=True):
        assert {k: v for k, v in stored[written.pk].items() if k != "id"} == {
            k: v for k, v in stored[other.pk].items() if k != "id"}


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_copy_meanwhile_checks_keys_at_once_and_its_failure_rolls_back_with_the_savepoint(tree, admit, system_user):
    """The worker's rows have their foreign keys checked at the end of each COPY: a bad key is raised by ``wait``
    as Django's IntegrityError; the caller's savepoint rolls it back and the keys are deferred again, as Django
    creates them, for the rest of the transaction."""
    from django.db import IntegrityError, connection

    from dangvu.common.bulk import copy_meanwhile, reserve_ids

    member = admit(tree.c1)
    with transaction.atomic():
        good = reserve_ids(LedgerEvent, _events(member, system_user, 2))
        bad = reserve_ids(LedgerEvent, _events(member, system_user, 1))
        bad[0].member_id = 10**9
        with pytest.raises(IntegrityError), transaction.atomic():
            copy_meanwhile([(LedgerEvent, good), (LedgerEvent, bad)])()
        assert not LedgerEvent.objects.filter(pk__in=[good[0].pk, good[1].pk]).exists()
        with transaction.atomic():  # deferred again: a bad key inserted now is only refused at COMMIT
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO members_ledgerevent (member_id, kind, effective_date, decision_number, "
                               "deciding_body, external_place, other_province, details, recorded_at, void_reason) "
                               "SELECT %s, kind, effective_date, '', '', '', false, '{}', recorded_at, '' "
                               "FROM members_ledgerevent WHERE member_id = %s LIMIT 1", [10**9, member.pk])
            transaction.set_rollback(True)
    assert LedgerEvent.objects.filter(member=member).count() == 1


def test_bulk_audit_event_snapshot_is_the_per_row_snapshot_as_json(tree, system_user, admit):
    """``_event_snapshot_text`` (the bulk audit's) is ``_event_snapshot`` (the per-row services') as the audit's
    JSON stores it: same keys in the same order, dates as text, organisation codes, None for empty keys."""
    from dangvu.audit.services import _json_safe
    from dangvu.members.services import _event_snapshot, _event_snapshot_text

    member = admit(tree.c1)
    transfer = LedgerEvent(member=member, kind=EventKind.TRANSFER_IN if hasattr(EventKind, "TRANSFER_IN")
                           else EventKind.DEATH, effective_date=date(2020, 1, 2), decision_date=None,
                           organisation=tree.c2, from_organisation=tree.c1, ceremony_date=date(2020, 1, 1),
                           details={"x": 1}, decision_number="5", deciding_body="BTV", external_place="Huế")
    for event in [*member.events.all(), transfer]:
        text = _event_snapshot_text(event)
        expected = _json_safe(_event_snapshot(event))
        assert list(text) == list(expected) and text == expected
    assert _event_snapshot_text(transfer)["from_organisation"] == tree.c1.code
    assert _event_snapshot_text(transfer)["ceremony_date"] == "2020-01-01"


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_copy_meanwhile_data_that_cannot_be_made_stops_the_worker_before_the_error(tree, admit, system_user):
    """The COPY data is made in the caller's thread, table by table, while the worker writes the tables before: a
    value psycopg cannot send raises in the caller only once the worker has stopped, so the savepoint's rollback
    removes what it wrote and the connection stays usable."""
    from dangvu.common.bulk import copy_meanwhile, reserve_ids

    member = admit(tree.c1)
    with transaction.atomic():
        good = reserve_ids(LedgerEvent, _events(member, system_user, 500))
        bad = reserve_ids(LedgerEvent, _events(member, system_user, 1))
        bad[0].decision_number = object()  # no adapter
        with pytest.raises(Exception, match="adapt|dump|object"), transaction.atomic():
            copy_meanwhile([(LedgerEvent, good), (LedgerEvent, bad)])
        assert not LedgerEvent.objects.filter(pk__in=[good[0].pk, good[-1].pk]).exists()
        assert Member.objects.filter(pk=member.pk).exists()
