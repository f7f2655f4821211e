"""The production calendar in the admin: reference data of the administrator (decision 0005).

The audit trail and the other models of ``core`` stay out of the admin (decision 0004).
"""

from django import forms
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import dates
from .admin_base import AuditedAdmin
from .models import CalendarDay, CalendarDayKind
from .workdays import is_base_working_day


class CalendarDayForm(forms.ModelForm):
    """Refuses a row that would change nothing, which is usually a mistyped date."""

    class Meta:
        formfield_callback = dates.formfields(date=dates.PLANNED)
        model = CalendarDay
        fields = ["date", "kind", "note"]

    def clean(self):
        data = super().clean()
        day, kind = data.get("date"), data.get("kind")
        if day is None or not kind:
            return data
        if kind == CalendarDayKind.WORKING and is_base_working_day(day):
            self.add_error("kind", _("Этот день и так рабочий: рабочим делают выходной день "
                                     "(например, субботу)."))
        elif kind == CalendarDayKind.HOLIDAY and not is_base_working_day(day):
            self.add_error("kind", _("Этот день и так выходной или праздничный: нерабочим "
                                     "делают рабочий день, на который перенесён выходной."))
        return data


class YearFilter(admin.SimpleListFilter):
    title = _("год")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Deadlines read the table on every call, so a saved row counts at once."""

    form = CalendarDayForm
    list_display = ["date", "weekday", "kind", "note"]
    list_filter = ["kind", YearFilter]
    search_fields = ["note"]
    ordering = ["date"]

    @admin.display(description=_("день недели"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")

    def get_deleted_objects(self, objs, request):
        # Calendar days name no one and nothing refers to them: list them by date, which
        # AuditedAdmin leaves out for the models of core (they are mostly the audit trail).
        return admin.ModelAdmin.get_deleted_objects(self, objs, request)
