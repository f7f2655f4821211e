"""Organisations and agreements are edited like every other record (optimistic locking):
a change names the version it was made on, a stale one is a 409 naming the fields with
their current values, and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from berezhno.accounts import services
from berezhno.accounts.models import Agreement, Organisation
from berezhno.core.errors import ConflictError, DomainError
from berezhno.core.models import ObjectChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world):
    return Agreement.objects.create(organisation=world.partner_org, provider=world.provider,
                                    number="7-С", date=datetime.date(2026, 1, 10),
                                    subject="Обмен сведениями")


def _patch(client, name, pk, body):
    return client.patch(reverse(name, args=[pk]), body, content_type="application/json")


def test_an_organisation_change_needs_the_version(client, world):
    client.force_login(world.user("admin"))
    org = world.partner_org
    r = _patch(client, "organisation-detail", org.pk, {"phone": "+73816100000"})
    assert r.status_code == 400 and r.json()["code"] == "required"
    assert list(r.json()["fields"]) == ["version"]
    r = _patch(client, "organisation-detail", org.pk,
               {"phone": "+73816100000", "version": org.version})
    assert r.status_code == 200 and r.json()["version"] == org.version + 1
    assert ObjectChange.objects.filter(object_id=org.pk, action="update",
                                       actor=world.user("admin")).exists()


def test_a_stale_organisation_version_is_a_409_with_the_current_values(client, world):
    admin = world.user("admin")
    client.force_login(admin)
    org = world.partner_org
    seen = org.version
    services.organisation_update(user=admin, organisation=org, expected_version=seen,
                                 short_name="ОМВД")
    changes = ObjectChange.objects.count()
    r = _patch(client, "organisation-detail", org.pk, {"short_name": "Полиция",
                                                       "version": seen})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "conflict" and "другой пользователь" in body["detail"]
    assert body["details"]["current_version"] == seen + 1
    assert body["details"]["current_values"]["short_name"] == "ОМВД"
    assert body["details"]["changed_fields"] == ["short_name"]  # only what changed since
    assert body["detail"].endswith("Сейчас в записи — краткое наименование: «ОМВД».")
    assert Organisation.objects.get(pk=org.pk).short_name == "ОМВД"
    assert ObjectChange.objects.count() == changes


def test_a_stale_agreement_version_is_a_409_and_nothing_changes(client, world, agreement):
    admin = world.user("admin")
    client.force_login(admin)
    r = _patch(client, "agreement-detail", agreement.pk, {"subject": "Рейды"})
    assert r.status_code == 400 and "version" in r.json()["fields"]
    r = _patch(client, "agreement-detail", agreement.pk,
               {"subject": "Совместные рейды", "version": agreement.version})
    assert r.status_code == 200 and r.json()["version"] == agreement.version + 1
    r = _patch(client, "agreement-detail", agreement.pk,
               {"subject": "Другое", "version": agreement.version})
    assert r.status_code == 409
    assert r.json()["details"]["current_values"] == {"subject": "Совместные рейды"}
    assert Agreement.objects.get(pk=agreement.pk).subject == "Совместные рейды"
    r = _patch(client, "agreement-detail", agreement.pk,
               {"valid_until": "2025-01-01", "version": agreement.version + 1})
    assert r.status_code == 400 and r.json()["fields"]["valid_until"] == [
        "Срок действия раньше даты."]


def test_the_services_check_the_right_and_the_version(world, agreement):
    with pytest.raises(DomainError) as exc:
        services.agreement_update(user=world.user("head"), agreement=agreement,
                                  expected_version=agreement.version, subject="x")
    assert exc.value.status == 403
    with pytest.raises(ConflictError):
        services.agreement_update(user=world.user("admin"), agreement=agreement,
                                  expected_version=agreement.version + 5, subject="x")
    with pytest.raises(TypeError):
        services.organisation_update(user=world.user("admin"), organisation=world.provider,
                                     expected_version=1, colour="red")  # type: ignore[call-arg]
    assert Agreement.objects.get(pk=agreement.pk).subject == "Обмен сведениями"


def test_a_patch_without_a_change_keeps_the_version(client, world):
    client.force_login(world.user("admin"))
    org = Organisation.objects.get(pk=world.provider.pk)
    r = _patch(client, "organisation-detail", org.pk, {"name": org.name,
                                                       "version": org.version})
    assert r.status_code == 200 and r.json()["version"] == org.version


def _stored_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_scan_upload_takes_the_version_read(client, world, agreement, settings):
    """``POST …/file/`` is an edit like the others: without the version a 400, on a stale
    one a 409 naming what changed since, with nothing stored; on the current one the scan
    is saved, the version moves on and the change is audited."""
    from berezhno.testing.matrix import pdf_upload

    admin = world.user("admin")
    client.force_login(admin)
    url = reverse("agreement-upload-file", args=[agreement.pk])
    changes = ObjectChange.objects.count()
    r = client.post(url, {"file": pdf_upload("agreement.pdf")})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["version"]
    r = client.post(url, {"file": pdf_upload("agreement.pdf"), "version": "abc"})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["version"]
    seen = agreement.version
    services.agreement_update(user=admin, agreement=agreement, expected_version=seen,
                              subject="Совместные рейды")
    changes = ObjectChange.objects.count()
    r = client.post(url, {"file": pdf_upload("agreement.pdf"), "version": seen})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "conflict"
    assert body["details"]["changed_fields"] == ["subject"]
    assert body["details"]["current_values"] == {"subject": "Совместные рейды"}
    assert "предмет соглашения: «Совместные рейды»" in body["detail"]
    stored = Agreement.objects.get(pk=agreement.pk)
    assert not stored.file and stored.version == seen + 1
    assert ObjectChange.objects.count() == changes
    assert _stored_files(settings) == []

    r = client.post(url, {"file": pdf_upload("agreement.pdf"), "version": seen + 1})
    assert r.status_code == 200, r.content
    assert r.json()["version"] == seen + 2 and r.json()["file"]
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.file.read().startswith(b"%PDF")
    change = ObjectChange.objects.filter(object_id=agreement.pk, action="update",
                                         actor=admin).latest("id")
    assert change.after["file"] == stored.file.name and not change.before["file"]


def test_the_scan_upload_needs_the_right(world, agreement):
    from berezhno.testing.matrix import pdf_upload

    with pytest.raises(DomainError) as exc:
        services.agreement_file_set(user=world.user("head"), agreement=agreement,
                                    expected_version=agreement.version,
                                    file=pdf_upload("agreement.pdf"))
    assert exc.value.status == 403
    assert not Agreement.objects.get(pk=agreement.pk).file
