"""Home page and the audit journal."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, dates, history, registry, selectors
from . import forms as fields
from .access import can
from .audit import mask_sensitive
from .models import AccessKind
from .pickers import back_with
from .views_utils import pager_query, paginate


@login_required
def home(request):
    """The panels the apps contribute (``core.registry``), each deciding whether it shows."""
    return render(request, "core/home.html", {"panels": registry.home_panels(request)})


class AuditFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("Журнал"), required=False, choices=[
        ("access", _("Просмотры и выгрузки")), ("changes", _("Изменения"))])
    # Both chosen by search (core.pickers): the page keeps only the chosen record's id.
    user = fields.ModelChoiceField(label=_("Пользователь"), required=False, queryset=None,
                                   widget=forms.HiddenInput)
    person = forms.IntegerField(label=_("Гражданин"), required=False, min_value=1,
                                max_value=2**63 - 1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Вид доступа"), required=False,
                             choices=[("", _("любой")), *AccessKind.choices])
    date_from = forms.DateField(validators=[dates.PERIOD], label=_("С"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(validators=[dates.PERIOD], label=_("По"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)

    PICKED = {"person": "person", "user": "user"}  # field → picker code


@login_required
def audit(request):
    if not can(request.user, access.AUDIT, access.VIEW):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    view = data.get("view") or "access"
    args = {"actor": data.get("user"), "person_id": data.get("person"),
            "date_from": data.get("date_from"), "date_to": data.get("date_to")}
    if view == "changes":
        page = paginate(selectors.change_log(request.user, **args), request)
        page.items = history.present(request.user, mask_sensitive(request.user, page.items))
    else:
        page = paginate(selectors.access_log(request.user, kind=data.get("kind", ""), **args),
                        request)
        page.items = history.present_reads(request.user, page.items)
    back = request.get_full_path()
    pickers = [{"field": form[name], "code": code, "form_id": f"pick-{name}",
                "action": reverse("core:pick", args=[code]),
                "clear_url": back_with(back, name, None),
                "prompt": registry.picker(code).prompt if registry.picker(code) else ""}
               for name, code in AuditFilterForm.PICKED.items()]
    return render(request, "core/audit.html", {
        "form": form, "page": page, "view": view, "query": pager_query(request.GET),
        "pickers": pickers, "back": back,
        "plain_fields": [f for f in form if f.name not in AuditFilterForm.PICKED]})


def api_docs(request):
    """What the API is, how to sign in to it, and where its description lies: a light page
    (Swagger UI, about 1.5 MB of scripts, only behind a link)."""
    return render(request, "core/api_docs.html", {
        "version": settings.SPECTACULAR_SETTINGS.get("VERSION", "")})
