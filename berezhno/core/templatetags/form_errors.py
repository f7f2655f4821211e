"""``{% error_summary form [other_form …] %}``: every error of a page's forms at once, at the
top of the form, each field's error a link to the field (docs/development/ui.md, «Forms»).

``templates/_form.html`` renders it for its form; a page with several forms in one
``<form>`` (a registration with its consent) renders one summary for all of them and
includes ``_form.html`` with ``no_summary=True``. A view may give a refusal its way
forward: ``form.way_forward = [(label, url), …]`` is shown as links under the errors.
"""

from django import template

register = template.Library()


def _items(form):
    for error in form.non_field_errors():
        yield {"label": "", "message": error, "anchor": ""}
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        # A field shown by other means (a picker's search box) names its anchor in
        # ``form.anchors``; a hidden one without it has no link.
        anchor = getattr(form, "anchors", {}).get(name) or (
            "" if bound.is_hidden else bound.id_for_label or bound.auto_id or "")
        for error in errors:
            yield {"label": bound.label, "message": error, "anchor": anchor}


def _formset_items(formset):
    for error in formset.non_form_errors():
        yield {"label": "", "message": error, "anchor": ""}
    for form in formset.forms:
        yield from _items(form)


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms):
    """Forms and formsets (their own errors and each line's)."""
    present = [f for f in forms if f is not None and getattr(f, "is_bound", False)]
    items = [item for form in present
             for item in (_formset_items(form) if hasattr(form, "non_form_errors")
                          else _items(form))]
    forward = [link for form in present for link in getattr(form, "way_forward", ())]
    return {"items": items, "forward": forward}
