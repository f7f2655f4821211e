"""Pages of the rights register (/rights/) and the incident register (/rights/incidents/)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.core import access, audit
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import apply_service, paginate
from berezhno.core.workdays import local_today
from berezhno.people.models import Person
from berezhno.territories.selectors import home_territory

from . import roles, selectors, services
from .choices import RequestKind
from .forms import (
    CloseForm,
    DestroyForm,
    ExtendForm,
    IncidentForm,
    IncidentUpdateForm,
    ReportForm,
    RequestFilterForm,
    RequestForm,
)
from .models import DestructionAct


def _request_or_404(user, pk, action=access.VIEW):
    try:
        return selectors.request_get(user, pk, action)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _status(form) -> int:
    return 200 if not form.is_bound or (form.is_valid() and not form.errors) else 400


# --------------------------------------------------------------------------- requests


@login_required
def request_list(request):
    if not access.can(request.user, roles.RIGHTS, access.VIEW):
        raise Http404
    form = RequestFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        page = paginate(selectors.request_list(
            request.user, status=data.get("status", ""), kind=data.get("kind", ""),
            overdue=bool(data.get("overdue"))), request)
        for item in page.items:
            item.state = selectors.due_state(item)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "rights/request_list.html", {
        "form": form, "page": page, "query": query.urlencode()},
        status=200 if page is not None else 400)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, person_pk):
    try:
        person = Person.objects.restrict(request.user, access.ADD, kind=roles.RIGHTS).get(
            pk=person_pk)
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    audit.read(request.user, person, kind=AccessKind.VIEW_CARD)
    form = RequestForm(request.POST or None,
                       initial={"received_on": local_today(person.territory)})
    if request.method == "POST" and form.is_valid():
        item = apply_service(form, lambda: services.request_register(
            user=request.user, person=person, **form.cleaned_data))
        if item is not None:
            messages.success(request, _("Обращение № %(n)s зарегистрировано, срок — "
                                        "%(d)s.") % {"n": item.number,
                                                     "d": item.due_on.strftime("%d.%m.%Y")})
            return redirect(item)
    return render(request, "rights/form.html", {
        "form": form, "person": person, "title": _("Обращение субъекта персональных данных"),
        "back": person.get_absolute_url()}, status=_status(form))


@login_required
def request_card(request, pk):
    item = _request_or_404(request.user, pk)
    user = request.user

    def allowed(action):
        return selectors.requests_for(user, action).filter(pk=item.pk).exists()

    act = DestructionAct.objects.filter(request=item).first()
    return render(request, "rights/request_card.html", {
        "item": item, "state": selectors.due_state(item), "act": act,
        "can": {"extend": item.is_open and item.kind == RequestKind.ACCESS
                and not item.extended and allowed(access.CHANGE),
                "close": item.is_open and allowed(access.CLOSE),
                "print": item.kind == RequestKind.ACCESS and allowed(access.CLOSE),
                "destroy": item.is_open and item.kind == RequestKind.DESTRUCTION
                and allowed(access.CLOSE)}})


def _action(request, pk, action, form_class, call, title, success):
    item = _request_or_404(request.user, pk, action)
    form = form_class(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data.pop("confirm", None)
        result = apply_service(form, lambda: call(item, version, data))
        if result is not None:
            messages.success(request, success)
            return redirect(item)
    return render(request, "rights/form.html", {
        "form": form, "item": item, "person": item.person, "title": title,
        "back": item.get_absolute_url()}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def request_extend(request, pk):
    return _action(request, pk, access.CHANGE, ExtendForm, lambda item, v, d:
                   services.request_extend(user=request.user, request=item,
                                           expected_version=v, **d),
                   _("Продление срока ответа (не более чем на 5 рабочих дней)"),
                   _("Срок продлён. Сообщите гражданину причину продления."))


@login_required
@require_http_methods(["GET", "POST"])
def request_close(request, pk):
    return _action(request, pk, access.CLOSE, CloseForm, lambda item, v, d:
                   services.request_close(user=request.user, request=item,
                                          expected_version=v, **d),
                   _("Ответ на обращение"), _("Обращение закрыто."))


@login_required
@require_http_methods(["GET", "POST"])
def request_destroy(request, pk):
    return _action(request, pk, access.CLOSE, DestroyForm, lambda item, v, d:
                   services.request_destroy(user=request.user, request=item,
                                            expected_version=v, **d),
                   _("Уничтожение персональных данных"),
                   _("Данные уничтожены, акт составлен."))


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def answer_pdf(request, pk):
    """The answer to an access request: everything held and who read it. Printing it is
    logged (``print``) for every record it shows."""
    item = _request_or_404(request.user, pk, access.CLOSE)
    if item.kind != RequestKind.ACCESS:
        raise Http404
    try:
        doc = selectors.answer_document(request.user, item)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return _pdf(render_pdf("rights/answer_pdf.html", {"doc": doc}),
                f"answer-{item.number}.pdf")


@login_required
def act_pdf(request, pk):
    try:
        act = selectors.act_get(request.user, pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return _pdf(render_pdf("rights/act_pdf.html", {"act": act, "printed_by": request.user}),
                f"act-{act.number}.pdf")


# --------------------------------------------------------------------------- incidents


def _incident_or_404(user, pk, action=access.VIEW):
    try:
        return selectors.incident_get(user, pk, action)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
def incident_list(request):
    if not access.can(request.user, roles.INCIDENT, access.VIEW):
        raise Http404
    page = paginate(selectors.incidents_for(request.user), request)
    now = timezone.now()
    for incident in page.items:
        incident.late = (incident.notice_overdue(now), incident.result_overdue(now))
    return render(request, "rights/incident_list.html", {
        "page": page, "query": "",
        "may_add": access.can(request.user, roles.INCIDENT, access.ADD)})


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request):
    if not access.can(request.user, roles.INCIDENT, access.ADD):
        raise Http404
    form = IncidentForm(request.POST or None, user=request.user,
                        initial={"detected_at": timezone.localtime().replace(second=0,
                                                                              microsecond=0)})
    if request.method == "POST" and form.is_valid():
        incident = apply_service(form, lambda: services.incident_open(
            user=request.user, **form.cleaned_data))
        if incident is not None:
            messages.success(request, _("Инцидент № %(n)s зарегистрирован.")
                             % {"n": incident.number})
            return redirect(incident)
    return render(request, "rights/form.html", {
        "form": form, "title": _("Инцидент с персональными данными"),
        "back": "/rights/incidents/"}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def incident_card(request, pk):
    incident = _incident_or_404(request.user, pk)
    may_change = selectors.incidents_for(request.user, access.CHANGE).filter(
        pk=incident.pk).exists()
    form = None
    if may_change:
        form = IncidentUpdateForm(request.POST or None, initial={
            "version": incident.version, "status": incident.status,
            "findings": incident.findings,
            "notice_sent_at": incident.notice_sent_at and timezone.localtime(
                incident.notice_sent_at),
            "result_sent_at": incident.result_sent_at and timezone.localtime(
                incident.result_sent_at)})
    elif request.method == "POST":
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        result = apply_service(form, lambda: services.incident_update(
            user=request.user, incident=incident, expected_version=version, **data))
        if result is not None:
            messages.success(request, _("Инцидент сохранён."))
            return redirect(result)
    now = timezone.now()
    report_query = ""
    if incident.suspect_id and incident.period_from and incident.period_to:
        report_query = (f"user={incident.suspect_id}&date_from={incident.period_from:%Y-%m-%d}"
                        f"&date_to={incident.period_to:%Y-%m-%d}")
    return render(request, "rights/incident_card.html", {
        "incident": incident, "form": form, "report_query": report_query,
        "late": (incident.notice_overdue(now), incident.result_overdue(now))},
        status=400 if form is not None and form.is_bound and form.errors else 200)


@login_required
def incident_report(request):
    """Whose data a user read or exported in a period (the access log), for the
    regulator's notices; the report itself is a read of those people, logged."""
    if not access.can(request.user, roles.INCIDENT, access.VIEW):
        raise Http404
    form = ReportForm(request.GET or None, user=request.user)
    rows = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = selectors.incident_report(request.user, suspect=data["user"],
                                         date_from=data["date_from"], date_to=data["date_to"])
        audit.log_reads(user=request.user, objects=[r.person for r in rows],
                        kind=AccessKind.VIEW_LIST, detail="incident_report")
    elif not form.is_bound:
        today = local_today(home_territory(request.user))
        form = ReportForm(user=request.user, initial={
            "date_from": today - datetime.timedelta(days=30), "date_to": today})
    return render(request, "rights/incident_report.html", {"form": form, "rows": rows},
                  status=400 if form.is_bound and form.errors else 200)
