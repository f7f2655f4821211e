"""HTML views of support cases: thin wrappers around the selectors and the services.

Every lookup goes through a restricted queryset for the action at hand, so a record out of
scope, or one the user may not act on, is the same 404 as a missing one. A refused action
re-renders its form with the service's Russian message: 400 for bad input or an invalid
transition, 403 for a missing right, 409 for an edit made on a stale version.
"""

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
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import apply_service, get_or_404, paginate

from . import deadlines, selectors, services
from .choices import ACTIVE_STATUSES, Practice
from .filters import (
    ActivityFilterSet,
    BoardFilterSet,
    CaseFilterSet,
    ReferralFilterSet,
    SopFilterSet,
)
from .forms import (
    ActivityCompleteForm,
    ActivityFailForm,
    ActivityForm,
    AssessmentForm,
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
    ReferralAnswerForm,
    ReferralForm,
    ReferralRejectForm,
    ReferralResultForm,
    SessionForm,
    SopIdentifyForm,
    SopNotesForm,
    SopNoticeForm,
    SopRegisterForm,
    SopRemoveForm,
    UrgentActForm,
    UrgentLineFormSet,
)
from .models import CaseProblem, Referral, SopRecord, SupportCase


def _post_status(form) -> int:
    """400 for invalid input, or the status of the service's refusal (403, 409)."""
    error = getattr(form, "domain_error", None)
    return error.status if error is not None else 400


def _data(request):
    """The POST data to bind a form to, even when empty (an action without fields)."""
    return request.POST if request.method == "POST" else None


def _case_or_404(user, pk, action=roles.VIEW, kind=None):
    try:
        return selectors.case_get(user, pk, action, kind)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _action(request, form, call, *, title, success, case=None, back=None, done=None,
            template="cases/action_form.html", extra=None, submit=None):
    """GET shows the form; a valid POST runs the service and goes back to the case (or
    ``done``); a refusal shows the form again with the message and the right status."""
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: call(form.cleaned_data))
        if not form.errors:
            messages.success(request, success)
            return redirect(done or case or result)
    status = _post_status(form) if request.method == "POST" else 200
    return render(request, template, {
        "form": form, "case": case, "title": title, "back": back,
        "submit": submit or _("Сохранить"), **(extra or {})},
        status=status)


# --------------------------------------------------------------------------- lists


@login_required
def case_list(request):
    """The case list; the same FilterSet and selector serve ``/api/v1/cases/``."""
    if not can(request.user, roles.CASE, roles.VIEW):
        raise Http404
    filterset = CaseFilterSet(request.GET or None, request=request)
    page = None
    if not filterset.is_bound or filterset.is_valid():
        page = paginate(filterset.qs, request)
        page.items = deadlines.mark_overdue(page.items)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": filterset.form, "page": page, "query": query.urlencode(),
               "today": selectors.user_today(request.user),
               "can_add": can(request.user, roles.CASE, roles.ADD)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "cases/_case_results.html", context)
    return render(request, "cases/case_list.html", context,
                  status=200 if page is not None else 400)


# --------------------------------------------------------------------------- intake


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    user = request.user
    if not can(user, roles.CASE, roles.ADD):
        raise Http404
    search = PersonSearchForm(request.GET or None)
    person_id = request.POST.get("person") if request.method == "POST" else request.GET.get(
        "person")
    person = None
    if person_id:
        try:
            person = selectors.intake_person(user, person_id)
        except (ObjectDoesNotExist, ValueError):
            person = None
    households = selectors.applicant_households(user, person)
    initial = {"person": person.pk if person else None, "responsible": user,
               "household": households.first() if person is not None else None}
    form = IntakeForm(_data(request), user=user, households=households,
                      territory=person.territory if person else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if person is None:
            form.add_error(None, _("Заявитель не найден: выберите его заново."))
        else:
            case = apply_service(form, lambda: services.case_open(
                user=user, person=person, data=form.service_data(),
                problems=list(form.cleaned_data.get("problems") or [])))
            if case is not None:
                messages.success(request, _("Обращение зарегистрировано, открыт случай № "
                                            "%(n)s.") % {"n": case.number})
                return redirect(case)
    results = []
    if person is None and search.is_valid():
        results = selectors.applicant_choices(user, search.cleaned_data.get("q", ""))
    return render(request, "cases/intake.html", {
        "form": form, "search": search, "person": person, "results": results,
        "can_register": can(user, roles.PERSON, roles.ADD)},
        status=_post_status(form) if request.method == "POST" else 200)


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
    case = _case_or_404(request.user, pk, roles.CHANGE)
    if case.status not in ACTIVE_STATUSES:
        raise Http404
    households = selectors.applicant_households(request.user, case.person,
                                                also=case.household_id)
    initial = {f: getattr(case, f) for f in CaseForm.SERVICE_FIELDS}
    initial.update(version=case.version)
    form = CaseForm(_data(request), user=request.user, households=households,
                    territory=case.territory, initial=initial, editing=True)

    def changed(data):
        # Only what the user changed goes to the service: a family the applicant has left
        # since, or a responsible who has moved on, does not block editing the contract.
        return {k: v for k, v in form.service_data().items() if v != getattr(case, k)}

    return _action(request, form, lambda d: services.case_update(
        user=request.user, case=case, expected_version=d.get("version"),
        data=changed(d)), title=_("Сведения об обращении и договор"),
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request, pk):
    case = _case_or_404(request.user, pk, roles.CLOSE)
    form = DecideForm(_data(request))
    return _action(request, form, lambda d: services.case_decide(
        user=request.user, case=case, decision=d.get("decision") or "", date=d.get("date"),
        notes=d.get("notes") or ""), title=_("Решение о нуждаемости"),
        success=_("Решение записано."), case=case,
        submit=_("Записать решение"))


@login_required
@require_http_methods(["GET", "POST"])
def problem_add(request, pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    form = ProblemAddForm(_data(request), case=case)
    return _action(request, form, lambda d: services.problem_add(
        user=request.user, case=case, problem=d["problem"], note=d.get("note") or "",
        source=d["source"]), title=_("Отметить проблему"), success=_("Проблема отмечена."),
        case=case)


@login_required
@require_http_methods(["GET", "POST"])
def problem_remove(request, pk, item_pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    item = get_or_404(CaseProblem.objects.filter(case=case).select_related("problem"),
                      pk=item_pk)
    form = ReasonForm(_data(request))
    return _action(request, form, lambda d: services.problem_remove(
        user=request.user, item=item, reason=d.get("reason") or ""),
        title=_("Исключить проблему «%(p)s»") % {"p": item.problem},
        success=_("Проблема исключена."), case=case,
        submit=_("Исключить"))


# --------------------------------------------------------------------------- assessment


@login_required
@require_http_methods(["GET", "POST"])
def assess(request, pk):
    """Choose a questionnaire (``?questionnaire=<id>``), then answer it: the service scores
    the answers and adds the problems they raise to the case. The form posts the
    questionnaire's id with the answers (and keeps it in the address for a reload)."""
    user = request.user
    case = _case_or_404(user, pk)
    if case.status not in ACTIVE_STATUSES or not selectors.may_assess(user, case):
        raise Http404
    questionnaire_id = request.POST.get("questionnaire") or request.GET.get("questionnaire")
    if not questionnaire_id:
        return render(request, "cases/assessment_choose.html", {
            "case": case, "questionnaires": selectors.questionnaire_choices(user)},
            status=400 if request.method == "POST" else 200)
    try:
        questionnaire = selectors.questionnaire_get(user, questionnaire_id)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    form = AssessmentForm(_data(request), questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        assessment = apply_service(form, lambda: services.assessment_record(
            user=user, case=case, questionnaire=questionnaire, answers=form.answers(),
            conducted_on=form.cleaned_data.get("conducted_on"),
            conclusion=form.cleaned_data.get("conclusion") or ""))
        if assessment is not None:
            messages.success(request, _("Диагностика «%(q)s» записана.") % {
                "q": questionnaire.title})
            return redirect(case)
    return render(request, "cases/assessment_form.html", {
        "form": form, "case": case, "questionnaire": questionnaire,
        "title": _("Диагностика: %(q)s") % {"q": questionnaire.title}},
        status=_post_status(form) if request.method == "POST" else 200)


@login_required
def assessment_detail(request, pk, assessment_pk):
    case = _case_or_404(request.user, pk)
    try:
        assessment = selectors.assessment_get(request.user, case, assessment_pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return render(request, "cases/assessment_detail.html", {
        "case": case, "assessment": assessment})


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
    case = _case_or_404(request.user, pk, roles.CHANGE)
    form = PlanForm(_data(request))
    return _action(request, form, lambda d: services.plan_create(
        user=request.user, case=case, data=d), title=_("Новая программа (проект)"),
        success=_("Проект программы составлен: добавьте мероприятия."), case=case)


def _plan_or_404(request, case, plan_pk):
    try:
        return selectors.plan_get(request.user, case, plan_pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk, plan_pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    plan = _plan_or_404(request, case, plan_pk)
    form = PlanForm(_data(request), initial={
        "service_form": plan.service_form, "goal": plan.goal, "valid_until": plan.valid_until})
    return _action(request, form, lambda d: services.plan_update(
        user=request.user, plan=plan, data=d),
        title=_("Программа, редакция %(n)s") % {"n": plan.number},
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def plan_approve(request, pk, plan_pk):
    case = _case_or_404(request.user, pk, roles.CLOSE)
    plan = _plan_or_404(request, case, plan_pk)
    form = DateForm(_data(request))
    return _action(request, form, lambda d: services.plan_approve(
        user=request.user, plan=plan, date=d.get("date")),
        title=_("Утвердить программу, редакция %(n)s") % {"n": plan.number},
        success=_("Программа утверждена: мероприятия переданы исполнителям."), case=case,
        submit=_("Утвердить"))


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, pk, plan_pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    plan = _plan_or_404(request, case, plan_pk)
    form = ActivityForm(_data(request), user=request.user, case=case)
    return _action(request, form, lambda d: services.activity_add(
        user=request.user, plan=plan, data=form.service_data()),
        title=_("Мероприятие программы (редакция %(n)s)") % {"n": plan.number},
        success=_("Мероприятие добавлено в проект программы."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk, activity_pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    activity = _activity_or_404(request, activity_pk, case=case)
    form = ActivityForm(_data(request), user=request.user, case=case, initial={
        **{f: getattr(activity, f) for f in (
            "service_type", "title", "description", "problem", "responsible_user", "partner",
            "due_date", "volume", "frequency")}, "version": activity.version})
    return _action(request, form, lambda d: services.activity_update(
        user=request.user, activity=activity, data=form.service_data(),
        expected_version=d.get("version")),
        title=_("Мероприятие: %(t)s") % {"t": activity.title},
        success=_("Изменения сохранены."), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def activity_remove(request, pk, activity_pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    activity = _activity_or_404(request, activity_pk, case=case)
    form = ConfirmForm(_data(request))
    return _action(request, form, lambda d: services.activity_remove(
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
    return _action(request, form_class(_data(request)), lambda d: call(activity, d),
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
        user=request.user, activity=a, data=d),
        title=_("Занятие: %(t)s"), success=_("Занятие записано."))


# --------------------------------------------------------------------------- review


@login_required
@require_http_methods(["GET", "POST"])
def case_continue(request, pk):
    case = _case_or_404(request.user, pk, roles.CLOSE)
    form = ContinueForm(_data(request))
    return _action(request, form, lambda d: services.case_continue(
        user=request.user, case=case, reason=d.get("reason") or ""),
        title=_("Продолжить сопровождение"),
        success=_("Составлена новая редакция программы с невыполненными мероприятиями."),
        case=case)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case = _case_or_404(request.user, pk, roles.CLOSE)
    form = CloseForm(_data(request), case=case, initial={"version": case.version})
    return _action(request, form, lambda d: services.case_close(
        user=request.user, case=case, outcome=d.get("outcome") or "",
        improved=d.get("improved") or "", notes=d.get("notes") or "", date=d.get("date"),
        expected_version=d.get("version")), title=_("Закрыть случай"),
        success=_("Случай закрыт."), case=case, submit=_("Закрыть случай"))


# --------------------------------------------------------------------------- referrals


@login_required
@require_http_methods(["GET", "POST"])
def referral_send(request, pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    initial = {}
    if request.GET.get("activity"):
        initial["activity"] = request.GET["activity"]
    form = ReferralForm(_data(request), case=case, initial=initial)
    return _action(request, form, lambda d: services.referral_send(
        user=request.user, case=case, data=d), title=_("Направление в организацию-партнёр"),
        success=_("Направление отправлено."), case=case,
        submit=_("Направить"))


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request, referral_pk):
    referral = _referral_or_404(request, referral_pk, roles.VIEW)
    case = _case_or_404(request.user, referral.case_id, roles.CHANGE)
    form = ReasonForm(_data(request))
    return _action(request, form, lambda d: services.referral_withdraw(
        user=request.user, referral=referral, reason=d.get("reason") or ""),
        title=_("Отозвать направление в «%(o)s»") % {"o": referral.organisation},
        success=_("Направление отозвано."), case=case,
        submit=_("Отозвать"))


def _referral_or_404(request, referral_pk, action=roles.CHANGE):
    try:
        return selectors.referral_get(request.user, referral_pk, action)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
def referral_inbox(request):
    """Referrals (the partner's inbox); the same FilterSet serves ``/api/v1/referrals/``."""
    user = request.user
    if not can(user, roles.REFERRAL, roles.VIEW):
        raise Http404
    filterset = ReferralFilterSet(request.GET or None, request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(filterset.qs if valid else Referral.objects.none(), request)
    selectors.mark_referrals(page.items)
    answerable = selectors.referrals_answerable(user, [r.pk for r in page.items])
    for r in page.items:
        r.answerable = r.pk in answerable
    visible_cases = selectors.cases_in_scope(user, {r.case_id for r in page.items})
    # The applicant's name, birth date, phone and address are personal data read outside
    # the person card: each read is logged like a card view.
    audit.log_access_many(user=user, kind=AccessKind.VIEW_CARD,
                          person_ids=sorted({r.case.person_id for r in page.items}),
                          detail="referral")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/referrals.html", {
        "form": filterset.form, "page": page, "query": query.urlencode(),
        "today": selectors.user_today(user), "visible_cases": visible_cases},
        status=200 if valid else 400)


def _answer(request, referral_pk, form_class, call, title, success, submit):
    referral = _referral_or_404(request, referral_pk)
    form = form_class(_data(request), initial={"version": referral.version})
    return _action(request, form, lambda d: call(referral, d), title=title % {
        "o": referral.organisation, "n": referral.case.number}, success=success,
        back=reverse("cases:referrals"), done=reverse("cases:referrals"),
        template="cases/referral_answer.html", extra={"referral": referral}, submit=submit)


@login_required
@require_http_methods(["GET", "POST"])
def referral_accept(request, referral_pk):
    return _answer(request, referral_pk, ReferralAnswerForm, lambda r, d: services.referral_accept(
        user=request.user, referral=r, date=d.get("date"), expected_version=d.get("version")),
        _("Принять направление (случай № %(n)s)"), _("Направление принято."), _("Принять"))


@login_required
@require_http_methods(["GET", "POST"])
def referral_reject(request, referral_pk):
    return _answer(request, referral_pk, ReferralRejectForm, lambda r, d: services.referral_reject(
        user=request.user, referral=r, reason=d.get("reason") or "", date=d.get("date"),
        expected_version=d.get("version")),
        _("Отклонить направление (случай № %(n)s)"), _("Направление отклонено."),
        _("Отклонить"))


@login_required
@require_http_methods(["GET", "POST"])
def referral_complete(request, referral_pk):
    return _answer(request, referral_pk, ReferralResultForm,
                   lambda r, d: services.referral_complete(
                       user=request.user, referral=r, result=d.get("result") or "",
                       date=d.get("date"), expected_version=d.get("version")),
                   _("Результат по направлению (случай № %(n)s)"), _("Результат записан."),
                   _("Записать результат"))


# --------------------------------------------------------------------------- urgent


@login_required
@require_http_methods(["GET", "POST"])
def urgent_act(request, pk):
    case = _case_or_404(request.user, pk)
    if not can(request.user, roles.CASE, roles.ADD) or case.status not in ACTIVE_STATUSES:
        raise Http404
    form = UrgentActForm(_data(request))
    lines = UrgentLineFormSet(_data(request), prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [{k: v for k, v in f.cleaned_data.items() if v} for f in lines.forms
                if f.cleaned_data and any(f.cleaned_data.values())]
        act = apply_service(form, lambda: services.urgent_act_create(
            user=request.user, person=case.person, case=case, data=form.cleaned_data,
            lines=rows))
        if act is not None:
            messages.success(request, _("Акт о срочных социальных услугах № %(n)s "
                                        "составлен.") % {"n": act.number})
            return redirect(case)
    elif request.method == "POST" and not lines.is_valid():
        form.add_error(None, _("Проверьте строки услуг."))
    return render(request, "cases/urgent_form.html", {
        "form": form, "lines": lines, "case": case,
        "title": _("Срочные социальные услуги (ст. 21 442-ФЗ)")},
        status=_post_status(form) if request.method == "POST" else 200)


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


# --------------------------------------------------------------------------- СОП (120-ФЗ)


@login_required
def sop_list(request):
    """The register of families in a socially dangerous position with their deadlines;
    the same FilterSet serves ``/api/v1/sop/``."""
    if not can(request.user, roles.CASE, roles.VIEW):
        raise Http404
    filterset = SopFilterSet(request.GET or None, request=request, page=True)
    page = None
    if filterset.is_valid():
        page = paginate(filterset.qs, request)
        page.items = selectors.mark_sop(page.items)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/sop_list.html", {
        "form": filterset.form, "page": page, "query": query.urlencode(),
        "today": selectors.user_today(request.user)},
        status=200 if page is not None else 400)


@login_required
@require_http_methods(["GET", "POST"])
def sop_identify(request, pk):
    case = _case_or_404(request.user, pk, roles.CHANGE)
    if case.status not in ACTIVE_STATUSES:
        raise Http404
    form = SopIdentifyForm(_data(request))
    return _action(request, form, lambda d: services.sop_identify(
        user=request.user, case=case, data=d),
        title=_("Семья в социально опасном положении: выявление"),
        success=_("Семья отмечена как находящаяся в социально опасном положении. Сообщите в "
                  "КДН и ЗП."), case=case, done=case, submit=_("Записать"))


def _sop_action(request, sop_pk, form, call, *, title, success, submit):
    """One stage of a СОП record: the record is looked up through the case scope."""
    try:
        record = selectors.sop_get(request.user, sop_pk)
    except (SopRecord.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    case = record.case
    form = form(record)
    return _action(request, form, lambda d: call(record, d), title=title % {
        "n": case.number}, success=success, case=case, done=case, submit=submit,
        extra={"sop": record})


@login_required
@require_http_methods(["GET", "POST"])
def sop_notify(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopNoticeForm(_data(request)),
                       lambda r, d: services.sop_notify_kdn(
                           user=request.user, record=r, date=d.get("date"),
                           number=d.get("number") or "",
                           guardianship_date=d.get("guardianship_date")),
                       title=_("Сообщение в КДН и ЗП (случай № %(n)s)"),
                       success=_("Сообщение в КДН и ЗП записано."), submit=_("Записать"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_survey(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopNotesForm(_data(request)),
                       lambda r, d: services.sop_survey(
                           user=request.user, record=r, date=d.get("date"),
                           notes=d.get("notes") or ""),
                       title=_("Первичное обследование семьи (случай № %(n)s)"),
                       success=_("Результаты обследования записаны."), submit=_("Записать"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_register(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopRegisterForm(
        _data(request), user=request.user, territory=r.case.territory,
        initial={"curator": r.case.responsible_id}),
        lambda r, d: services.sop_register(
            user=request.user, record=r, decision_date=d.get("decision_date"),
            decision_number=d.get("decision_number") or "", curator=d.get("curator")),
        title=_("Постановка семьи на учёт в СОП (случай № %(n)s)"),
        success=_("Семья поставлена на учёт, куратор назначен."), submit=_("Поставить на учёт"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_review(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopNotesForm(_data(request)),
                       lambda r, d: services.sop_review(
                           user=request.user, record=r, date=d.get("date"),
                           notes=d.get("notes") or ""),
                       title=_("Пересмотр работы с семьёй в СОП (случай № %(n)s)"),
                       success=_("Пересмотр записан, назначен следующий срок."),
                       submit=_("Записать"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_remove(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopRemoveForm(_data(request)),
                       lambda r, d: services.sop_remove(
                           user=request.user, record=r, date=d.get("date"),
                           reason=d.get("reason") or "",
                           decision_number=d.get("decision_number") or ""),
                       title=_("Снятие семьи с учёта в СОП (случай № %(n)s)"),
                       success=_("Семья снята с учёта."), submit=_("Снять с учёта"))
