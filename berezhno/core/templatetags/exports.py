"""``{% export_buttons "persons" %}``: the register's XLSX and CSV buttons, for those who
may export it, carrying the list's current filters in a POST body (never the address)."""

from django import template
from django.template.loader import render_to_string

from berezhno.core import access
from berezhno.core.exports import registers

register = template.Library()


@register.simple_tag(takes_context=True)
def export_buttons(context, code: str, form=None, **extra) -> str:
    request = context.get("request")
    found = registers().get(code)
    if request is None or found is None or not access.can(request.user, found.kind,
                                                          access.EXPORT):
        return ""
    values = []
    if form is not None:
        for field in form:
            value = field.value()
            if value in (None, "", [], False):
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                values.append((field.html_name, item))
    values += [(name, value) for name, value in extra.items() if value not in (None, "")]
    return render_to_string("core/_export.html", {"code": code, "values": values,
                                                  "label": found.label}, request=request)
