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
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False  # the values are prepared one by one below

    def get_db_prep_lookup(self, value, connection):
        values = [self.lhs.output_field.get_db_prep_value(v, connection, prepared=False)
                  for v in dict.fromkeys(value)]
        return "%s", values

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, values = self.process_rhs(compiler, connection)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            array_type = self.lhs.output_field.cast_db_type(connection)
            return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, list(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


Field.register_lookup(Any)
ForeignObject.register_lookup(Any)  # related fields keep their own lookup registry
