"""HTML views of support cases: thin wrappers around the selectors and the services.

Every lookup goes through a restricted queryset for the action at hand, so a record out of
scope, or one the user may not act on, is the same 404 as a missing one. A refused action
re-renders its form with the service's Russian message: 400 for bad input or an invalid
transition, 403 for a missing right, 409 for an edit made on a stale version.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases import roles
from berezhno.core import audit
from berezhno.core.access import can
from berezhno.core.errors import ConsentRequiredError
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import (
    apply_service,
    get_or_404,
    paginate,
    search_by_post,
    search_data,
)
from berezhno.people import roles as people_roles
from berezhno.people.choices import ConsentPurpose
from berezhno.people.services import require_consent_for

from . import deadlines, selectors, services
from .choices import ACTIVE_STATUSES, Practice
from .filters import (
    ActivityFilterSet,
    BoardFilterSet,
    CaseFilterSet,
)
from .forms import (
    ActivityCompleteForm,
    ActivityFailForm,
    ActivityForm,
    CaseForm,
    CloseForm,
    ConfirmForm,
    ContinueForm,
    DateForm,
    DecideForm,
    IntakeForm,
    PersonSearchForm,
    PlanForm,
    ProblemAddForm,
    ReasonForm,
    SessionForm,
)
from .models import CaseProblem, SupportCase


def post_status(form) -> int:
    """400 for invalid input, or the status of the service's refusal (403, 409)."""
    error = getattr(form, "domain_error", None)
    return error.status if error is not None else 400


def post_data(request):
    """The POST data to bind a form to, even when empty (an action without fields)."""
    return request.POST if request.method == "POST" else None


def case_or_404(user, pk, action=roles.VIEW, kind=None):
    try:
        return selectors.case_get(user, pk, action, kind)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def action_form(request, form, call, *, title, success, case=None, back=None, done=None,
            template="cases/action_form.html", extra=None, submit=None):
    """GET shows the form; a valid POST runs the service and goes back to the case (or
    ``done``); a refusal shows the form again with the message and the right status."""
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: call(form.cleaned_data))
        if not form.errors:
            messages.success(request, success)
            return redirect(done or case or result)
    status = post_status(form) if request.method == "POST" else 200
    return render(request, template, {
        "form": form, "case": case, "title": title, "back": back,
        "submit": submit or _("Сохранить"), **(extra or {})},
        status=status)


# --------------------------------------------------------------------------- lists


@search_by_post("q")
@login_required
@require_http_methods(["GET", "POST"])
def case_list(request):
    """The case list; the same FilterSet and selector serve ``/api/v1/cases/``. The
    applicant's surname is searched by POST (decision 0017); the other filters may also
    come in the address (the worklist links to "my overdue cases")."""
    if not can(request.user, roles.CASE, roles.VIEW):
        raise Http404
    filterset = CaseFilterSet(search_data(request) or None, request=request)
    page = None
    if not filterset.is_bound or filterset.is_valid():
        page = paginate(filterset.qs, request)
        page.items = deadlines.mark_overdue(page.items)
    context = {"form": filterset.form, "page": page, "search_form": "case-search",
               "today": selectors.user_today(request.user),
               "can_add": can(request.user, roles.CASE, roles.ADD)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "cases/_case_results.html", context)
    return render(request, "cases/case_list.html", context,
                  status=200 if page is not None else 400)


# --------------------------------------------------------------------------- intake


@search_by_post("q")
@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """Find the applicant (a POSTed search: decision 0017), then open the case."""
    user = request.user
    if not can(user, roles.CASE, roles.ADD):
        raise Http404
    searching = request.method == "POST" and "search" in request.POST
    search = PersonSearchForm(request.POST if searching else None)
    person_id = (request.POST.get("person") if request.method == "POST" and not searching
                 else request.GET.get("person"))
    person = None
    if person_id:
        try:
            person = selectors.intake_person(user, person_id)
        except (ObjectDoesNotExist, ValueError):
            person = None
    households = selectors.applicant_households(user, person)
    initial = {"person": person.pk if person else None, "responsible": user,
               "household": households.first() if person is not None else None}
    form = IntakeForm(None if searching else post_data(request), user=user,
                      households=households, territory=person.territory if person else None,
                      initial=initial)
    if request.method == "POST" and not searching and form.is_valid():
        if person is None:
            form.add_error(None, _("Заявитель не найден: выберите его заново."))
        else:
            case = apply_service(form, lambda: services.case_open(
                user=user, person=person, **form.service_data(),
                problems=list(form.cleaned_data.get("problems") or [])))
            consent_url = _consent_first(user, person)
            if case is None and consent_url:
                form.way_forward = [(_("Оформить согласие и вернуться"), consent_url)]
            if case is not None:
                messages.success(request, _("Обращение зарегистрировано, открыт случай № "
                                            "%(n)s.") % {"n": case.number})
                return redirect(case)
    results = []
    if person is None and search.is_valid():
        results = selectors.applicant_choices(user, search.cleaned_data.get("q", ""))
    return render(request, "cases/intake.html", {
        "form": form, "search": search, "person": person, "results": results,
        "consent_url": _consent_first(user, person),
        "can_register": can(user, roles.PERSON, roles.ADD),
        # The registration brings the dispatcher back here with ``person=<id>`` (ui.md).
        "intake_url": reverse("cases:intake")},
        status=post_status(form) if request.method == "POST" and not searching else 200)


def _consent_first(user, person) -> str:
    """The way forward for an applicant without a consent (no case opens without one):
    the consent form, which comes back to the intake with the applicant (ui.md)."""
    if person is None or not can(user, people_roles.CONSENT, people_roles.ADD):
        return ""
    try:
        require_consent_for(person, "")
    except ConsentRequiredError:
        back = f"{reverse('cases:intake')}?person={person.pk}"
        return (reverse("people:consent_add", args=[person.pk]) + "?"
                + urlencode({"purpose": ConsentPurpose.SOCIAL_SERVICE, "next": back}))
    return ""


# --------------------------------------------------------------------------- the card


@login_required
def case_card(request, pk):
    try:
        card = selectors.case_card(request.user, pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return render(request, "cases/case_card.html", {"card": card, "case": card.case})


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    if case.status not in ACTIVE_STATUSES:
        raise Http404
    households = selectors.applicant_households(request.user, case.person,
                                                also=case.household_id)
    initial = {f: getattr(case, f) for f in CaseForm.SERVICE_FIELDS}
    initial.update(version=case.version)
    form = CaseForm(post_data(request), user=request.user, households=households,
                    territory=case.territory, initial=initial, editing=True)

    def changed(data):
        # Only what the user changed goes to the service: a family the applicant has left
        # since, or a responsible who has moved on, does not block editing the contract.
        return {k: v for k, v in form.service_data().items() if v != getattr(case, k)}

    return action_form(request, form, lambda d: services.case_update(
        user=request.user, case=case, expected_version=d.get("version"),
        **changed(d)), title=_("Сведения об обращении и договор"),
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request, pk):
    case = case_or_404(request.user, pk, roles.CLOSE)
    form = DecideForm(post_data(request))
    return action_form(request, form, lambda d: services.case_decide(
        user=request.user, case=case, decision=d.get("decision") or "", date=d.get("date"),
        notes=d.get("notes") or ""), title=_("Решение о нуждаемости"),
        success=_("Решение записано."), case=case,
        submit=_("Записать решение"))


@login_required
@require_http_methods(["GET", "POST"])
def problem_add(request, pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    form = ProblemAddForm(post_data(request), case=case)
    return action_form(request, form, lambda d: services.problem_add(
        user=request.user, case=case, problem=d["problem"], note=d.get("note") or "",
        source=d["source"]), title=_("Отметить проблему"), success=_("Проблема отмечена."),
        case=case)


@login_required
@require_http_methods(["GET", "POST"])
def problem_remove(request, pk, item_pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    item = get_or_404(CaseProblem.objects.filter(case=case).select_related("problem"),
                      pk=item_pk)
    form = ReasonForm(post_data(request))
    return action_form(request, form, lambda d: services.problem_remove(
        user=request.user, item=item, reason=d.get("reason") or ""),
        title=_("Исключить проблему «%(p)s»") % {"p": item.problem},
        success=_("Проблема исключена."), case=case,
        submit=_("Исключить"))


# --------------------------------------------------------------------------- printed forms


def _pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def plan_pdf(request, pk, plan_pk):
    """The programme version as a signed paper (ИППСУ): printing is logged."""
    try:
        doc = selectors.plan_document(request.user, pk, plan_pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    audit.log_access(user=request.user, kind=AccessKind.PRINT, person_id=doc.case.person_id,
                     obj_repr=f"plan:{doc.plan.pk}", detail="programme")
    return _pdf_response("cases/plan_pdf.html", {"doc": doc, "case": doc.case,
                                                 "plan": doc.plan},
                         f"programme-{doc.case.pk}-{doc.plan.number}.pdf")


@login_required
def case_pdf(request, pk):
    """The case file (личное дело) in one document: printing is logged."""
    try:
        doc = selectors.case_file(request.user, pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    audit.log_access(user=request.user, kind=AccessKind.PRINT, person_id=doc.case.person_id,
                     obj_repr=f"case:{doc.case.pk}", detail="case_file")
    return _pdf_response("cases/case_pdf.html", {"doc": doc, "case": doc.case,
                                                 "printed_by": request.user},
                         f"case-{doc.case.pk}.pdf")


# --------------------------------------------------------------------------- plans


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    form = PlanForm(post_data(request))
    form.fields.pop("version")  # a new draft has no version to check yet
    return action_form(request, form, lambda d: services.plan_create(
        user=request.user, case=case, **d), title=_("Новая программа (проект)"),
        success=_("Проект программы составлен: добавьте мероприятия."), case=case)


def _plan_or_404(request, case, plan_pk):
    try:
        return selectors.plan_get(request.user, case, plan_pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk, plan_pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    plan = _plan_or_404(request, case, plan_pk)
    form = PlanForm(post_data(request), initial={
        "service_form": plan.service_form, "goal": plan.goal, "valid_until": plan.valid_until,
        "version": plan.version})
    return action_form(request, form, lambda d: services.plan_update(
        user=request.user, plan=plan, expected_version=d.pop("version", None), **d),
        title=_("Программа, редакция %(n)s") % {"n": plan.number},
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def plan_approve(request, pk, plan_pk):
    case = case_or_404(request.user, pk, roles.CLOSE)
    plan = _plan_or_404(request, case, plan_pk)
    form = DateForm(post_data(request))
    return action_form(request, form, lambda d: services.plan_approve(
        user=request.user, plan=plan, date=d.get("date")),
        title=_("Утвердить программу, редакция %(n)s") % {"n": plan.number},
        success=_("Программа утверждена: мероприятия переданы исполнителям."), case=case,
        submit=_("Утвердить"))


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, pk, plan_pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    plan = _plan_or_404(request, case, plan_pk)
    form = ActivityForm(post_data(request), user=request.user, case=case)
    return action_form(request, form, lambda d: services.activity_add(
        user=request.user, plan=plan, **form.service_data()),
        title=_("Мероприятие программы (редакция %(n)s)") % {"n": plan.number},
        success=_("Мероприятие добавлено в проект программы."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk, activity_pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    activity = _activity_or_404(request, activity_pk, case=case)
    form = ActivityForm(post_data(request), user=request.user, case=case, initial={
        **{f: getattr(activity, f) for f in (
            "service_type", "title", "description", "problem", "responsible_user", "partner",
            "due_date", "volume", "frequency")}, "version": activity.version})
    return action_form(request, form, lambda d: services.activity_update(
        user=request.user, activity=activity, **form.service_data(),
        expected_version=d.get("version")),
        title=_("Мероприятие: %(t)s") % {"t": activity.title},
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def activity_remove(request, pk, activity_pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    activity = _activity_or_404(request, activity_pk, case=case)
    form = ConfirmForm(post_data(request))
    return action_form(request, form, lambda d: services.activity_remove(
        user=request.user, activity=activity),
        title=_("Исключить мероприятие «%(t)s» из проекта программы") % {"t": activity.title},
        success=_("Мероприятие исключено."), case=case,
        submit=_("Исключить"))


# --------------------------------------------------------------------------- execution


def _activity_or_404(request, activity_pk, case=None):
    try:
        return selectors.activity_get(request.user, activity_pk, case=case)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _back_from_activity(request, activity) -> str:
    """Back to where the executor came from: the worklist or the case card."""
    if request.GET.get("from") == "worklist" or request.POST.get("from") == "worklist":
        return reverse("cases:worklist")
    return activity.case.get_absolute_url()


def _activity_action(request, activity_pk, form_class, call, *, title, success, submit=None):
    """One step of an activity by its executor: back to the worklist or the case card."""
    activity = _activity_or_404(request, activity_pk)
    back = _back_from_activity(request, activity)
    return action_form(request, form_class(post_data(request)), lambda d: call(activity, d),
                   title=title % {"t": activity.title}, success=success, case=activity.case,
                   back=back, done=back, submit=submit, extra={"activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def activity_start(request, activity_pk):
    return _activity_action(request, activity_pk, DateForm, lambda a, d: services.activity_start(
        user=request.user, activity=a, date=d.get("date")),
        title=_("Начать мероприятие «%(t)s»"), success=_("Мероприятие начато."),
        submit=_("Начать"))


@login_required
@require_http_methods(["GET", "POST"])
def activity_complete(request, activity_pk):
    return _activity_action(
        request, activity_pk, ActivityCompleteForm, lambda a, d: services.activity_complete(
            user=request.user, activity=a, result=d.get("result") or "", date=d.get("date")),
        title=_("Мероприятие выполнено: %(t)s"), success=_("Мероприятие отмечено выполненным."))


@login_required
@require_http_methods(["GET", "POST"])
def activity_fail(request, activity_pk):
    return _activity_action(
        request, activity_pk, ActivityFailForm, lambda a, d: services.activity_fail(
            user=request.user, activity=a, reason=d.get("reason") or "", date=d.get("date")),
        title=_("Мероприятие не выполнено: %(t)s"),
        success=_("Мероприятие отмечено невыполненным."))


@login_required
@require_http_methods(["GET", "POST"])
def session_record(request, activity_pk):
    return _activity_action(request, activity_pk, SessionForm, lambda a, d: services.session_record(
        user=request.user, activity=a, **d),
        title=_("Занятие: %(t)s"), success=_("Занятие записано."))


# --------------------------------------------------------------------------- review


@login_required
@require_http_methods(["GET", "POST"])
def case_continue(request, pk):
    case = case_or_404(request.user, pk, roles.CLOSE)
    form = ContinueForm(post_data(request))
    return action_form(request, form, lambda d: services.case_continue(
        user=request.user, case=case, reason=d.get("reason") or ""),
        title=_("Продолжить сопровождение"),
        success=_("Составлена новая редакция программы с невыполненными мероприятиями."),
        case=case)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case = case_or_404(request.user, pk, roles.CLOSE)
    form = CloseForm(post_data(request), case=case, initial={"version": case.version})
    return action_form(request, form, lambda d: services.case_close(
        user=request.user, case=case, outcome=d.get("outcome") or "",
        improved=d.get("improved") or "", notes=d.get("notes") or "", date=d.get("date"),
        expected_version=d.get("version")), title=_("Закрыть случай"),
        success=_("Случай закрыт."), case=case, submit=_("Закрыть случай"))


# --------------------------------------------------------------------------- worklist, board


@login_required
def worklist(request):
    """The user's activities and pressing cases. The activities take the filters of
    ``/api/v1/activities/`` (``ActivityFilterSet``), starting from the user's own open
    ones of the programmes in force."""
    if not can(request.user, roles.ACTIVITY, roles.VIEW):
        raise Http404
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    filterset = ActivityFilterSet(request.GET, request=request, page=True)
    valid = filterset.is_valid()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/worklist.html", {
        "work": selectors.worklist(request.user, page=page,
                                   filters=filterset.values if valid else None),
        "form": filterset.form, "query": query.urlencode(), "me": request.user.pk},
        status=200 if valid else 400)


@login_required
def board(request):
    """The dispatcher's board; ``/api/v1/board/`` counts the same cases."""
    user = request.user
    if not can(user, roles.CASE, roles.ADD, Practice.FAMILY_DISPATCH):
        raise Http404  # the board is the Family Dispatch practice's
    filterset = BoardFilterSet(request.GET or None, request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    result = filterset.qs if valid else selectors.Board(
        scope=SupportCase.objects.none(), today=selectors.user_today(user), on=None)
    return render(request, "cases/board.html", {"form": filterset.form, "board": result},
                  status=200 if valid else 400)


