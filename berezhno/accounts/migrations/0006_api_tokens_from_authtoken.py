"""Existing DRF tokens (``rest_framework.authtoken``, plain keys) become hashed ApiTokens.

Each key keeps working, until the configured lifetime from this migration; the plain keys
are then deleted from ``authtoken_token`` (the table itself belongs to an app that is no
longer installed and is left, empty, for the operator to drop). Read with plain SQL because
that app's models are not installed any more.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

TABLE = "authtoken_token"


def hash_existing_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn('key')}, {qn('user_id')}, {qn('created')} FROM {qn(TABLE)}")
        rows = cursor.fetchall()
    now = timezone.now()
    lifetime = getattr(settings, "BEREZHNO_API_TOKEN_LIFETIME", datetime.timedelta(days=90))
    tokens = []
    for key, user_id, created in rows:
        if isinstance(created, str):
            created = parse_datetime(created)
        if created is not None and timezone.is_naive(created):
            created = timezone.make_aware(created, datetime.UTC)
        tokens.append(ApiToken(user_id=user_id, digest=hashlib.sha256(key.encode()).hexdigest(),
                               prefix=key[:8], created_at=created or now,
                               expires_at=now + lifetime))
    ApiToken.objects.bulk_create(tokens)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(TABLE)}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_api_token"),
    ]

    operations = [
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
    ]
