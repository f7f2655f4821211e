"""A file written in a transaction that rolls back leaves storage with it: a blocked
person's upload refused by the write guard, a failure after the write, a rolled-back
savepoint — at the rollback itself, in a request or outside any (a command, a shell).
The default storage follows the transaction (``core.files``), so every file field of every
model does; the tests list the storage directory before and after, and never sweep."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.urls import reverse

from berezhno.core import files
from berezhno.core.context import acting_as
from berezhno.core.errors import BlockedError
from berezhno.people import services as people
from berezhno.people.models import Consent, PersonDocument
from berezhno.rights import services as rights
from berezhno.testing.fixtures import CONSENT
from berezhno.testing.matrix import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    """A storage directory of the test's own (the suite's workers share the default)."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def blocked(world):
    with acting_as("test"):
        return rights.request_register(user=world.user("specialist"), person=world.p1,
                                       kind="blocking", received_on=datetime.date.today(),
                                       subject="Оспаривает сведения")


def test_every_file_field_stores_in_a_transactional_storage():
    fields = [(model, f) for model in apps.get_models() for f in model._meta.get_fields()
              if isinstance(f, models.FileField)]
    assert len(fields) >= 4  # documents, consent scans, photos, agreement scans
    for model, field in fields:
        assert isinstance(field.storage, files.TransactionalStorageMixin), (
            f"{model.__name__}.{field.name}")


class TestBlockedPerson:
    def test_document_upload_by_page_leaves_no_file(self, client, world, blocked, media):
        client.force_login(world.user("specialist"))
        before = stored(media)
        r = client.post(reverse("people:document_add", args=[world.p1.pk]), {
            "doc_type": "application", "title": "Заявление", "file": pdf_upload()})
        assert r.status_code == 400 and "заблокированы" in r.content.decode()
        assert not PersonDocument.objects.filter(person=world.p1).exists()
        assert stored(media) == before

    def test_document_upload_by_api_leaves_no_file(self, client, world, blocked, media):
        client.force_login(world.user("specialist"))
        before = stored(media)
        r = client.post(reverse("document-list"), {
            "person": world.p1.pk, "doc_type": "application", "file": pdf_upload()})
        assert r.status_code == 400 and r.json()["code"] == "blocked"
        assert stored(media) == before

    def test_consent_scan_by_page_leaves_no_file(self, client, world, blocked, media):
        client.force_login(world.user("specialist"))
        before = stored(media)
        consents = Consent.objects.count()
        r = client.post(reverse("people:consent_add", args=[world.p1.pk]), {
            **CONSENT, "purpose": "special_category", "scan": pdf_upload(),
            "valid_from": datetime.date.today().isoformat()})
        assert r.status_code == 400 and "заблокированы" in r.content.decode()
        assert Consent.objects.count() == consents
        assert stored(media) == before

    def test_the_service_refused_directly_leaves_no_file(self, world, blocked, media):
        before = stored(media)
        with pytest.raises(BlockedError), acting_as("test"):
            people.document_attach(user=world.user("specialist"), person=world.p1,
                                   upload=pdf_upload(), doc_type="application")
        assert stored(media) == before  # gone with the rollback, no sweep needed
        assert files.discard_rolled_back() == 0


class TestAnyRollback:
    def test_a_failure_after_a_successful_upload_takes_the_file(self, world, media):
        spec = world.user("specialist")
        with pytest.raises(RuntimeError), acting_as("test"), transaction.atomic():
            people.document_attach(user=spec, person=world.p1, upload=pdf_upload(),
                                   doc_type="application")
            assert len(stored(media)) == 1
            raise RuntimeError("a later step of the same transaction fails")
        assert stored(media) == []

    def test_a_kept_upload_stays_and_is_downloadable(self, client, world, media):
        spec = world.user("specialist")
        client.force_login(spec)
        r = client.post(reverse("document-list"), {
            "person": world.p1.pk, "doc_type": "application", "file": pdf_upload()})
        assert r.status_code == 201, r.content
        assert files.discard_rolled_back() == 0
        document = PersonDocument.objects.get(pk=r.json()["id"])
        assert stored(media) == [document.file.name]
        r = client.get(reverse("people:document_download", args=[world.p1.pk, document.pk]))
        assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")

    def test_savepoints(self, media):
        def write(name):
            return default_storage.save(name, ContentFile(b"x"))

        with transaction.atomic():
            kept = write("kept")
            with pytest.raises(RuntimeError), transaction.atomic():
                write("inner-rolled-back")
                assert len(stored(media)) == 2
                raise RuntimeError
            # Deleted at the savepoint's rollback, the outer transaction still open.
            assert stored(media) == [kept]
            with transaction.atomic():
                inner_kept = write("inner-kept")
            assert stored(media) == sorted([kept, inner_kept])
        with pytest.raises(RuntimeError), transaction.atomic():
            with transaction.atomic():
                write("inner-of-a-rolled-back-outer")
            raise RuntimeError
        assert stored(media) == sorted([kept, inner_kept])

    def test_an_inner_block_without_a_savepoint_goes_with_the_outer(self, media):
        with pytest.raises(RuntimeError), transaction.atomic():
            default_storage.save("outer", ContentFile(b"x"))
            try:
                with transaction.atomic(savepoint=False):
                    default_storage.save("inner", ContentFile(b"x"))
                    raise ValueError
            except ValueError:
                pass
            assert len(stored(media)) == 2  # the outer block has not rolled back yet
            raise RuntimeError
        assert stored(media) == []

    def test_committed_files_stay(self, media, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            name = default_storage.save("committed", ContentFile(b"x"))
        assert files.discard_rolled_back() == 0
        assert stored(media) == [name]


@pytest.mark.django_db(transaction=True)
class TestOutsideARequest:
    """A command or a shell: no request, no middleware, real transactions (autocommit
    between them, as ``manage.py`` runs)."""

    def test_a_rolled_back_block_takes_its_file_at_once(self, world, media):
        from django.db import connection

        assert not connection.in_atomic_block
        with pytest.raises(BlockedError), acting_as("command"), transaction.atomic():
            rights.request_register(user=world.user("specialist"), person=world.p1,
                                    kind="blocking", received_on=datetime.date.today(),
                                    subject="Оспаривает сведения")
            people.document_attach(user=world.user("specialist_other"), person=world.p2,
                                   upload=pdf_upload(), doc_type="application")
            assert len(stored(media)) == 1
            # The blocked person's upload: refused after its file was written.
            people.document_attach(user=world.user("specialist"), person=world.p1,
                                   upload=pdf_upload(), doc_type="application")
        assert stored(media) == []  # both files, before any later write or sweep
        assert not PersonDocument.objects.exists()
        with acting_as("command"):
            document = people.document_attach(user=world.user("specialist_other"),
                                               person=world.p2, upload=pdf_upload(),
                                               doc_type="application")
        assert stored(media) == [document.file.name]  # committed: kept

    def test_a_command_process_deletes_at_the_rollback(self, tmp_path):
        """A real command in a process of its own (``manage.py shell -c``, no request, no
        test wrapper): the file of the rolled-back block is gone right after the block,
        while the process still runs; the committed one stays."""
        import os
        import subprocess
        import sys

        code = (
            "import sys\n"
            "from django.conf import settings\n"
            f"settings.MEDIA_ROOT = {str(tmp_path / 'media')!r}\n"
            "from django.core.files.base import ContentFile\n"
            "from django.core.files.storage import default_storage as s\n"
            "from django.db import transaction\n"
            "try:\n"
            "    with transaction.atomic():\n"
            "        s.save('rolled-back.txt', ContentFile(b'x'))\n"
            "        raise RuntimeError\n"
            "except RuntimeError:\n"
            "    pass\n"
            "print('after-rollback', s.exists('rolled-back.txt'))\n"
            "with transaction.atomic():\n"
            "    s.save('committed.txt', ContentFile(b'x'))\n"
            "print('after-commit', s.exists('committed.txt'))\n")
        env = {**os.environ, "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
               "DJANGO_SETTINGS_MODULE": "config.settings.local", "BEREZHNO_DB": "sqlite"}
        command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
        done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=120, cwd=Path(__file__).resolve().parents[3])
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["after-rollback", "False", "after-commit", "True"]
        assert stored(tmp_path / "media") == ["committed.txt"]
