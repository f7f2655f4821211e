"""Moving a model between apps moves its content type, so change records and events keep
pointing at it (``core.migration_ops``, decision 0011)."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from berezhno.core.migration_ops import _move
from berezhno.core.models import ObjectChange

pytestmark = pytest.mark.django_db


def _change(ct):
    return ObjectChange.objects.create(time=timezone.now(), action="create", content_type=ct,
                                       object_id=1, object_repr="x", request_id="", ip="")


def test_the_content_type_takes_the_new_app_label():
    old = ContentType.objects.create(app_label="oldapp", model="thing")
    change = _change(old)
    _move(apps, "oldapp", "newapp", ["thing"])
    old.refresh_from_db()
    assert (old.app_label, old.model) == ("newapp", "thing")
    change.refresh_from_db()
    assert change.content_type_id == old.pk


def test_an_existing_type_of_the_new_app_takes_over_the_references():
    old = ContentType.objects.create(app_label="oldapp", model="thing")
    new = ContentType.objects.create(app_label="newapp", model="thing")
    change = _change(old)
    _move(apps, "oldapp", "newapp", ["thing"])
    change.refresh_from_db()
    assert change.content_type_id == new.pk
    assert not ContentType.objects.filter(pk=old.pk).exists()


def test_the_way_back_restores_the_old_label_and_nothing_else_moves():
    ct = ContentType.objects.create(app_label="newapp", model="thing")
    other = ContentType.objects.create(app_label="newapp", model="other")
    _move(apps, "newapp", "oldapp", ["thing", "missing"])
    ct.refresh_from_db()
    other.refresh_from_db()
    assert ct.app_label == "oldapp" and other.app_label == "newapp"


def test_the_moved_models_of_the_case_spine_split_live_in_their_apps():
    for app, model in (("referrals", "referral"), ("sop", "soprecord"),
                       ("urgent", "urgentserviceact"), ("assessments", "assessment")):
        ct = ContentType.objects.get_for_model(apps.get_model(app, model))
        assert ct.app_label == app
        assert not ContentType.objects.filter(app_label="cases", model=model).exists()
