"""Records a client creates under its own id (``client_uuid``): a re-send returns the
first record, however the copies race (decision 0028).

A phone in the field sends a record, loses the answer and sends it again — or sends it
twice at once when the network comes back. Reading "is it there?" and then inserting
races: two requests both read nothing, one insert wins and the other hits the unique
constraint. ``create_once`` inserts in a savepoint; when the insert fails on the
constraint, the row that won is now visible (PostgreSQL's READ COMMITTED: the losing
insert waited for the winner's commit) and is returned instead. On SQLite writers are
serialized (``transaction_mode=IMMEDIATE``) and the first read finds it.
"""

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction


def create_once[M: models.Model](model: type[M], *, key: dict[str, Any],
                                 create: Callable[[], M],
                                 check: Callable[[M], None]) -> M:
    """Return the record of ``model`` with ``key`` (the client's id: a unique field), or
    the one ``create`` makes. ``check`` is given an existing record before it is returned
    and raises to refuse it (another user's or another person's id)."""

    def existing() -> M | None:
        found = model._default_manager.filter(**key).first()
        if found is not None:
            check(found)
        return found

    if (found := existing()) is not None:
        return found
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        # Lost the race to a copy of the same record, or failed on another constraint:
        # only in the first case is there now a row with the key.
        if (found := existing()) is None:
            raise
        return found


def client_id_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every model field named ``client_uuid`` (the registry test checks each is unique
    and created through ``create_once``)."""
    from django.apps import apps

    return [(m, f) for m in apps.get_models() for f in m._meta.get_fields()
            if f.name == "client_uuid" and isinstance(f, models.Field)]
