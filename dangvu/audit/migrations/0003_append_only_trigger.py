"""On PostgreSQL, refuse UPDATE and DELETE of audit rows at the database (SEC-17).

SQLite has no such privilege model; there the application layer is the only guard, and
``dangvu verify-audit`` detects edits through the hash chain on both.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION dangvu_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION dangvu_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS dangvu_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
