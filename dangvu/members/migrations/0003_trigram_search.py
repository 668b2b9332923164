"""On PostgreSQL, a trigram index makes "name contains" searches fast at hundreds of thousands of rows."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS member_search_name_trgm ON members_member USING gin (search_name gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
