from django import forms
from django.contrib import admin

from berezhno.core.admin_base import AuditedAdmin, AuditedInlineMixin
from berezhno.core.text import normalize_name

from . import roles, services
from .models import District, DistrictCoverage, Street, Territory


class TerritoryAdminForm(forms.ModelForm):
    """Checks what the service will check, so that the admin shows the Russian messages
    (the version the form was read at: ``AuditedAdmin``)."""

    class Meta:
        model = Territory
        fields = ["level", "parent", "name", "kind", "time_zone", "code", "latitude",
                  "longitude", "population", "is_remote", "is_active", "source"]

    def clean(self):
        data = super().clean()
        instance = self.instance if self.instance.pk else None
        level = instance.level if instance is not None else data.get("level")
        if level is not None and "name" in data:
            parent = data.get("parent")
            placing = instance is None or (parent.pk if parent else None) != instance.parent_id
            services.validate_placement(level=level, parent=parent, name=data["name"],
                                        territory=instance, placing=placing)
        return data


@admin.register(Territory)
class TerritoryAdmin(AuditedAdmin):
    """Creation and moves go through the services: the level rules (a settlement of a
    municipal district under its поселение), no cycles, the whole subtree re-pathed, the
    audit rows."""

    form = TerritoryAdminForm
    list_display = ["name", "level", "kind", "parent", "time_zone", "is_active"]
    list_filter = ["level", "time_zone", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    exclude = ["version"]

    def get_readonly_fields(self, request, obj=None):
        # The level of an existing node never changes: its children depend on it.
        return ["path", "level"] if obj is not None else ["path"]

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in services.TERRITORY_FIELDS
                if k in form.cleaned_data}
        if change:
            data["parent"] = form.cleaned_data.get("parent")
            saved = services.territory_update(
                user=request.user, territory=obj,
                expected_version=form.cleaned_data.get("loaded_version"), **data)
        else:
            saved = services.territory_create(user=request.user, level=obj.level,
                                              parent=form.cleaned_data.get("parent"), **data)
        obj.pk, obj.path, obj.version = saved.pk, saved.path, saved.version
        obj._state.adding = False


class CoverageInline(AuditedInlineMixin, admin.TabularInline):
    model = DistrictCoverage
    permission_kind = roles.DISTRICT
    event_type = "district.saved"
    extra = 0
    autocomplete_fields = ["settlement", "street"]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    event_type = "district.saved"
    list_display = ["territory", "number", "specialist", "order_number", "order_date", "phone"]
    search_fields = ["territory__name", "number"]
    autocomplete_fields = ["territory", "specialist"]
    inlines = [CoverageInline]
    exclude = ["version"]


@admin.register(Street)
class StreetAdmin(AuditedAdmin):
    permission_kind = roles.TERRITORY
    event_type = "record.saved"
    list_display = ["name", "settlement"]
    search_fields = ["name", "settlement__name"]
    autocomplete_fields = ["settlement"]

    def save_model(self, request, obj, form, change):
        obj.search_name = normalize_name(obj.name)
        super().save_model(request, obj, form, change)
