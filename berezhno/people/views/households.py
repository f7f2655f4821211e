"""Households: the list, creation from a person, the card, edit, members."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berezhno.core.access import can
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.pickers import back_with, picker_context
from berezhno.core.views_utils import (
    apply_service,
    get_or_404,
    paginate,
    search_by_post,
)
from berezhno.core.workdays import local_today
from berezhno.people import roles

from .. import selectors, services
from ..choices import ConsentPurpose
from ..forms import (
    HouseholdCreateForm,
    HouseholdForm,
    MemberForm,
    MemberLeaveForm,
)
from ..models import (
    HouseholdMember,
    Person,
)
from .common import _person_or_404, _post_status


@search_by_post("q")
@login_required
@require_http_methods(["GET", "POST"])
def household_list(request):
    """Households found by a member's name, POSTed like every personal search (0017)."""
    if not can(request.user, roles.HOUSEHOLD, roles.VIEW):
        raise Http404
    q = request.POST.get("q", "")[:100].strip() if request.method == "POST" else ""
    page = paginate(selectors.household_search(request.user, q=q), request)
    context = {"page": page, "q": q, "search_form": "household-search"}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "people/_household_results.html", context)
    return render(request, "people/household_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request, pk):
    head = _person_or_404(request.user, pk, roles.CHANGE)
    if not Person.objects.restrict(request.user, roles.ADD, kind=roles.HOUSEHOLD).filter(
            pk=head.pk).exists():
        raise Http404  # may change the person but not add households where they live
    form = HouseholdCreateForm(request.POST or None, initial={
        "name": _("Семья %(s)s") % {"s": head.surname} if head.surname else "",
        "address": head.actual_address})
    if request.method == "POST" and form.is_valid():
        household = apply_service(form, lambda: services.household_create(
            user=request.user, head=head,
            **{k: v for k, v in form.cleaned_data.items() if k != "version"}))
        if household is not None:
            messages.success(request, _("Домохозяйство создано."))
            return redirect(household)
    return render(request, "people/simple_form.html", {
        "form": form, "person": head, "title": _("Новое домохозяйство")},
        status=_post_status(form) if request.method == "POST" else 200)


@login_required
def household_detail(request, pk):
    try:
        household = selectors.household_get(request.user, pk)
    except Exception as exc:
        raise Http404 from exc
    return _household_page(request, household, MemberForm(
        initial={"person": request.GET.get("person")}), 200)


def _household_page(request, household, member_form, status):
    """The card; its «add a member» form picks the person by search (``core.pickers``):
    the chosen id comes back in ``?person=``, also from a registration (``next``)."""
    members = list(household.members.all())
    today = local_today(household.territory)  # ages where the family lives
    back = household.get_absolute_url()
    if request.method == "GET" and request.GET.get("person"):
        back = back_with(back, "person", _int(request.GET["person"]))
    member_form.anchors = {"person": "pick-person-q"}
    return render(request, "people/household_detail.html", {
        "household": household, "members": members, "today": today,
        "children_ages": selectors.children_ages(members, on=today),
        "can_change": can(request.user, roles.HOUSEHOLD, roles.CHANGE),
        "can_register": can(request.user, roles.PERSON, roles.ADD),
        "member_form": member_form,
        "pick": picker_context(member_form["person"], "person", back),
    }, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = get_or_404(selectors.household_queryset(request.user, roles.CHANGE), pk=pk)
    form = HouseholdForm(request.POST or None, initial={
        "name": household.name, "address": household.address,
        "income_level": household.income_level, "per_capita_income": household.per_capita_income,
        "housing_conditions": household.housing_conditions,
        "housing_notes": household.housing_notes, "version": household.version})
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: services.household_update(
            user=request.user, household=household,
            expected_version=form.cleaned_data["version"],
            **{k: v for k, v in form.cleaned_data.items() if k != "version"}))
        if result is not None:
            messages.success(request, _("Изменения сохранены."))
            return redirect(result)
    return render(request, "people/simple_form.html", {
        "form": form, "title": _("Домохозяйство: %(h)s") % {"h": household},
        "household": household, "back": household.get_absolute_url()},
        status=_post_status(form) if request.method == "POST" else 200)


@login_required
@require_POST
def household_member_add(request, pk):
    household = get_or_404(selectors.household_queryset(request.user, roles.CHANGE), pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        person = selectors.person_queryset(request.user).filter(
            pk=form.cleaned_data["person"]).first()
        if person is None:
            form.add_error("person", _("Выбранная запись недоступна: найдите гражданина "
                                       "заново."))
        else:
            result = apply_service(form, lambda: services.household_add_member(
                user=request.user, household=household, person=person,
                relation=form.cleaned_data["relation"], since=form.cleaned_data["since"]))
            if result is not None:
                messages.success(request, _("Член домохозяйства добавлен."))
                return redirect(household)
            error = getattr(form, "domain_error", None)
            if error is not None and error.code == ErrorCode.NO_CONSENT and can(
                    request.user, roles.CONSENT, roles.ADD):
                # The way forward: the consent, then back here with the person chosen.
                back = back_with(household.get_absolute_url(), "person", person.pk)
                form.way_forward = [(_("Оформить согласие и вернуться"), reverse(
                    "people:consent_add", args=[person.pk]) + "?" + urlencode(
                    {"purpose": ConsentPurpose.SOCIAL_SERVICE, "next": back}))]
    household = selectors.household_get(request.user, household.pk)
    return _household_page(request, household, form, _post_status(form))


@login_required
@require_POST
def household_member_remove(request, pk, member_pk):
    household = get_or_404(selectors.household_queryset(request.user, roles.CHANGE), pk=pk)
    member = get_or_404(HouseholdMember.objects.filter(household=household), pk=member_pk)
    form = MemberLeaveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(household)
    try:
        # The date the user gave is kept (decision 0017); none: today where they live.
        services.household_remove_member(user=request.user, member=member,
                                         until=form.cleaned_data.get("until"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Гражданин отмечен как выбывший из домохозяйства."))
    return redirect(household)
