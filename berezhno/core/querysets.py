"""The restricted queryset: every read of scoped records starts here."""

from typing import Self, cast

from django.db import models

from .access import restrict_queryset


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view", kind: str | None = None
                 ) -> Self:
        """Only the records ``user`` may perform ``action`` on (see ``core.access``)."""
        return cast(Self, restrict_queryset(self, user, action, kind))
