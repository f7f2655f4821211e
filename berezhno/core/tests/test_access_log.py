"""The access log is written by the selectors and the API mixin that return personal data
(152-ФЗ): one row per person read, one insert per request, special-category reads as such,
and special-category values masked for those without the right."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from berezhno.core import access, audit
from berezhno.core.api import LoggedReads
from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.people.models import Household, Person, SensitiveInfo
from berezhno.testing.matrix import HEAD, IN, PSY

pytestmark = pytest.mark.django_db


def _viewsets():
    found = []

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                cls = getattr(p.callback, "cls", None)
                if cls is not None and getattr(p.callback, "actions", None) is not None:
                    found.append(cls)

    walk(get_resolver().url_patterns)
    return set(found)


def test_every_api_viewset_of_personal_records_logs_its_reads():
    personal = {k.code for k in access.kinds().values() if k.personal}
    missing = []
    for cls in _viewsets():
        queryset = getattr(cls, "queryset", None)
        model = queryset.model if queryset is not None else None
        serializer = getattr(cls, "serializer_class", None)
        if model is None and serializer is not None:
            model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None:
            continue
        kind = access.kind_of(model)
        if (kind in personal or model in (ObjectChange, AccessLog)) and not issubclass(
                cls, LoggedReads):
            missing.append(cls.__name__)
    assert not missing, f"viewsets of personal data without LoggedReads: {missing}"


def test_an_api_list_page_logs_each_person_in_one_insert(client, scene):
    client.force_login(scene.users[IN])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("person-list"), {"page_size": 200})
    assert response.status_code == 200
    shown = {row["id"] for row in response.json()["results"]}
    logged = set(AccessLog.objects.filter(kind=AccessKind.API_READ).values_list(
        "person_id", flat=True))
    assert shown and logged == shown
    inserts = [q for q in ctx.captured_queries
               if q["sql"].startswith("INSERT") and "core_accesslog" in q["sql"]]
    assert len(inserts) == 1


def test_reads_of_one_request_are_written_once(scene):
    user = scene.users[IN]
    p1 = scene.p1
    with audit.collecting_reads():
        audit.log_reads(user=user, objects=[p1, p1], kind=AccessKind.VIEW_CARD)
        audit.log_reads(user=user, objects=[p1], kind=AccessKind.VIEW_CARD, detail="minimal")
        assert not AccessLog.objects.exists()  # written at the end of the block
    rows = list(AccessLog.objects.values_list("person_id", "kind", "detail"))
    assert rows == [(p1.pk, AccessKind.VIEW_CARD, "minimal")]


def test_a_household_read_is_a_read_of_each_member(scene):
    household = Household.objects.get(pk=scene.pk("household"))
    members = set(household.members.values_list("person_id", flat=True))
    audit.log_reads(user=scene.users[IN], objects=[household])
    assert set(AccessLog.objects.values_list("person_id", flat=True)) == members


def test_health_values_in_the_journal_are_masked_without_the_right(scene):
    info_type = ContentType.objects.get_for_model(SensitiveInfo)
    changes = list(ObjectChange.objects.filter(content_type=info_type))
    assert changes, "the scene records a health change"
    masked = audit.mask_sensitive(scene.users[PSY], changes)
    assert all(c.masked for c in masked)
    text = repr([c.changed_fields() for c in masked]) + repr([c.object_repr for c in masked])
    assert "Сахарный диабет" not in text and "скрыто" in text
    kept = audit.mask_sensitive(scene.users[HEAD], list(
        ObjectChange.objects.filter(content_type=info_type)))
    assert not any(getattr(c, "masked", False) for c in kept)
    assert "Сахарный диабет" in repr([c.changed_fields() for c in kept])


def test_the_journal_logs_a_health_change_shown_as_a_special_category_read(client, scene):
    client.force_login(scene.users[HEAD])
    page = client.get(reverse("core:audit"), {"view": "changes"}).content.decode()
    assert "Сахарный диабет" in page
    assert AccessLog.objects.filter(kind=AccessKind.VIEW_SENSITIVE,
                                    person_id=scene.pk("p1")).exists()


def test_reads_outside_a_request_are_written_at_once_and_anonymous_ones_not(scene):
    audit.log_reads(user=None, objects=[scene.p1])
    assert not AccessLog.objects.exists()
    audit.log_reads(user=scene.users[IN], objects=[Person.objects.get(pk=scene.pk("p1"))])
    assert AccessLog.objects.filter(person_id=scene.pk("p1")).count() == 1
