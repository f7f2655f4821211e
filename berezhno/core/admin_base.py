"""Django admin for reference data, writing the same audit rows as services."""

from django.contrib import admin
from django.db import transaction

from . import audit
from .models import ChangeAction


class AuditedAdmin(admin.ModelAdmin):
    """Every admin save and delete writes a change record and an event in one transaction."""

    event_type = "record.saved"

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = audit.snapshot(previous) if previous else None
                if hasattr(obj, "version"):
                    obj.version = (previous.version if previous else obj.version) + 1
            super().save_model(request, obj, form, change)
            audit.record(user=request.user, obj=obj,
                         action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
                         before=before, event_type=self.event_type, summary=str(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = audit.snapshot(obj)
            audit.record(user=request.user, obj=obj, action=ChangeAction.DELETE, before=before,
                         after=None, event_type="record.deleted", summary=str(obj))
            super().delete_model(request, obj)
