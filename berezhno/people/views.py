"""HTML views of the registry: thin wrappers around selectors and services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berezhno.core import audit
from berezhno.core.access import can
from berezhno.core.errors import DomainError
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import (
    add_validation_errors,
    apply_service,
    get_or_404,
    paginate,
    search_by_post,
    search_data,
)
from berezhno.core.workdays import local_today
from berezhno.people import roles

from . import extensions, selectors, services
from .choices import SENSITIVE_DOCUMENT_TYPES, ConsentPurpose
from .filters import INCOMING, OUTGOING, PersonFilterSet, ShareRequestFilterSet
from .forms import (
    CategoryEndForm,
    CategoryForm,
    ConsentChannelsForm,
    ConsentForm,
    ConsentWithdrawForm,
    ContactForm,
    DocumentForm,
    HouseholdCreateForm,
    HouseholdForm,
    MemberForm,
    MemberLeaveForm,
    MergeForm,
    PersonForm,
    ReasonForm,
    SensitiveForm,
    ShareDecisionForm,
    ShareRequestForm,
    StatusForm,
    UnidentifiedForm,
)
from .models import (
    Consent,
    HouseholdMember,
    Person,
    PersonCategory,
    PersonDocument,
    PersonMerge,
    PersonShareRequest,
    SensitiveInfo,
)


def _person_or_404(user, pk, action=roles.VIEW, kind=None, seen=roles.VIEW):
    """A person the user sees (``seen``) and may do ``action`` on for record ``kind``.

    Anything else, out of scope or not allowed, is the same 404 as a missing record.
    """
    queryset = selectors.person_queryset(user, seen)
    if kind is not None or action != seen:
        queryset = queryset.restrict(user, action, kind)
    return get_or_404(queryset.select_related("territory", "settlement"), pk=pk)


def _post_status(form) -> int:
    """400 for invalid input, or the status of the service's refusal (403, 409)."""
    error = getattr(form, "domain_error", None)
    return error.status if error is not None else 400


@search_by_post("q")
@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    """The person list; the same FilterSet serves this page and the API. A search by name,
    СНИЛС or phone is POSTed (decision 0017): the term is in no address, history or log."""
    data = search_data(request)
    filterset = PersonFilterSet(data or None, request=request)
    page = paginate(filterset.qs, request) if (not data or filterset.is_valid()) else None
    context = {"form": filterset.form, "page": page, "search_form": "person-search"}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "people/_person_results.html", context)
    return render(request, "people/person_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    if not can(request.user, roles.PERSON, roles.ADD):
        raise Http404
    form = PersonForm(request.POST or None, user=request.user)
    consent_form = ConsentForm(request.POST or None, prefix="consent", initial={
        "valid_from": timezone.localdate(), "data_list": ConsentForm.DEFAULT_DATA,
        "purpose": ConsentPurpose.SOCIAL_SERVICE})
    candidates = None
    share_request = None
    with_consent = request.POST.get("with_consent") == "1"
    if request.method == "POST" and form.is_valid() and (not with_consent
                                                         or consent_form.is_valid()):
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
            return redirect(person)
    return render(request, "people/person_form.html", {
        "form": form, "consent_form": consent_form, "candidates": candidates,
        "with_consent": with_consent, "creating": True, "share_request": share_request,
    }, status=(409 if share_request else 400) if request.method == "POST" else 200)


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
    return render(request, "people/unidentified_form.html", {"form": form},
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
        "form": form, "person": person, "share_request": share_request}, status=status)


@login_required
@require_POST
def contact_add(request, pk):
    person = _person_or_404(request.user, pk, roles.ADD, kind=roles.CONTACT,
                            seen=roles.VIEW_MINIMAL)
    form = ContactForm(request.POST)
    if form.is_valid():
        result = apply_service(form, lambda: services.contact_log(
            user=request.user, person=person, **form.cleaned_data))
        if result is not None:
            messages.success(request, _("Контакт записан."))
            return redirect(person)
    return render(request, "people/simple_form.html", {
        "form": form, "person": person, "title": _("Новый контакт")},
        status=_post_status(form))


def _simple(request, person, form, call, title, success, template="people/simple_form.html",
            extra=None):
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: call(form.cleaned_data))
        if result is not None:
            messages.success(request, success)
            return redirect(person)
    status = _post_status(form) if request.method == "POST" else 200
    return render(request, template, {"form": form, "person": person, "title": title,
                                      **(extra or {})}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    person = _person_or_404(request.user, pk, roles.ADD, kind=roles.CONSENT)
    form = ConsentForm(request.POST or None, request.FILES or None, initial={
        "valid_from": timezone.localdate(), "data_list": ConsentForm.DEFAULT_DATA,
        "subject_address": person.registration_address or person.actual_address,
        "subject_document": person.passport and f"{_('паспорт')} {person.passport} "
                                                f"{person.passport_issued}".strip()})
    return _simple(request, person, form,
                   lambda d: services.consent_record(user=request.user, person=person, **d),
                   _("Согласие на обработку персональных данных"), _("Согласие записано."),
                   extra={"multipart": True})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    person = _person_or_404(request.user, pk, roles.VIEW)
    consent = get_or_404(Consent.objects.restrict(request.user, roles.CHANGE), pk=consent_pk,
                         person=person)
    form = ConsentWithdrawForm(request.POST or None, initial={"date": timezone.localdate()})
    return _simple(request, person, form,
                   lambda d: services.consent_withdraw(user=request.user, consent=consent,
                                                       date=d["date"], reason=d["reason"]),
                   _("Отзыв согласия: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                   _("Отзыв согласия записан."))


@login_required
@require_http_methods(["GET", "POST"])
def consent_channels(request, pk, consent_pk):
    person = _person_or_404(request.user, pk, roles.VIEW)
    consent = get_or_404(Consent.objects.restrict(request.user, roles.CHANGE).filter(
        is_active=True), pk=consent_pk, person=person)
    initial = {name: getattr(consent, name) for name in services.consents.CHANNEL_FIELDS}
    form = ConsentChannelsForm(request.POST or None, initial={**initial,
                                                              "version": consent.version})
    return _simple(request, person, form,
                   lambda d: services.consent_channels_set(
                       user=request.user, consent=consent, expected_version=d["version"],
                       **{k: v for k, v in d.items() if k != "version"}),
                   _("Способы связи: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                   _("Способы связи записаны."))


@login_required
def consent_pdf(request, pk, consent_pk):
    person = _person_or_404(request.user, pk, roles.VIEW)
    consent = get_or_404(Consent.objects.restrict(request.user, roles.VIEW).select_related(
        "operator", "taken_by"), pk=consent_pk, person=person)
    audit.log_access(user=request.user, kind=AccessKind.PRINT, person_id=person.pk,
                     obj_repr=f"consent:{consent.pk}")
    pdf = render_pdf("people/consent_pdf.html", {"consent": consent, "person": person})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-{consent.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def category_add(request, pk):
    person = _person_or_404(request.user, pk, roles.CHANGE)
    form = CategoryForm(request.POST or None, initial={"start_date": timezone.localdate()})
    return _simple(request, person, form,
                   lambda d: services.category_add(user=request.user, person=person, **d),
                   _("Новая категория"), _("Категория добавлена."))


@login_required
@require_http_methods(["GET", "POST"])
def category_end(request, pk, category_pk):
    person = _person_or_404(request.user, pk, roles.CHANGE)
    item = get_or_404(PersonCategory.objects.filter(person=person), pk=category_pk)
    form = CategoryEndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    return _simple(request, person, form,
                   lambda d: services.category_end(user=request.user, item=item, **d),
                   _("Снять категорию «%(c)s»") % {"c": item.get_category_display()},
                   _("Категория снята."))


@login_required
@require_http_methods(["GET", "POST"])
def sensitive_edit(request, pk):
    person = get_or_404(Person.objects.restrict(request.user, roles.CHANGE,
                                                kind=roles.SENSITIVE), pk=pk)
    info = SensitiveInfo.objects.filter(person=person).first()
    initial = {"version": info.version if info else None}
    if info is not None:
        audit.log_access(user=request.user, kind=AccessKind.VIEW_SENSITIVE, person_id=person.pk,
                         obj_repr=f"sensitive:{person.pk}", detail="edit")
        initial.update({f: getattr(info, f) for f in (
            "disability_group", "disability_since", "disability_until", "mse_certificate",
            "ipra_number", "health_notes")})
    form = SensitiveForm(request.POST or None, initial=initial)
    return _simple(request, person, form,
                   lambda d: services.sensitive_update(
                       user=request.user, person=person, expected_version=d.get("version"),
                       **{k: v for k, v in d.items() if k != "version"}),
                   _("Сведения о здоровье (специальная категория)"), _("Сведения сохранены."))


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    person = _person_or_404(request.user, pk, roles.ADD, kind=roles.DOCUMENT)
    form = DocumentForm(request.POST or None, request.FILES or None)
    return _simple(request, person, form,
                   lambda d: services.document_attach(
                       user=request.user, person=person, upload=d["file"],
                       doc_type=d["doc_type"], doc_date=d["doc_date"], title=d["title"]),
                   _("Прикрепить документ"), _("Документ прикреплён."),
                   extra={"multipart": True})


@login_required
def document_download(request, pk, document_pk):
    person = _person_or_404(request.user, pk, roles.VIEW)
    doc = get_or_404(PersonDocument.objects.restrict(request.user, roles.VIEW).filter(
        is_deleted=False), pk=document_pk, person=person)
    if doc.doc_type in SENSITIVE_DOCUMENT_TYPES:
        if not Person.objects.restrict(request.user, roles.VIEW, kind=roles.SENSITIVE).filter(
                pk=person.pk).exists():
            raise Http404
        audit.log_access(user=request.user, kind=AccessKind.VIEW_SENSITIVE,
                         person_id=person.pk, obj_repr=f"document:{doc.pk}")
    audit.log_access(user=request.user, kind=AccessKind.VIEW_DOCUMENT, person_id=person.pk,
                     obj_repr=f"document:{doc.pk}")
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type,
                            as_attachment=True, filename=doc.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk, document_pk):
    person = _person_or_404(request.user, pk, roles.VIEW)
    doc = get_or_404(PersonDocument.objects.restrict(request.user, roles.DELETE).filter(
        is_deleted=False), pk=document_pk, person=person)
    form = ReasonForm(request.POST or None)
    return _simple(request, person, form,
                   lambda d: services.document_delete(user=request.user, document=doc,
                                                      reason=d["reason"]),
                   _("Удалить документ «%(d)s»") % {"d": doc}, _("Документ удалён."))


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
            form.add_error("other", _("Запись с таким номером не найдена."))
        else:
            if request.POST.get("confirm") == "1":
                merge = apply_service(form, lambda: services.person_merge(
                    user=request.user, source=source, target=target,
                    reason=form.cleaned_data["reason"]))
                if merge is not None:
                    messages.success(request, _("Записи объединены. Объединение можно отменить "
                                                "в карточке."))
                    return redirect(target)
    return render(request, "people/person_merge.html", {
        "form": form, "person": target, "source": source,
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


# ------------------------------------------------------------------ households


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
    members = list(household.members.all())
    today = local_today(household.territory)  # ages where the family lives
    return render(request, "people/household_detail.html", {
        "household": household, "members": members, "today": today,
        "children_ages": selectors.children_ages(members, on=today),
        "can_change": can(request.user, roles.HOUSEHOLD, roles.CHANGE),
        "member_form": MemberForm(),
    })


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
        "back": household.get_absolute_url()},
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
            form.add_error("person", _("Запись с таким номером не найдена."))
        else:
            result = apply_service(form, lambda: services.household_add_member(
                user=request.user, household=household, person=person,
                relation=form.cleaned_data["relation"], since=form.cleaned_data["since"]))
            if result is not None:
                messages.success(request, _("Член домохозяйства добавлен."))
                return redirect(household)
    return render(request, "people/simple_form.html", {
        "form": form, "title": _("Добавить члена домохозяйства"),
        "back": household.get_absolute_url(), "action": request.path},
        status=_post_status(form))


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



# --------------------------------------------------------------------------- share requests


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
                                 initial={"kind": share.kind, "reason": share.reason},
                                 prefix="edit")
    decision_form = ShareDecisionForm(request.POST if request.POST.get("do") in (
        "approve", "refuse", "revoke") else None, prefix="decision")
    status = 200
    if request.method == "POST":
        do = request.POST.get("do")
        if (do in ("approve", "refuse", "revoke") and not may_decide) or (
                do == "edit" and share.requested_by_id != request.user.pk):
            raise Http404  # not theirs to decide or to change: as if it were not there
        result = None
        if do == "edit" and edit_form.is_valid():
            result = apply_service(edit_form, lambda: services.share_request_update(
                user=request.user, request=share, **edit_form.cleaned_data))
            form = edit_form
        elif do in ("approve", "refuse") and decision_form.is_valid():
            result = apply_service(decision_form, lambda: services.share_request_decide(
                user=request.user, request=share, approve=do == "approve",
                comment=decision_form.cleaned_data["comment"]))
            form = decision_form
        elif do == "revoke" and decision_form.is_valid():
            result = apply_service(decision_form, lambda: services.share_request_revoke(
                user=request.user, request=share,
                comment=decision_form.cleaned_data["comment"]))
            form = decision_form
        else:
            form = edit_form if do == "edit" else decision_form
            if do not in ("edit", "approve", "refuse", "revoke"):
                form.add_error(None, _("Неизвестное действие."))
        if result is not None:
            messages.success(request, _("Запрос № %(id)s: сохранено.") % {"id": share.pk})
            return redirect("people:share_request", pk=share.pk)
        status = _post_status(form)
    return render(request, "people/share_request_detail.html", {
        "share": share, "holder": holder, "may_decide": may_decide,
        "is_requester": share.requested_by_id == request.user.pk,
        "edit_form": edit_form, "decision_form": decision_form,
    }, status=status)
