"""Fast row writer for generated data: PostgreSQL COPY, SQLite executemany.

Generated data bypass the services on purpose (a million persons through the
audited services would take hours); the writer fills raw tables with values
the services would have produced, and the generator says so in its summary.
"""

# SQL here is built from model metadata and constant fragments only; values are
# always passed as parameters.
# ruff: noqa: S608

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


class TableWriter:
    """Write rows (tuples in ``attnames`` order) into a model's table."""

    def __init__(self, model: type[Model], attnames: Sequence[str], batch: int = 20_000):
        self.model = model
        self.attnames = list(attnames)
        self.fields = [model._meta.get_field(a) for a in self.attnames]
        self.columns = [f.column for f in self.fields]
        self.table = model._meta.db_table
        self.batch = batch
        self.count = 0

    def write(self, rows: Iterable[tuple]) -> int:
        written = 0
        if connection.vendor == "postgresql":
            cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            sql = f"COPY {connection.ops.quote_name(self.table)} ({cols}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({cols}) VALUES ({marks})"
            prep = [f.get_db_prep_save for f in self.fields]
            chunk: list[tuple] = []
            with connection.cursor() as cursor:
                for row in rows:
                    chunk.append(tuple(p(v, connection) for p, v in zip(prep, row, strict=True)))
                    if len(chunk) >= self.batch:
                        cursor.executemany(sql, chunk)
                        written += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
        self.count += written
        return written


def next_id(model: type[Model]) -> int:
    """The first free primary key of a table (the generator assigns ids itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(model._meta.pk.column)}), 0) "
            f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        return int(cursor.fetchone()[0]) + 1


def reset_sequences(models: Iterable[type[Model]]) -> None:
    """After explicit ids were written, move PostgreSQL sequences past them."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id by itself
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) "
                f"FROM {connection.ops.quote_name(table)}), 1))",
                [table, pk],
            )
