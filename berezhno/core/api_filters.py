"""The API's filter backend (setting ``DEFAULT_FILTER_BACKENDS``): every record choice of a
list filter reads the user's scope (decision 0020)."""

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend, FilterSet

from . import access


def scoped_choices(queryset, request):
    """A filter's choices within the user's scope: an id out of scope is refused like one
    that does not exist (400, the same message)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return queryset.none()
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, access.VIEW)
    return queryset


RECORD_FILTERS = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)


class ScopedFilterSet(FilterSet):
    """The FilterSet built from a viewset's ``filterset_fields``: every record choice (a
    foreign key: ``?person=``, ``?case=``, ``?plan=``…) reads the user's scope."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        for f in self.filters.values():
            if isinstance(f, RECORD_FILTERS) and isinstance(f.queryset, QuerySet):
                f.queryset = scoped_choices(f.queryset, request)


class FilterBackend(DjangoFilterBackend):
    filterset_base = ScopedFilterSet
