"""The API description is exact (issue 9, point 6; decision 0020): what every serializer
field returns is what the schema says, only the documented methods are routed, every
refusal has the documented error body, request bodies are JSON (multipart for uploads
only), and a list filter treats an id out of scope like one that does not exist."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers

from berezhno.core import registry

API_MODULES = sorted({dotted.rsplit(".", 1)[0] for _p, dotted, _b in registry._API_ROUTES}
                     if hasattr(registry, "_API_ROUTES") else set())


def _api_serializers() -> list[type[serializers.Serializer]]:
    for app in apps.get_app_configs():
        if not app.name.startswith("berezhno."):
            continue
        for name in ("api", "audit_api"):
            try:
                importlib.import_module(f"{app.name}.{name}")
            except ModuleNotFoundError:
                pass
    found, todo = [], [serializers.Serializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("berezhno.") and ".tests" not in cls.__module__:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _chain_nullable(model, path: list[str]) -> bool | None:
    """Whether following ``path`` from ``model`` can meet a null; None when a step is not a
    model field (a property: not judged here)."""
    nullable = False
    for step in path:
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return None if step == path[-1] else nullable or None
        nullable = nullable or getattr(field, "null", False)
        if field.is_relation and step != path[-1]:
            model = field.related_model
    return nullable


SERIALIZERS = _api_serializers()


@pytest.mark.parametrize("cls", SERIALIZERS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_serializer_fields_say_what_they_return(cls):
    """A field whose value can be null allows null (so the schema says nullable), a choice
    whose model field may be blank allows "" (so the enum has it)."""
    model = getattr(getattr(cls, "Meta", None), "model", None)
    if model is None:
        return
    try:
        fields = cls(context={}).fields
    except Exception as exc:
        pytest.fail(f"{cls.__name__} cannot be built without a request: {exc!r}")
    wrong = []
    for name, field in fields.items():
        if isinstance(field, serializers.SerializerMethodField | serializers.HiddenField):
            continue
        if field.source == "*" or isinstance(field, serializers.BaseSerializer):
            continue
        if isinstance(field, serializers.ManyRelatedField):
            continue
        nullable = _chain_nullable(model, field.source.split("."))
        if nullable and not field.allow_null:
            wrong.append(f"{name}: the value can be null, the field does not allow null")
        if "." in field.source:
            continue
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:
            continue
        if (isinstance(field, serializers.ChoiceField) and model_field.blank
                and getattr(model_field, "choices", None)
                and not field.allow_blank and not field.write_only):
            wrong.append(f"{name}: the model allows a blank choice, the field does not")
    assert not wrong, f"{cls.__module__}.{cls.__name__}: " + "; ".join(wrong)


def test_every_api_model_serializer_keeps_blank_and_null():
    from berezhno.core.api import ModelSerializer

    plain = [f"{c.__module__}.{c.__name__}" for c in SERIALIZERS
             if issubclass(c, serializers.ModelSerializer) and not issubclass(c, ModelSerializer)]
    assert not plain, f"not built on core.api.ModelSerializer: {plain}"
