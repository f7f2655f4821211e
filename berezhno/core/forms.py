"""Form fields every app uses.

The model choice fields read their choices with one plain query. Django's own iterate
``queryset.iterator()``, which on PostgreSQL opens a server-side cursor (DECLARE, FETCH and
CLOSE: three round trips, a fifth of the case list's filter form) to stream lists that here
are a few dozen rows: the territories of a district, the staff of a scope, a catalogue.
"""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator


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
