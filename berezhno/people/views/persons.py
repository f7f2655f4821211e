"""The person pages: the list and its search, registration, the card and its timeline, edit,
status, restore, merge and unmerge."""

import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berezhno.core.access import can
from berezhno.core.errors import DomainError
from berezhno.core.pickers import back_with, picker_context
from berezhno.core.views_utils import (
    add_validation_errors,
    apply_service,
    get_or_404,
    paginate,
    safe_next,
    search_by_post,
    search_data,
)
from berezhno.people import roles
from berezhno.territories.selectors import home_point

from .. import extensions, selectors, services
from ..choices import ConsentPurpose
from ..filters import PersonFilterSet
from ..forms import (
    ConsentForm,
    ContactForm,
    MergeForm,
    PersonForm,
    ReasonForm,
    StatusForm,
    UnidentifiedForm,
)
from ..models import (
    Person,
    PersonMerge,
)
from .common import _person_or_404, _post_status, _simple


@search_by_post("q")
@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    """The person list; the same FilterSet serves this page and the API. A search by name,
    СНИЛС or phone is POSTed (decision 0017): the term is in no address, history or log."""
    data = search_data(request)
    filterset = PersonFilterSet(data or None, request=request)
    page = paginate(filterset.qs, request) if (not data or filterset.is_valid()) else None
    context = {"form": filterset.form, "page": page, "search_form": "person-search",
               "can_add": can(request.user, roles.PERSON, roles.ADD)}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "people/_person_results.html", context)
    return render(request, "people/person_list.html", context)


# The consent part's fields a person types only for a signed consent (the rest have
# defaults): typed without ticking «подписал согласие» they would be lost silently.
_CONSENT_TYPED = ("subject_address", "subject_document", "representative_name",
                  "representative_document")


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    """Registration, with the consent signed now or without one. The consent part is
    optional (no ``required`` attributes: with JavaScript it is hidden and disabled, without
    it visible and marked optional) and checked only when «подписал согласие» is ticked.
    Every problem is shown in one round (``_check_all``). ``next`` (a local path, e.g. the
    intake) is where the user goes back to, with ``person=<id>`` of the new record."""
    if not can(request.user, roles.PERSON, roles.ADD):
        raise Http404
    posted = request.method == "POST"
    back = safe_next(request.POST.get("next") if posted else request.GET.get("next"))
    form = PersonForm(request.POST or None, user=request.user)
    with_consent = request.POST.get("with_consent") == "1"
    consent_typed = posted and not with_consent and any(
        request.POST.get(f"consent-{name}", "").strip() for name in _CONSENT_TYPED)
    consent_bound = posted and (with_consent or consent_typed)
    consent_form = ConsentForm(request.POST if consent_bound else None, prefix="consent",
                               use_required_attribute=False, initial={
                                   "valid_from": timezone.localdate(),
                                   "data_list": ConsentForm.DEFAULT_DATA,
                                   "purpose": ConsentPurpose.SOCIAL_SERVICE})
    if consent_typed:
        consent_form.add_error(None, _(
            "Заполнены поля согласия, но не отмечено «Гражданин подписал согласие». Отметьте "
            "его, чтобы записать согласие, или очистите эти поля."))
    candidates = None
    share_request = None
    # Both forms are checked (no short circuit): every problem in one round.
    valid = posted and all([form.is_valid(), not consent_bound or consent_form.is_valid()])
    if posted and not valid:
        _check_all(request.user, form, consent_form if with_consent else None)
    elif posted:
        consent = None
        if with_consent:
            consent = dict(consent_form.cleaned_data, scan=request.FILES.get("consent-scan"))
        confirm = request.POST.get("confirm_not_duplicate") == "1"
        try:
            person = services.person_register(
                user=request.user, confirm_not_duplicate=confirm, consent=consent,
                **form.service_data())
        except services.DuplicateCandidatesError as exc:
            ids = [c["id"] for c in exc.details["candidates"]]
            found = {p.pk: p for p in selectors.person_queryset(request.user).filter(
                pk__in=ids).select_related("territory")}
            candidates = [(found[c["id"]], c["reasons"]) for c in exc.details["candidates"]
                          if c["id"] in found]
            form.add_error(None, str(exc.message))
            form.exact_duplicate = any("snils" in r for _p, r in candidates)
        except services.SnilsElsewhereError as exc:
            # Nothing of the other record is shown: only that a request was sent.
            form.add_error("snils", str(exc.message))
            share_request = exc.details["share_request"]
        except ValidationError as exc:
            add_validation_errors(exc, form, consent_form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Гражданин зарегистрирован."))
            return redirect(back_with(back, "person", person.pk) if back else person)
    return render(request, "people/person_form.html", {
        "form": form, "consent_form": consent_form, "candidates": candidates,
        "with_consent": with_consent, "creating": True, "share_request": share_request,
        "next": back, "map_center": home_point(request.user),
    }, status=(409 if share_request else 400) if posted else 200)


def _check_all(user, form, consent_form) -> None:
    """Put the service's own checks of a registration (``person_check``) on the forms
    whose parsing failed, next to their parsing errors: every problem in one round. A field
    that already has an error keeps only it; the territory is not asked for when the
    settlement it would come from is itself wrong."""
    data = form.service_data() if hasattr(form, "cleaned_data") else {}
    consent: services.ConsentData | None = None
    if consent_form is not None and hasattr(consent_form, "cleaned_data"):
        # What parsed, the required keys empty where they did not.
        parsed = {"purpose": consent_form.data.get("consent-purpose", ""),
                  "subject_address": "", "subject_document": "", "data_list": "",
                  **{k: v for k, v in consent_form.cleaned_data.items() if k != "scan"}}
        consent = cast(services.ConsentData, parsed)
    try:
        services.person_check(user=user, consent=consent, **data)
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            target, name = (consent_form, key.removeprefix("consent.")) \
                if key.startswith("consent.") else (form, key)
            if target is None or name in target.errors:
                continue
            if name == "territory" and "settlement" in form.errors:
                continue
            for error in errors:
                target.add_error(name if name in target.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def unidentified_create(request):
    if not can(request.user, roles.PERSON, roles.ADD):
        raise Http404
    form = UnidentifiedForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, is_unidentified=True)
        photo = data.pop("photo", None)

        def register():
            person = services.person_register(user=request.user, confirm_not_duplicate=True,
                                              **data)
            if photo:
                services.document_attach(user=request.user, person=person, upload=photo,
                                         doc_type="photo", title=_("Фото при встрече"))
            return person

        person = apply_service(form, register)
        if person is not None:
            messages.success(request, _("Запись о неустановленном лице создана."))
            return redirect(person)
    return render(request, "people/unidentified_form.html", {
        "form": form, "map_center": home_point(request.user)},
        status=_post_status(form) if request.method == "POST" else 200)


@login_required
def person_card(request, pk):
    try:
        card = selectors.person_card(request.user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "people/person_card.html", {
        "card": card, "person": card.person,
        "panels": extensions.card_panels(request, card.person),
        "contact_form": ContactForm(initial={"occurred_at": timezone.localtime(),
                                             "client_uuid": uuid.uuid4()}),
        "can": {
            "contact": can(request.user, roles.CONTACT, roles.ADD),
            "consent": card.can_change or can(request.user, roles.CONSENT, roles.ADD),
            "merge": card.full and can(request.user, roles.PERSON, roles.MERGE),
            "status": card.full and can(request.user, roles.PERSON, roles.DELETE),
            "sensitive_change": card.can_view_sensitive and can(request.user, roles.SENSITIVE,
                                                                 roles.CHANGE),
            "document": card.full and can(request.user, roles.DOCUMENT, roles.ADD),
            "household": card.can_change and can(request.user, roles.HOUSEHOLD, roles.ADD),
        },
    })


@login_required
def person_timeline(request, pk):
    try:
        person, events = selectors.person_timeline(request.user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "people/person_timeline.html", {"person": person, "events": events})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person_or_404(request.user, pk, roles.CHANGE)
    form = PersonForm(request.POST or None, instance=person, user=request.user,
                      action=roles.CHANGE, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: services.person_update(
            user=request.user, person=person, expected_version=form.cleaned_data.get("version"),
            **form.service_data()))
        if result is not None:
            messages.success(request, _("Изменения сохранены."))
            return redirect(result)
    status = _post_status(form) if request.method == "POST" else 200
    error = getattr(form, "domain_error", None)
    share_request = (error.details.get("share_request")
                     if isinstance(error, services.SnilsElsewhereError) else None)
    return render(request, "people/person_form.html", {
        "form": form, "person": person, "share_request": share_request,
        "map_center": home_point(request.user)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_status(request, pk):
    person = _person_or_404(request.user, pk, roles.DELETE)
    form = StatusForm(request.POST or None, initial={"version": person.version,
                                                     "date": timezone.localdate()})
    return _simple(request, person, form,
                   lambda d: services.person_set_status(
                       user=request.user, person=person, status=d["status"], date=d["date"],
                       reason=d["reason"], expected_version=d["version"]),
                   _("Снять с учёта"), _("Гражданин снят с учёта."))


@login_required
@require_http_methods(["GET", "POST"])
def person_restore(request, pk):
    person = _person_or_404(request.user, pk, roles.DELETE)
    form = ReasonForm(request.POST or None)
    return _simple(request, person, form,
                   lambda d: services.person_restore(user=request.user, person=person,
                                                     reason=d["reason"]),
                   _("Восстановить на учёте"), _("Гражданин восстановлен на учёте."))


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request, pk):
    target = _person_or_404(request.user, pk, roles.MERGE)
    form = MergeForm(request.POST or None, initial={"other": request.GET.get("other")})
    source = None
    if request.method == "POST" and form.is_valid():
        try:
            source = selectors.person_queryset(request.user, roles.MERGE).get(
                pk=form.cleaned_data["other"])
        except Person.DoesNotExist:
            form.add_error("other", _("Выбранная запись недоступна: найдите её заново."))
        else:
            if request.POST.get("confirm") == "1":
                merge = apply_service(form, lambda: services.person_merge(
                    user=request.user, source=source, target=target,
                    reason=form.cleaned_data["reason"]))
                if merge is not None:
                    messages.success(request, _("Записи объединены. Объединение можно отменить "
                                                "в карточке."))
                    return redirect(target)
    form.anchors = {"other": "pick-other-q"}
    return render(request, "people/person_merge.html", {
        "form": form, "person": target, "source": source,
        "pick": picker_context(form["other"], "person", reverse("people:merge", args=[target.pk])),
        "title": _("Присоединить запись к этой")},
        status=400 if request.method == "POST" and form.errors else 200)


@login_required
@require_POST
def person_unmerge(request, pk, merge_pk):
    person = _person_or_404(request.user, pk, roles.MERGE)
    merge = get_or_404(PersonMerge.objects.filter(target=person), pk=merge_pk)
    try:
        services.person_unmerge(user=request.user, merge=merge)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Объединение отменено: обе записи восстановлены."))
    return redirect(person)
