"""System checks of the apps' contributions: a mistake in a registration is reported when
the project starts (``manage.py check``, ``runserver``, ``migrate``), not by a failing
request."""

from django.core.checks import Error, register
from django.urls import NoReverseMatch, reverse

from . import access, registry


@register()
def registries_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    try:
        access.roles()
    except access.RegistryError as exc:
        errors.append(Error(str(exc), id="berezhno.E001",
                            hint="A role fragment names an undeclared role or record kind."))
    try:
        access.grant_matrix()
    except access.RegistryError as exc:
        errors.append(Error(str(exc), id="berezhno.E004",
                            hint="access.allow_grant names an undeclared role."))
    for rule in access.scoped_models():
        if rule.kind not in access.kinds():
            errors.append(Error(f"{rule.model._meta.label}: unregistered kind {rule.kind!r}",
                                id="berezhno.E002"))
    for entry in registry.menu_entries():
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            errors.append(Error(f"menu entry {entry.code!r}: no URL named {entry.url_name!r}",
                                id="berezhno.E003"))
    return errors
