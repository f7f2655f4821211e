"""Forms of the outbox pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DoneForm(VersionForm):
    reached = forms.TypedChoiceField(
        label=_("Результат"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("связались (доставлено)")), ("0", _("не удалось связаться"))])
    note = forms.CharField(label=_("Примечание"), required=False, max_length=300)
