"""The outbox's one FilterSet: the page (`/notifications/`) and the API (`/api/v1/messages/`)
filter by the same definitions (issue 8, point 4)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.core.api_filters import ScopedFilterSet
from berezhno.people.models import Person

from .choices import Channel, Status
from .models import Message


class MessageFilterSet(ScopedFilterSet):
    # Record choices read the user's scope (ScopedFilterSet); the page shows only the
    # state and the channel, the others come from links and the API.
    person = django_filters.ModelChoiceFilter(queryset=Person.objects.all(),
                                              label=_("Гражданин"), widget=forms.HiddenInput)
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Состояние"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Канал"))
    kind = django_filters.CharFilter(label=_("Вид сообщения"), widget=forms.HiddenInput)

    class Meta:
        model = Message
        fields = ["person", "status", "channel", "kind"]
