"""The restricted queryset: every read of scoped records starts here."""

from typing import Self, cast

from django.db import models


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view", kind: str | None = None
                 ) -> Self:
        """Only the records ``user`` may perform ``action`` on (see accounts.permissions)."""
        from berezhno.accounts.permissions import restrict_queryset

        return cast(Self, restrict_queryset(self, user, action, kind))
