"""``{% picked code value as label %}``: the label of a record chosen in a picker field
(``core.pickers``), read through its app's picker in the user's scope."""

from django import template

from berezhno.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def picked(context, code: str, value) -> str:
    picker = registry.picker(code)
    request = context.get("request")
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return ""
    if picker is None or request is None or pk <= 0:
        return ""
    return picker.label(request.user, pk) or ""
