from django.contrib import admin

from berezhno.core.admin_base import AuditedAdmin

from .models import District, DistrictCoverage, Street, Territory


@admin.register(Territory)
class TerritoryAdmin(AuditedAdmin):
    event_type = "territory.changed"
    list_display = ["name", "level", "kind", "parent", "time_zone", "is_active"]
    list_filter = ["level", "time_zone", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    exclude = ["version"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        path = f"{obj.parent.path if obj.parent_id else ''}{obj.pk}."
        if obj.path != path:
            old = obj.path
            Territory.objects.filter(pk=obj.pk).update(path=path)
            if old:
                for child in Territory.objects.filter(path__startswith=old).exclude(pk=obj.pk):
                    Territory.objects.filter(pk=child.pk).update(
                        path=path + child.path[len(old):])
        if obj.level == 4:
            District.objects.get_or_create(territory=obj)


class CoverageInline(admin.TabularInline):
    model = DistrictCoverage
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
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "settlement"]
    search_fields = ["name", "settlement__name"]
    autocomplete_fields = ["settlement"]

    def save_model(self, request, obj, form, change):
        from berezhno.core.text import normalize_name

        obj.search_name = normalize_name(obj.name)
        super().save_model(request, obj, form, change)
