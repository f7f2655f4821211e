"""``__any``: one array parameter on PostgreSQL, an IN list elsewhere; same rows as ``__in``."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from berezhno.core.lookups import ids
from berezhno.territories.models import Territory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds(world):
    ids = list(Territory.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert ids
    assert (list(Territory.objects.filter(pk__any=ids).order_by("pk"))
            == list(Territory.objects.filter(pk__in=ids).order_by("pk")))
    # A foreign key, duplicates and a missing id.
    children = Territory.objects.filter(parent_id__any=[*ids, ids[0], 10**12])
    assert set(children) == set(Territory.objects.filter(parent_id__in=ids))


def test_an_empty_list_matches_nothing_and_leaves_an_or(world):
    assert not Territory.objects.filter(pk__any=[]).exists()
    assert (Territory.objects.filter(Q(pk__any=[]) | Q(pk=world.d1.pk)).get()
            == world.d1)


def test_the_list_is_one_parameter_on_postgresql(world):
    ids = list(Territory.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        assert Territory.objects.filter(pk__any=ids).count() == len(ids)
    sql = ctx.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql


def test_the_array_has_the_type_of_the_column_on_postgresql(world):
    """Not ``int4[]`` against a ``bigint`` key: of one type, PostgreSQL hashes the array
    where the condition is a filter (under an OR) instead of walking it for every row."""
    ids = list(Territory.objects.values_list("pk", flat=True))
    paths = list(Territory.objects.values_list("path", flat=True)[:2])
    with CaptureQueriesContext(connection) as ctx:
        either = Territory.objects.filter(Q(pk__any=ids) | Q(path__any=paths)).count()
    assert either == len(ids)
    assert set(Territory.objects.filter(path__any=paths).values_list("path", flat=True)) == set(
        paths)
    if connection.vendor == "postgresql":
        sql = ctx.captured_queries[-1]["sql"]
        assert "::bigint[])" in sql and "::varchar(255)[])" in sql


def test_integer_keys_go_as_one_text_array_and_a_wrapped_list_works_alike(world):
    """On PostgreSQL the integers of a key are sent as the array's text form (one string);
    ``ids(...)`` keeps the query builder from walking a long list; rows stand for their keys
    and NULL is dropped (it matches nothing)."""
    rows = list(Territory.objects.order_by("pk")[:3])
    keys = [t.pk for t in rows]
    expected = set(Territory.objects.filter(pk__in=keys))
    with CaptureQueriesContext(connection) as ctx:
        assert set(Territory.objects.filter(pk__any=ids(keys))) == expected
    assert set(Territory.objects.filter(pk__any=ids(iter(keys)))) == expected
    assert set(Territory.objects.filter(pk__any=[*rows, None])) == expected
    assert set(Territory.objects.filter(parent_id__any=ids(keys))) == set(
        Territory.objects.filter(parent_id__in=keys))
    if connection.vendor == "postgresql":
        params = ctx.captured_queries[-1]["sql"]
        assert "::bigint[])" in params
        assert "'{" + ",".join(map(str, keys)) + "}'" in params
    with pytest.raises((TypeError, ValueError)):
        list(Territory.objects.filter(pk__any=["1; drop table x"]))
