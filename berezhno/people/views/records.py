"""What is recorded on a person's card: contacts, consents (and their PDF), categories, health
data, documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berezhno.core import audit
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import (
    apply_service,
    get_or_404,
    safe_next,
)
from berezhno.people import roles

from .. import services
from ..choices import SENSITIVE_DOCUMENT_TYPES, ConsentPurpose
from ..forms import (
    CategoryEndForm,
    CategoryForm,
    ConsentChannelsForm,
    ConsentForm,
    ConsentWithdrawForm,
    ContactForm,
    DocumentForm,
    ReasonForm,
    SensitiveForm,
)
from ..models import (
    Consent,
    Person,
    PersonCategory,
    PersonDocument,
    SensitiveInfo,
)
from .common import _person_or_404, _post_status, _simple


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


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    """Record a consent. A page that refused for want of one sends the user here with the
    purpose and the partner chosen (``?purpose=…&recipient=<id>``) and its address in
    ``next``: the user comes back there once the consent is recorded (ui.md, hand-offs)."""
    person = _person_or_404(request.user, pk, roles.ADD, kind=roles.CONSENT)
    back = safe_next(request.POST.get("next") if request.method == "POST"
                     else request.GET.get("next"))
    initial = {
        "valid_from": timezone.localdate(), "data_list": ConsentForm.DEFAULT_DATA,
        "subject_address": person.registration_address or person.actual_address,
        "subject_document": person.passport and f"{_('паспорт')} {person.passport} "
                                                f"{person.passport_issued}".strip()}
    if request.GET.get("purpose") in ConsentPurpose.values:
        initial["purpose"] = request.GET["purpose"]
    if request.GET.get("recipient", "").isdigit():
        initial["recipients"] = [int(request.GET["recipient"])]
    form = ConsentForm(request.POST or None, request.FILES or None, initial=initial)
    return _simple(request, person, form,
                   lambda d: services.consent_record(user=request.user, person=person, **d),
                   _("Согласие на обработку персональных данных"), _("Согласие записано."),
                   extra={"multipart": True, "next": back}, done=back or None)


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
