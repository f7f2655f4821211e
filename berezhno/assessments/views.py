"""Running a questionnaire on a case and reading an assessment; out of scope is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.views import case_or_404, post_data, post_status
from berezhno.core.views_utils import apply_service

from . import selectors, services
from .forms import AssessmentForm

# --------------------------------------------------------------------------- assessment


@login_required
@require_http_methods(["GET", "POST"])
def assess(request, pk):
    """Choose a questionnaire (``?questionnaire=<id>``), then answer it: the service scores
    the answers and adds the problems they raise to the case. The form posts the
    questionnaire's id with the answers (and keeps it in the address for a reload)."""
    user = request.user
    case = case_or_404(user, pk)
    if case.status not in ACTIVE_STATUSES or not selectors.may_assess(user, case):
        raise Http404
    questionnaire_id = request.POST.get("questionnaire") or request.GET.get("questionnaire")
    if not questionnaire_id:
        return render(request, "assessments/assessment_choose.html", {
            "case": case, "questionnaires": selectors.questionnaire_choices(user)},
            status=400 if request.method == "POST" else 200)
    try:
        questionnaire = selectors.questionnaire_get(user, questionnaire_id)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    form = AssessmentForm(post_data(request), questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        assessment = apply_service(form, lambda: services.assessment_record(
            user=user, case=case, questionnaire=questionnaire, answers=form.answers(),
            conducted_on=form.cleaned_data.get("conducted_on"),
            conclusion=form.cleaned_data.get("conclusion") or ""))
        if assessment is not None:
            messages.success(request, _("Диагностика «%(q)s» записана.") % {
                "q": questionnaire.title})
            return redirect(case)
    return render(request, "assessments/assessment_form.html", {
        "form": form, "case": case, "questionnaire": questionnaire,
        "title": _("Диагностика: %(q)s") % {"q": questionnaire.title}},
        status=post_status(form) if request.method == "POST" else 200)


@login_required
def assessment_detail(request, pk, assessment_pk):
    case = case_or_404(request.user, pk)
    try:
        assessment = selectors.assessment_get(request.user, case, assessment_pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return render(request, "assessments/assessment_detail.html", {
        "case": case, "assessment": assessment})


