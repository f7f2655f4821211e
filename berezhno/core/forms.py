"""Form fields every app uses.

The model choice fields read their choices with one plain query. Django's own iterate
``queryset.iterator()``, which on PostgreSQL opens a server-side cursor (DECLARE, FETCH and
CLOSE: three round trips, a fifth of the case list's filter form) to stream lists that here
are a few dozen rows: the territories of a district, the staff of a scope, a catalogue.
"""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from drf_spectacular.utils import extend_schema_field


class ListedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModelChoiceField


class RecordIdField(ModelChoiceField):
    """A record named by its id among the given choices; cleans to the id."""

    def clean(self, value):
        obj = super().clean(value)
        return None if obj is None else obj.pk


@extend_schema_field(int)
class RecordFilter(ModelChoiceFilter):
    """``?case=<id>``: a record the user may see (``queryset``, usually a callable of the
    request returning the user's scope). An id out of scope is refused exactly like one that
    does not exist (decision 0020); the cleaned value is the id."""

    field_class = RecordIdField
