"""Reads of the accounts app for its pages: API tokens."""

from django.db.models import QuerySet
from django.utils import timezone

from berezhno.core import access

from . import roles
from .models import ApiToken, User


def own_tokens(user, *, limit: int = 10) -> list[ApiToken]:
    """The user's keys, newest first (active and recent revoked or expired ones)."""
    return list(ApiToken.objects.filter(user=user).select_related("revoked_by")
                .order_by("-created_at")[:limit])


def active_tokens(user) -> QuerySet[ApiToken]:
    """Active keys of the users the administrator may change (for revocation)."""
    return (ApiToken.objects
            .filter(revoked_at__isnull=True, expires_at__gt=timezone.now(),
                    user__in=access.restrict_queryset(User.objects.all(), user, roles.CHANGE))
            .select_related("user").order_by("-created_at"))
