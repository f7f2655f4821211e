"""Pages of the outbox (/notifications/): the list, a message's card, its actions, the
print list of letters."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berezhno.core import access, audit
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import apply_service, paginate

from . import roles, selectors, services
from .filters import MessageFilterSet
from .forms import DoneForm, VersionForm


def _message_or_404(user, pk, action=access.VIEW):
    try:
        message = selectors.message_get(user, pk, action)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    audit.log_request_read(message, AccessKind.VIEW_CARD)
    return message


@login_required
def outbox(request):
    if not access.can(request.user, roles.NOTIFICATION, access.VIEW):
        raise Http404
    query = request.GET.copy()
    query.pop("page", None)
    filters = MessageFilterSet(query or None, request=request, queryset=selectors.message_list(
        request.user))
    form = filters.form
    page = (paginate(filters.qs, request) if not filters.is_bound or filters.is_valid()
            else None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/outbox.html", {
        "form": form, "page": page, "query": query.urlencode()},
        status=200 if page is not None else 400)


@login_required
def message_card(request, pk):
    message = _message_or_404(request.user, pk)
    may_change = selectors.can_change(request.user, message)
    return render(request, "notifications/message.html", {
        "message": message, "can": selectors.actions_of(message, may_change),
        "done_form": DoneForm(initial={"version": message.version, "reached": "1"})})


def _post_action(request, pk, call, success):
    message = _message_or_404(request.user, pk, access.CHANGE)
    form = VersionForm(request.POST)
    if form.is_valid():
        result = apply_service(form, lambda: call(message, form.cleaned_data["version"]))
        if result is not None:
            flash.success(request, success)
            return redirect(result)
    for error in form.errors.values():
        flash.error(request, " ".join(error))
    may_change = selectors.can_change(request.user, message)
    return render(request, "notifications/message.html", {
        "message": message, "can": selectors.actions_of(message, may_change),
        "done_form": DoneForm(initial={"version": message.version, "reached": "1"})},
        status=400)


@login_required
@require_POST
def message_retry(request, pk):
    return _post_action(request, pk, lambda m, v: services.message_retry(
        user=request.user, message=m, expected_version=v), _("Сообщение поставлено в очередь."))


@login_required
@require_POST
def message_cancel(request, pk):
    return _post_action(request, pk, lambda m, v: services.message_cancel(
        user=request.user, message=m, expected_version=v), _("Сообщение отменено."))


@login_required
@require_http_methods(["POST"])
def message_done(request, pk):
    message = _message_or_404(request.user, pk, access.CHANGE)
    form = DoneForm(request.POST)
    if form.is_valid():
        result = apply_service(form, lambda: services.message_mark_done(
            user=request.user, message=message, expected_version=form.cleaned_data["version"],
            reached=form.cleaned_data["reached"], note=form.cleaned_data["note"]))
        if result is not None:
            flash.success(request, _("Отметка записана."))
            return redirect(result)
    may_change = selectors.can_change(request.user, message)
    return render(request, "notifications/message.html", {
        "message": message, "can": selectors.actions_of(message, may_change),
        "done_form": form}, status=400)


@login_required
def letters_pdf(request):
    if not access.can(request.user, roles.NOTIFICATION, access.CHANGE):
        raise Http404
    letters = list(selectors.letters_to_print(request.user)[:500])
    audit.log_reads(user=request.user, objects=letters, kind=AccessKind.PRINT)
    pdf = render_pdf("notifications/letters_pdf.html", {"letters": letters})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="letters.pdf"'
    return response
