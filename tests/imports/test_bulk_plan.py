"""The fast parts of the import's bulk path: ledger checks made once per distinct ledger and given to every
row that shares it, model instances built without ``Model.__init__``, JSON sent to COPY as text."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.common.bulk import bulk_insert, bulk_insert_values, instance_factory
from dangvu.members.models import EventKind, LedgerEvent, Member, MemberValue
from dangvu.members.services import AdmitRow, MemberRowsRefused, member_admit_many
from dangvu.organisations.services import Decision

pytestmark = pytest.mark.django_db


def _row(n, org, *, born=date(1990, 3, 15), admitted=date(2018, 4, 2), official=None):
    return AdmitRow(profile={"full_name": f"Trần Thị Mẫu {n}", "date_of_birth": born, "gender": "female",
                             "citizen_id": f"0790{n:08d}"},
                    organisation=org, admitted_on=admitted, decision=Decision("", admitted, ""),
                    values={"occupation": "worker"}, official_on=official, key=n)


def test_shared_ledger_refusals_adm01_prob04_reach_every_row_and_only_those(tree, system_user):
    """ADM-01 and PROB-04 through the shared ledger check: rows with the same organisation and dates share one
    replay, so every row with the same refused ledger is refused with the rule ID, a row that differs only by
    its date of birth (or official date) is judged on its own, and nothing is written."""
    too_young = date(2001, 6, 1)  # 17 on 02/04/2018
    rows = [_row(1, tree.c1, born=too_young), _row(2, tree.c1), _row(3, tree.c1, born=too_young),
            _row(4, tree.c1, official=date(2019, 5, 20)), _row(5, tree.c1, official=date(2019, 4, 2)),
            _row(6, tree.c1, official=date(2019, 5, 20)), _row(7, tree.c2, born=too_young)]
    before = (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count())
    with pytest.raises(MemberRowsRefused) as refused:
        member_admit_many(actor=system_user, rows=rows)
    found = [(key, violation.rule_id) for key, violation in refused.value.errors]
    assert found == [(1, "ADM-01"), (3, "ADM-01"), (4, "PROB-04"), (6, "PROB-04"), (7, "ADM-01")]
    assert refused.value.errors[0][1] is not refused.value.errors[1][1]  # each row its own violation
    assert "[PROB-04]" in str(refused.value.errors[3][1])
    assert (Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count()) == before


def test_shared_ledger_gives_each_member_its_own_records_life06(tree, system_user):
    """LIFE-06 / PROB-04 accepted: members sharing one ledger check get their own events, values and spells,
    and their current columns come from that ledger."""
    members = member_admit_many(actor=system_user, rows=[_row(n, tree.c1, official=date(2019, 4, 2))
                                                         for n in (1, 2, 3)])
    assert len({m.pk for m in members}) == 3
    for member in members:
        stored = Member.objects.get(pk=member.pk)
        assert (stored.status, stored.organisation_id, stored.admitted_on, stored.official_on,
                stored.occupation) == ("official", tree.c1.pk, date(2018, 4, 2), date(2019, 4, 2), "worker")
        assert list(stored.events.order_by("effective_date").values_list("kind", flat=True)) == [
            EventKind.ADMISSION, EventKind.RECOGNITION]
        assert stored.spells.count() == 2
        assert [e.member_id for e in member.created_events] == [member.pk, member.pk]
        assert member.created_events[0].organisation == tree.c1
        assert member.created_events[0].recorded_by == system_user


def test_instance_factory_matches_the_model_constructor(tree, system_user):
    make = instance_factory(LedgerEvent)
    fast = make({"kind": EventKind.ADMISSION, "effective_date": date(2020, 1, 1), "organisation_id": tree.c1.pk},
                {"organisation": tree.c1})
    slow = LedgerEvent(kind=EventKind.ADMISSION, effective_date=date(2020, 1, 1), organisation=tree.c1)
    fields = [f.attname for f in LedgerEvent._meta.concrete_fields]
    assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields]
    assert fast._state.adding and fast.organisation is tree.c1
    other = make({"kind": EventKind.DEATH, "effective_date": date(2020, 1, 2)})
    assert other.details == {} and other.details is not fast.details  # callable defaults: one per instance
    with pytest.raises(TypeError, match="organisation"):
        make({"organisation": tree.c1})


def test_json_columns_through_copy_keep_their_values(tree, admit, system_user):
    """Empty and non-empty JSON, through ``bulk_insert`` and ``bulk_insert_values``, read back as given."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from dangvu.imports.models import ImportBatch, ImportRow

    member = admit(tree.c1)
    make = instance_factory(LedgerEvent)
    events = [make({"member_id": member.pk, "kind": EventKind.DEATH, "effective_date": date(2020, 1, 1),
                    "details": details, "recorded_at": timezone.now()})
              for details in ({}, {"lý do": "Ốm \"nặng\"\n", "n": [1, None]}, {})]
    bulk_insert(LedgerEvent, events)
    assert [LedgerEvent.objects.get(pk=e.pk).details for e in events] == [
        {}, {"lý do": "Ốm \"nặng\"\n", "n": [1, None]}, {}]
    batch = ImportBatch.objects.create(kind="members", file_name="a.xlsx", content=b"x", file_sha256="0",
                                       created_by=system_user)
    content_type = ContentType.objects.get_for_model(Member).pk
    bulk_insert_values(ImportRow, ["batch_id", "row_number", "content_type_id", "object_id", "action", "before"],
                       [(batch.pk, 1, content_type, member.pk, "created", {}),
                        (batch.pk, 2, content_type, member.pk, "updated", {"before": {"phone": "09"}}),
                        (batch.pk, 3, content_type, member.pk, "created", [])])
    assert list(ImportRow.objects.filter(batch=batch).order_by("row_number").values_list("before", flat=True)) == [
        {}, {"before": {"phone": "09"}}, []]
