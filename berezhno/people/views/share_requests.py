"""Requests to share or transfer a person's record (decision 0019): the register and a request,
with the requester's edit and the holder's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.core.access import can
from berezhno.core.views_utils import (
    apply_service,
    paginate,
)
from berezhno.people import roles

from .. import selectors, services
from ..filters import INCOMING, OUTGOING, ShareRequestFilterSet
from ..forms import (
    ShareDecisionForm,
    ShareRequestForm,
)
from ..models import (
    Person,
    PersonShareRequest,
)
from .common import _post_status


@login_required
def share_request_list(request):
    """Requests to share or transfer records (decision 0019): incoming ones, for persons
    held here, and the ones this territory sent."""
    if not (can(request.user, roles.PERSON, roles.ADD)
            or can(request.user, roles.PERSON, roles.CHANGE)):
        raise Http404
    filters = ShareRequestFilterSet(request.GET or None, request=request,
                                    queryset=PersonShareRequest.objects.none())
    if filters.is_bound and not filters.is_valid():
        return render(request, "people/share_request_list.html", {
            "filters": filters.form, "incoming": None, "outgoing": None}, status=400)
    data = filters.form.cleaned_data if filters.is_bound else {}
    incoming_qs = selectors.share_requests_incoming(request.user)
    outgoing_qs = selectors.share_requests_outgoing(request.user)
    if data.get("status"):
        incoming_qs = incoming_qs.filter(status=data["status"])
        outgoing_qs = outgoing_qs.filter(status=data["status"])
    direction = data.get("direction")
    incoming = paginate(incoming_qs, request) if direction != OUTGOING else None
    outgoing = list(outgoing_qs[:50]) if direction != INCOMING else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/share_request_list.html", {
        "filters": filters.form, "incoming": incoming, "outgoing": outgoing,
        "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def share_request_detail(request, pk):
    try:
        share, holder = selectors.share_request_get(request.user, pk)
    except (PersonShareRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    may_decide = holder and Person.objects.restrict(request.user, roles.CHANGE).filter(
        pk=share.person_id).exists()
    edit_form = ShareRequestForm(request.POST if request.POST.get("do") == "edit" else None,
                                 initial={"kind": share.kind, "reason": share.reason,
                                          "version": share.version},
                                 prefix="edit")
    decision_form = ShareDecisionForm(request.POST if request.POST.get("do") in (
        "approve", "refuse", "revoke") else None, initial={"version": share.version},
        prefix="decision")
    status = 200
    if request.method == "POST":
        do = request.POST.get("do")
        if (do in ("approve", "refuse", "revoke") and not may_decide) or (
                do == "edit" and share.requested_by_id != request.user.pk):
            raise Http404  # not theirs to decide or to change: as if it were not there
        result = None
        if do == "edit" and edit_form.is_valid():
            d = edit_form.cleaned_data
            result = apply_service(edit_form, lambda: services.share_request_update(
                user=request.user, request=share, expected_version=d["version"],
                kind=d["kind"], reason=d["reason"]))
            form = edit_form
        elif do in ("approve", "refuse") and decision_form.is_valid():
            result = apply_service(decision_form, lambda: services.share_request_decide(
                user=request.user, request=share,
                expected_version=decision_form.cleaned_data["version"],
                approve=do == "approve", comment=decision_form.cleaned_data["comment"]))
            form = decision_form
        elif do == "revoke" and decision_form.is_valid():
            result = apply_service(decision_form, lambda: services.share_request_revoke(
                user=request.user, request=share,
                expected_version=decision_form.cleaned_data["version"],
                comment=decision_form.cleaned_data["comment"]))
            form = decision_form
        else:
            form = edit_form if do == "edit" else decision_form
            if do not in ("edit", "approve", "refuse", "revoke"):
                form.add_error(None, _("Неизвестное действие."))
        if result is not None:
            messages.success(request, _("Запрос доступа сохранён."))
            return redirect("people:share_request", pk=share.pk)
        status = _post_status(form)
    return render(request, "people/share_request_detail.html", {
        "share": share, "holder": holder, "may_decide": may_decide,
        "is_requester": share.requested_by_id == request.user.pk,
        "edit_form": edit_form, "decision_form": decision_form,
    }, status=status)
