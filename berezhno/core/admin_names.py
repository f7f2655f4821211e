"""Russian names of the libraries' apps and models in the administration (issue 11).

Django's own apps and ``django-axes`` are translated by their catalogues, but the app of
``django-axes`` is named "Axes" and the task results of ``django-tasks-db`` "Tasks
Database Backend" / "Task Results" in every language. Their models' ``Meta`` cannot be
changed from here without the migration autodetector seeing it, so the admin shows these
names instead (``AdminSite.get_app_list`` and the title templates, through the
``admin_names`` filters).
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

APPS = {
    "axes": _("Защита входа (неудачные попытки)"),
    "django_tasks_database": _("Фоновые задачи"),
}

# (app label, model name) → (singular, plural)
MODELS = {
    ("django_tasks_database", "dbtaskresult"): (_("результат фоновой задачи"),
                                                _("результаты фоновых задач")),
}


def app_name(app_label: str, default) -> str:
    return str(APPS.get(app_label, default))


def model_name(opts, plural: bool = False) -> str:
    names = MODELS.get((opts.app_label, opts.model_name))
    if names is None:
        return str(opts.verbose_name_plural if plural else opts.verbose_name)
    return str(names[1] if plural else names[0])


def rename(app_list: list[dict]) -> list[dict]:
    """The admin's app list with the Russian names above."""
    for app in app_list:
        app["name"] = app_name(app["app_label"], app["name"])
        for model in app.get("models", []):
            names = MODELS.get((app["app_label"], model["object_name"].lower()))
            if names is not None:
                model["name"] = capfirst(str(names[1]))
    return app_list
