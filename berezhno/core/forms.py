"""Form fields every app uses.

The model choice fields read their choices with one plain query. Django's own iterate
``queryset.iterator()``, which on PostgreSQL opens a server-side cursor (DECLARE, FETCH and
CLOSE: three round trips, a fifth of the case list's filter form) to stream lists that here
are a few dozen rows: the territories of a district, the staff of a scope, a catalogue.
"""

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin
from drf_spectacular.utils import extend_schema_field

from berezhno.core import access


class ListedChoiceIterator(ModelChoiceIterator):
    """A field's choices read by one plain query; with the field's ``cache_key``, the
    (value, label) pairs are kept ``BEREZHNO_CHOICES_CACHE_SECONDS`` in the cache (per
    language): a list page's filter form then renders its choices without a query."""

    def __init__(self, field):
        # Django's reads ``field.queryset`` here; read it when iterated (``RecordIdField``).
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = getattr(self.field, "cache_key", None)
        seconds = getattr(settings, "BEREZHNO_CHOICES_CACHE_SECONDS", 300)
        if not key or not seconds:
            for obj in self.queryset:
                yield self.choice(obj)
            return
        key = f"{key}:{get_language()}"
        pairs = cache.get(key)
        if pairs is None:
            pairs = [(self.field.prepare_value(obj), str(self.field.label_from_instance(obj)))
                     for obj in self.queryset]
            cache.set(key, pairs, seconds)
        for value, label in pairs:
            yield (ModelChoiceIteratorValue(value, None), label)


class ModelChoiceField(forms.ModelChoiceField):
    """``cache_key``: keep the rendered choices in the cache under this key (it must name
    everything the queryset depends on: the user and their grants, ``choices_key``). The
    value given is still checked against the queryset itself."""

    iterator = ListedChoiceIterator

    def __init__(self, queryset, *, cache_key: str | None = None, **kwargs):
        self.cache_key = cache_key
        super().__init__(queryset, **kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


def choices_key(user, name: str) -> str | None:
    """The cache key of choices that depend on the user's scope only (``name`` says which
    list): the user and a digest of their grants, so that a changed grant is a new key."""
    if user is None or user.pk is None:
        return None
    return f"berezhno:choices:{name}:{user.pk}:{access.grants_digest(user)}"


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModelChoiceField


class RecordIdField(ModelChoiceField):
    """A record named by its id among the given choices; cleans to the id.

    The choices may be given as a callable (``RecordFilter`` does): the scope is then built
    only when a value is cleaned or the choices are listed. Building a scope reads the
    user's grants and work assignments, and a list page builds its form whether or not
    the address names the record (the case list's hidden ``person`` filter cost a query on
    every page)."""

    def __init__(self, queryset, **kwargs):
        self._make_queryset = queryset if callable(queryset) else None
        super().__init__(None if self._make_queryset else queryset, **kwargs)

    def _get_queryset(self):
        if self._queryset is None and self._make_queryset is not None:
            self._queryset = self._make_queryset().all()
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)  # type: ignore[attr-defined]

    def __deepcopy__(self, memo):
        if self._make_queryset is None or self._queryset is not None:
            return super().__deepcopy__(memo)
        # Django's copy reads ``queryset`` (building the scope); copy it unbuilt instead.
        result = forms.Field.__deepcopy__(self, memo)
        result.widget.choices = result.choices
        return result

    def clean(self, value):
        obj = super().clean(value)
        return None if obj is None else obj.pk


@extend_schema_field(int)
class RecordFilter(ModelChoiceFilter):
    """``?case=<id>``: a record the user may see (``queryset``, usually a callable of the
    request returning the user's scope). An id out of scope is refused exactly like one that
    does not exist (decision 0020); the cleaned value is the id."""

    field_class = RecordIdField

    @property
    def field(self):
        # The form field gets the scope as a callable, built when it first needs it
        # (``RecordIdField``); ``get_queryset`` still returns the scope itself.
        if not hasattr(self, "_field"):
            request = self.get_request()
            self.extra["queryset"] = lambda: self.get_queryset(request)
        return super(QuerySetRequestMixin, self).field


class AnyYesNo(forms.NullBooleanSelect):
    """A yes/no filter of a list: «все» (do not filter), «да», «нет» — Django's
    NullBooleanSelect reads «Неизвестно» for the first, which is wrong in a filter."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("все")), ("true", _("да")), ("false", _("нет"))]


def yes_no_filter(label, **kwargs) -> django_filters.BooleanFilter:
    """A list's yes/no filter with «все / да / нет»."""
    return django_filters.BooleanFilter(label=label, widget=AnyYesNo, **kwargs)
