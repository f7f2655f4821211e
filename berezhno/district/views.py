"""HTML views of the special-attention data bank; out of scope is 404, bad input is a
Russian message with nothing changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases.views import post_status
from berezhno.core.access import can
from berezhno.core.pickers import back_with, picker_context
from berezhno.core.views_utils import apply_service, paginate
from berezhno.people.models import Person

from . import roles, selectors, services
from .filters import BankFilterSet
from .forms import BankAddForm, BankEditForm, BankRemoveForm, BankReviewForm
from .models import BankEntry


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def bank_list(request):
    """The bank of the user's scope, the earliest review first; overdue reviews marked.
    The same FilterSet serves ``/api/v1/district-bank/`` and the XLSX export."""
    if not can(request.user, roles.BANK, roles.VIEW):
        raise Http404
    filterset = BankFilterSet(request.GET or None, request=request, page=True)
    page = None
    today = selectors.bank_today(request.user)
    if filterset.is_valid():
        page = paginate(filterset.qs, request)
        page.items = selectors.mark(page.items, today)
    query = request.GET.copy()
    query.pop("page", None)
    back = reverse("district:bank") + (f"?{query.urlencode()}" if query else "")
    form = filterset.form
    pick = picker_context(form["person"], "person", back)
    return render(request, "district/bank_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "today": today,
        "pick": pick, "pickers": [pick], "back": back,
        "may_add": selectors.may_add(request.user)},
        status=200 if page is not None else 400)


def _entry(request, pk, action=roles.VIEW) -> BankEntry:
    try:
        return selectors.entry_get(request.user, pk, action)
    except (BankEntry.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
def bank_entry(request, pk):
    """The card of an entry: who, why, the reviews, the history; the review first."""
    try:
        card = selectors.entry_card(request.user, pk)
    except (BankEntry.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return render(request, "district/bank_entry.html", {"card": card, "entry": card.entry})


def _form_page(request, form, *, title, submit, entry=None, status=200, extra=None):
    return render(request, "district/bank_form.html", {
        "form": form, "title": title, "submit": submit, "entry": entry, **(extra or {})},
        status=status)


@login_required
@require_http_methods(["GET", "POST"])
def bank_add(request):
    """A citizen of the registry put in the bank: found by search (``core.pickers``), the
    chosen id comes back in ``?person=``."""
    if not selectors.may_add(request.user):
        raise Http404
    data = request.POST if request.method == "POST" else None
    chosen = _int((data or request.GET).get("person"))
    person = (Person.objects.restrict(request.user, roles.VIEW).select_related("territory")
              .filter(pk=chosen).first() if chosen else None)
    territory = person.territory if person else None
    form = BankAddForm(data, user=request.user, person=person, territory=territory,
                       initial={"person": chosen, "responsible": request.user.pk})
    if request.method == "POST" and form.is_valid():
        if person is None:
            form.add_error("person", _("Выбранная запись недоступна: найдите гражданина "
                                       "заново."))
        else:
            d = form.cleaned_data
            entry = apply_service(form, lambda: services.bank_entry_add(
                user=request.user, person=person, reasons=d["reasons"],
                other_reason=d["other_reason"], household=d["household"], since=d["since"],
                next_review_due=d["next_review_due"], responsible=d["responsible"],
                notes=d["notes"]))
            if entry is not None:
                messages.success(request, _("Гражданин внесён в банк данных."))
                return redirect(entry)
    back = reverse("district:bank_add")
    if chosen:
        back = back_with(back, "person", chosen)
    form.anchors = {"person": "pick-person-q"}
    return _form_page(request, form, title=_("Внести в банк данных"), submit=_("Внести"),
                      status=post_status(form) if request.method == "POST" else 200,
                      extra={"pick": picker_context(form["person"], "person", back)})


def _open_entry(request, pk) -> BankEntry:
    """An entry still in the bank, for a change; a removed entry is read-only (404)."""
    entry = _entry(request, pk, roles.CHANGE)
    if entry.removed_on is not None:
        raise Http404
    return entry


def _entry_step(request, entry, form, run, done, *, title, submit):
    """A change of one entry: on a valid POST ``run(cleaned_data)`` calls the service and
    ``done(result)`` says what was saved; otherwise (or on a refusal) the form again."""
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: run(form.cleaned_data))
        if result is not None:
            messages.success(request, done(result))
            return redirect(entry)
    return _form_page(request, form, title=title, submit=submit, entry=entry,
                      status=post_status(form) if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bank_edit(request, pk):
    entry = _open_entry(request, pk)
    form = BankEditForm(request.POST if request.method == "POST" else None,
                        user=request.user, person=entry.person, territory=entry.territory,
                        initial={"reasons": [r.reason for r in entry.reasons.all()],
                                 "other_reason": entry.other_reason,
                                 "household": entry.household_id, "since": entry.since,
                                 "next_review_due": entry.next_review_due,
                                 "responsible": entry.responsible_id, "notes": entry.notes,
                                 "version": entry.version})

    def run(d):
        d = dict(d)
        version = d.pop("version")
        d["since"] = d["since"] or entry.since
        return services.bank_entry_update(user=request.user, entry=entry,
                                          expected_version=version, **d)

    return _entry_step(request, entry, form, run, lambda _r: _("Изменения сохранены."),
                       title=_("Изменить запись банка данных"), submit=_("Сохранить"))


@login_required
@require_http_methods(["GET", "POST"])
def bank_review(request, pk):
    entry = _open_entry(request, pk)
    form = BankReviewForm(request.POST if request.method == "POST" else None,
                          initial={"version": entry.version})
    return _entry_step(
        request, entry, form,
        lambda d: services.bank_entry_review(
            user=request.user, entry=entry, expected_version=d["version"],
            result=d["result"], held_on=d["held_on"], next_due=d["next_due"]),
        lambda review: _("Пересмотр записан, следующий — до %(d)s.")
        % {"d": review.next_due.strftime("%d.%m.%Y")},
        title=_("Пересмотр записи банка данных"), submit=_("Записать пересмотр"))


@login_required
@require_http_methods(["GET", "POST"])
def bank_remove(request, pk):
    entry = _open_entry(request, pk)
    form = BankRemoveForm(request.POST if request.method == "POST" else None,
                          initial={"version": entry.version})
    return _entry_step(
        request, entry, form,
        lambda d: services.bank_entry_remove(
            user=request.user, entry=entry, expected_version=d["version"],
            reason=d["reason"], date=d["date"]),
        lambda _r: _("Гражданин исключён из банка данных. Запись и её история сохранены."),
        title=_("Исключить из банка данных"), submit=_("Исключить"))
