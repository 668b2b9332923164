"""``BulkAdmission``: the chunks of one import, the next one planned in a helper thread while this one is written.
Same records, same refusals as one ``member_admit_many`` per chunk; a plan made ahead is used only for the rows
it was made for, and never when this chunk's writes could change its answer."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

import dangvu.members.services as services
from dangvu.audit.models import AuditEntry
from dangvu.audit.services import audit_verify_chain
from dangvu.members.models import Member
from dangvu.members.services import BulkAdmission, MemberRowsRefused, member_admit_many
from tests.members.test_bulk import _row, _snapshot, _varied

pytestmark = pytest.mark.django_db


def _chunks(tree):
    first = _varied(tree)
    second = [_row(n, tree.c1 if n % 2 else tree.c2, official=date(2019, 4, 2) if n % 3 else None)
              for n in range(40, 47)]
    return first, second


def _audit_texts():
    return list(AuditEntry.objects.order_by("id").values_list("action", "event_type", "target_repr", "changes"))


def _spy_planned_in_thread(monkeypatch) -> list[int]:
    """The size of every chunk planned in the helper thread."""
    planned = []
    original = BulkAdmission._plan

    def spy(self, rows, *args, in_thread=False, **kwargs):
        if in_thread:
            planned.append(len(rows))
        return original(self, rows, *args, in_thread=in_thread, **kwargs)

    monkeypatch.setattr(BulkAdmission, "_plan", spy)
    return planned


def test_next_chunk_planned_ahead_writes_what_one_call_per_chunk_writes(tree, system_user, monkeypatch):
    first, second = _chunks(tree)
    with transaction.atomic():
        member_admit_many(actor=system_user, rows=first)
        member_admit_many(actor=system_user, rows=second)
        expected, expected_audit = _snapshot(), _audit_texts()
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    planned = _spy_planned_in_thread(monkeypatch)
    admission = BulkAdmission(actor=system_user)
    with transaction.atomic():
        written = admission.admit(first, upcoming=second)
        assert admission.ahead is not None
        written += admission.admit(second)
    assert planned == [len(second)], "the second chunk was planned in the helper thread"
    assert admission.ahead is None
    assert _snapshot() == expected
    got_audit = _audit_texts()
    assert [row[:3] for row in got_audit] == [row[:3] for row in expected_audit]
    assert [row[3] for row in got_audit] == [row[3] for row in expected_audit]
    assert [m.pk for m in written] == sorted(m.pk for m in written)
    assert audit_verify_chain() == []


def test_plan_ahead_is_not_used_for_other_rows(tree, system_user, monkeypatch):
    first, second = _chunks(tree)
    changed = [_row(n, tree.c2, born=date(1985, 1, 1)) for n in range(40, 47)]
    admission = BulkAdmission(actor=system_user)
    admission.admit(first, upcoming=second)
    admission.admit(changed)
    stored = Member.objects.get(citizen_id="079000000040")
    assert (stored.date_of_birth, stored.organisation_id, stored.status) == (date(1985, 1, 1), tree.c2.pk,
                                                                             "probationary")


def test_next_chunk_sharing_a_number_is_planned_after_this_one_is_written_or_refused(tree, system_user,
                                                                                    monkeypatch):
    """ID-01 across chunks: a number the first chunk writes is taken for the second; if the first chunk is refused
    (nothing written), the same number is free. Planning the second chunk before the first is written would get
    one of the two wrong."""
    planned = _spy_planned_in_thread(monkeypatch)
    admission = BulkAdmission(actor=system_user)
    with pytest.raises(MemberRowsRefused) as refused:
        admission.admit([_row(1, tree.c1)], upcoming=[_row(2, tree.c1, citizen_id="079000000001")])
        admission.admit([_row(2, tree.c1, citizen_id="079000000001")])
    assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(3, "ID-01")]
    assert planned == []
    admission = BulkAdmission(actor=system_user)
    with transaction.atomic():
        bad = [_row(5, tree.c1, citizen_id="079000000005"), _row(6, tree.c1, gender="")]
        with pytest.raises(MemberRowsRefused) as refused, transaction.atomic():
            admission.admit(bad, upcoming=[_row(7, tree.c1, citizen_id="079000000005")])
        assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(7, "NAME-01")]
        admission.admit([_row(7, tree.c1, citizen_id="079000000005")])
    assert Member.objects.filter(citizen_id="079000000005").count() == 1
    assert planned == []


def test_a_plan_the_helper_thread_cannot_make_is_made_again_here(tree, system_user, monkeypatch):
    """``_NeedsQuery`` (or any error) in the helper thread: the chunk is planned again in the caller's thread."""
    first, second = _chunks(tree)
    original = services._plan_admission
    calls = {"thread": 0}

    def needs_query(row, **kwargs):
        if kwargs.get("in_thread"):
            calls["thread"] += 1
            raise services._NeedsQuery
        return original(row, **kwargs)

    monkeypatch.setattr(services, "_plan_admission", needs_query)
    admission = BulkAdmission(actor=system_user)
    admission.admit(first, upcoming=second)
    admission.admit(second)
    assert calls["thread"] == 1
    assert Member.objects.count() == len(first) + len(second)
    assert audit_verify_chain() == []


def test_refusals_of_a_chunk_planned_ahead_are_reported(tree, system_user):
    first, _second = _chunks(tree)
    second = [_row(50, tree.c1), _row(51, tree.c1, born=date(2001, 6, 1), admitted=date(2019, 4, 2))]
    admission = BulkAdmission(actor=system_user)
    admission.admit(first, upcoming=second)
    with pytest.raises(MemberRowsRefused) as refused:
        admission.admit(second)
    assert [(key, exc.rule_id) for key, exc in refused.value.errors] == [(52, "ADM-01")]


def test_a_query_in_the_helper_thread_is_refused_and_the_chunk_planned_here(tree, system_user, monkeypatch):
    """The helper thread has a connection of its own, outside the import's transaction: a read there would not
    see the chunks written so far. Any query it tries is refused and the chunk is planned again here."""
    from dangvu.organisations.models import Organisation

    first, second = _chunks(tree)
    original = services._plan_admission
    seen = {"thread": 0, "here": 0}

    def queries(row, **kwargs):
        if kwargs.get("in_thread"):
            seen["thread"] += 1
            Organisation.objects.count()  # would run on the helper thread's own connection
        elif row in second:
            seen["here"] += 1
        return original(row, **kwargs)

    monkeypatch.setattr(services, "_plan_admission", queries)
    planned = _spy_planned_in_thread(monkeypatch)
    admission = BulkAdmission(actor=system_user)
    admission.admit(first, upcoming=second)
    admission.admit(second)
    assert planned == [len(second)] and seen["thread"] == 1  # tried in the thread, refused at its first query
    assert seen["here"] == len(second)  # then every row of the chunk planned in this thread
    assert Member.objects.count() == len(first) + len(second)
    assert audit_verify_chain() == []
