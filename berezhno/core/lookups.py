"""``field__any=[…]``: membership in a list of values passed as one array parameter.

``field__in=[…]`` sends one parameter per value; for the long id lists that scopes and
indicators build (a region's few thousand territories, the cases a specialist works on),
compiling and sending them cost more than the query itself. On PostgreSQL ``__any`` is
``field = ANY(%s)`` with the list as one array: planned like ``IN``, an index condition, a
branch of a bitmap OR. The array is cast to the column's type: psycopg sends a list of
small integers as ``int4[]``, and against a ``bigint`` column that is a cross-type
comparison, which PostgreSQL evaluates by walking the array for each row wherever the
condition is a filter rather than an index condition (under an ``OR``, say) — for an array of
30 000 case ids, seconds; of one type, it hashes the array once. Other databases get the
plain ``IN`` list. An empty list matches nothing (and is dropped from an ``OR``, as
``__in`` would be).

Integer columns get the array as its text form (``'{1,2,3}'``, each value through ``int``):
psycopg dumping tens of thousands of Python ints one by one, and Django preparing each, cost
more than the query (0.2 s of the region's charts). ``ids(values)`` wraps a long list so that
the query builder does not walk it element by element either (it does so for lists and tuples,
looking for expressions); a plain list works the same, only slower.
"""

from collections.abc import Iterable, Iterator

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, IntegerField, Lookup


class ids:  # noqa: N801  (reads as a function at the call site: ``pk__any=ids(...)``)
    """Values for ``__any`` that the query builder passes on as they are."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable):
        self.values = values

    def __iter__(self) -> Iterator:
        return iter(self.values)


def _integer(field: Field) -> bool:
    target = getattr(field, "target_field", field)  # a foreign key: the key it points to
    return isinstance(target, IntegerField)  # the auto fields and keys are integer fields


class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False  # the values are prepared below

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        if _integer(field):
            # A row (a model instance) stands for its key; NULL matches nothing anyway.
            return "%s", [int(getattr(v, "pk", v)) for v in dict.fromkeys(value)
                          if v is not None]
        values = [field.get_db_prep_value(v, connection, prepared=False)
                  for v in dict.fromkeys(value)]
        return "%s", values

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, values = self.process_rhs(compiler, connection)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            field = self.lhs.output_field
            array_type = field.cast_db_type(connection)
            if _integer(field):
                # The array's text form: one string for psycopg to send, ints only.
                literal = "{" + ",".join(map(str, values)) + "}"
                return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, literal]
            return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, list(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


Field.register_lookup(Any)
ForeignObject.register_lookup(Any)  # related fields keep their own lookup registry
