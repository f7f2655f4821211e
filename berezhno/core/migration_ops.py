"""Operations for migrations that move models between apps without touching their tables
(decision 0011): the state moves with ``SeparateDatabaseAndState``, the content types follow
here, so that change records and domain events keep pointing at their model."""

from django.db import migrations


def move_content_types(old_app: str, new_app: str, models: list[str]) -> migrations.RunPython:
    """Give the content types of ``models`` (lower-case model names) the new app label.

    A content type the new app already has (created by ``post_migrate`` on a database that
    was migrated half-way) takes over the old one's references first, then the old row goes.
    """

    def forward(apps, schema_editor):
        _move(apps, old_app, new_app, models)

    def backward(apps, schema_editor):
        _move(apps, new_app, old_app, models)

    return migrations.RunPython(forward, backward, elidable=False)


def _move(apps, source: str, target: str, models: list[str]) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    change = apps.get_model("core", "ObjectChange")
    event = apps.get_model("core", "DomainEvent")
    for model in models:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = content_type.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        change.objects.filter(content_type=old).update(content_type=new)
        event.objects.filter(content_type=old).update(content_type=new)
        old.delete()
