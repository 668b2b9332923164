"""SEC-26: dossiers are never erased. On PostgreSQL the database itself refuses DELETE on members, their
ledger and their dated values (corrections are voids and amendments, never deletions)."""

from django.db import migrations

TABLES = ("members_member", "members_ledgerevent", "members_membervalue")

FUNCTION = """
CREATE OR REPLACE FUNCTION dangvu_refuse_delete() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Hồ sơ không được xóa (%%): hãy hủy có lý do hoặc đính chính.', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION dangvu_refuse_delete()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_trigram_search")]
    operations = [migrations.RunPython(forwards, backwards)]
