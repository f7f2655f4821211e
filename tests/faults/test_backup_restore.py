"""Backup and restore, tested (docs/operations/backup-restore.md): a database with data is
dumped with ``pg_dump -Fc``, restored with ``pg_restore`` into a fresh database, and the
restored one passes ``manage.py smoke_check`` with every table's row count equal to the
original's. On a PostgreSQL of the test's own (``berezhno.testing.pgcluster``), in the
PostgreSQL pass of the suite; 1–3 min on the shared 2-core machine, most of it the migrations.
"""

import os
import subprocess
import sys
from pathlib import Path

from berezhno.testing.pgcluster import Cluster, fault_run_marks

ROOT = Path(__file__).resolve().parents[2]

pytestmark = fault_run_marks("the backup test")

DATA = """
from berezhno.testing.fixtures import build_world
from berezhno.people import services
world = build_world()
services.contact_log(user=world.user("specialist"), person=world.p1, channel="visit",
                     purpose="patronage", notes="до резервной копии")
"""

COUNTS = """SELECT string_agg(t.relname || '=' || (xpath('/row/c/text()', query_to_xml(
 format('SELECT count(*) AS c FROM %I', t.relname), false, true, '')))[1]::text, ',' ORDER BY
 t.relname) FROM pg_stat_user_tables t"""


def test_a_dump_restores_into_a_fresh_database_that_passes_the_smoke_checks(tmp_path):
    cluster = Cluster().init()
    try:
        cluster.start()
        cluster.psql("CREATE DATABASE region")
        env = {**os.environ, **cluster.environ("region"),
               "DJANGO_SETTINGS_MODULE": "config.settings.production",
               "DJANGO_SECRET_KEY": "backup-test-" + "x" * 50, "SECURE_SSL_REDIRECT": "0"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT,
                       check=True, timeout=180, capture_output=True)
        subprocess.run([*manage, "shell", "-c", DATA], env=env, cwd=ROOT, check=True,
                       timeout=60, capture_output=True)

        dump = tmp_path / "region.dump"
        cluster.pg_tool("pg_dump", "-Fc", "-d", "region", "-f", str(dump))
        cluster.psql("CREATE DATABASE region_restored")
        cluster.pg_tool("pg_restore", "--no-owner", "--exit-on-error", "-d",
                        "region_restored", str(dump))

        restored = {**env, **cluster.environ("region_restored")}
        # The pages need the collected static files in production; here they are served
        # by the finders of the local settings, on the same restored database.
        result = subprocess.run([*manage, "smoke_check"],
                                env={**restored, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                                cwd=ROOT, timeout=120, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Smoke checks passed" in result.stdout
        assert "people.Contact: 1" in result.stdout
        before = cluster.psql(COUNTS, database="region")
        after = cluster.psql(COUNTS, database="region_restored")
        assert before == after and "people_person=3" in before, (before, after)
    finally:
        cluster.destroy()
