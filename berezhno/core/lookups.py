"""``field__any=[…]``: membership in a list of values passed as one array parameter.

``field__in=[…]`` sends one parameter per value; for the long id lists that scopes and
indicators build (a region's few thousand territories, the cases a specialist works on),
compiling and sending them cost more than the query itself. On PostgreSQL ``__any`` is
``field = ANY(%s)`` with the list as one array: planned like ``IN``, an index condition, a
branch of a bitmap OR. Other databases get the plain ``IN`` list. An empty list matches
nothing (and is dropped from an ``OR``, as ``__in`` would be).
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
            return f"{lhs} = ANY(%s)", [*lhs_params, list(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


Field.register_lookup(Any)
ForeignObject.register_lookup(Any)  # related fields keep their own lookup registry
