"""The urgent act form of a case (the act with up to five lines of services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases import roles as case_roles
from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.views import case_or_404, post_data, post_status
from berezhno.core.access import can
from berezhno.core.views_utils import apply_service

from . import roles, services
from .forms import UrgentActForm, UrgentLineFormSet

# --------------------------------------------------------------------------- urgent


@login_required
@require_http_methods(["GET", "POST"])
def urgent_act(request, pk):
    case = case_or_404(request.user, pk)
    if not can(request.user, roles.CASE, case_roles.ADD) or case.status not in ACTIVE_STATUSES:
        raise Http404
    form = UrgentActForm(post_data(request))
    lines = UrgentLineFormSet(post_data(request), prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [{k: v for k, v in f.cleaned_data.items() if v} for f in lines.forms
                if f.cleaned_data and any(f.cleaned_data.values())]
        act = apply_service(form, lambda: services.urgent_act_create(
            user=request.user, person=case.person, case=case, **form.cleaned_data,
            lines=rows))
        if act is not None:
            messages.success(request, _("Акт о срочных социальных услугах № %(n)s "
                                        "составлен.") % {"n": act.number})
            return redirect(case)
    elif request.method == "POST" and not lines.is_valid():
        form.add_error(None, _("Проверьте строки услуг."))
    return render(request, "urgent/urgent_form.html", {
        "form": form, "lines": lines, "case": case,
        "title": _("Срочные социальные услуги (ст. 21 442-ФЗ)")},
        status=post_status(form) if request.method == "POST" else 200)


