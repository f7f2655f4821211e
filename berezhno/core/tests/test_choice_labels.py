"""``get_FOO_display`` of the project's records answers what Django's own would, from a
table kept per field and language."""

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from berezhno.core.models import VersionedModel, choice_label


def _django(field, value):
    return force_str(dict(make_hashable(field.flatchoices)).get(make_hashable(value), value),
                     strings_only=True)


def _fields_with_choices():
    for model in apps.get_models():
        if issubclass(model, VersionedModel):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_choice_label_is_djangos_own():
    checked = 0
    for lang in ("ru", "en"):
        with translation.override(lang):
            for model, field in _fields_with_choices():
                for value in [k for k, _ in field.flatchoices] + ["не из списка", None]:
                    record = model(**{field.attname: value})
                    shown = getattr(record, f"get_{field.name}_display")()
                    assert shown == _django(field, value), (model, field.name, value)
                    assert type(shown) is type(_django(field, value))
                    checked += 1
    assert checked > 100


def test_callable_choices_are_read_each_time():
    options = [("a", "первый")]
    field = models.CharField(choices=lambda: list(options), max_length=5)
    field.attname = "x"
    assert choice_label(field, "a") == "первый"
    options[:] = [("a", "другой")]
    assert choice_label(field, "a") == "другой"
    assert choice_label(field, "b") == "b"
