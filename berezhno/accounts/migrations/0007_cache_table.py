"""The database cache table (``CACHES`` of ``config.settings.production``).

The API's per-user throttle keeps its counts in the default cache (decision 0015); in
production that is the database cache, whose table ``createcachetable`` makes. Creating it
here means ``migrate`` is enough on a new server. It does nothing for other cache
backends (development and tests use local memory) or when the table exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_api_tokens_from_authtoken"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
