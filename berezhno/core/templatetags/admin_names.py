"""``{{ opts|admin_plural }}``, ``{{ opts|admin_singular }}``: a model's Russian name in
the administration (``core.admin_names``)."""

from django import template
from django.utils.text import capfirst

from berezhno.core import admin_names

register = template.Library()


@register.filter
def admin_plural(opts) -> str:
    return capfirst(admin_names.model_name(opts, plural=True))


@register.filter
def admin_singular(opts) -> str:
    return capfirst(admin_names.model_name(opts))
