"""Trigram indexes for name-fragment search; PostgreSQL only (SQLite scans are fine)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_name_trgm ON people_person "
        "USING gin (search_name gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS territory_path_prefix ON territories_territory "
        "(path varchar_pattern_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_name_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS territory_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("territories", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
