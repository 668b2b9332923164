"""SEC-26: organisations and their dated decisions are never erased (PostgreSQL trigger)."""

from django.db import migrations

TABLES = ("organisations_organisation", "organisations_organisationevent")

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
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
