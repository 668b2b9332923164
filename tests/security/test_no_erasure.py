"""SEC-17 / SEC-26: the audit trail and the dossiers cannot be erased or rewritten at the database."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from dangvu.audit.models import AuditEntry
from dangvu.audit.services import audit_verify_chain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers are PostgreSQL's")


@pytest.mark.parametrize("table", ["members_member", "members_ledgerevent", "members_membervalue",
                                   "organisations_organisation", "organisations_organisationevent"])
def test_sec_26_hard_delete_of_a_dossier_is_refused_by_the_database(tree, admit, table):
    admit(tree.c1, on=date(2019, 5, 6))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET reason = 'sửa lén'", "DELETE FROM audit_auditentry"])
def test_sec_17_audit_rows_cannot_be_updated_or_deleted(tree, statement):
    assert AuditEntry.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert audit_verify_chain() == []
