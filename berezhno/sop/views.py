"""HTML views of the СОП register and of each stage of a record; out of scope is 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases import selectors as case_selectors
from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.views import action_form, case_or_404, post_data
from berezhno.core.access import can
from berezhno.core.pdf import render_pdf
from berezhno.core.views_utils import paginate

from . import roles, selectors, services
from .choices import SopStatus
from .filters import SopFilterSet
from .forms import SopIdentifyForm, SopNotesForm, SopNoticeForm, SopRegisterForm, SopRemoveForm
from .models import SopRecord

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
    return render(request, "sop/sop_list.html", {
        "form": filterset.form, "page": page, "query": query.urlencode(),
        "today": case_selectors.user_today(request.user)},
        status=200 if page is not None else 400)


@login_required
@require_http_methods(["GET", "POST"])
def sop_identify(request, pk):
    case = case_or_404(request.user, pk, roles.CHANGE)
    if case.status not in ACTIVE_STATUSES:
        raise Http404
    form = SopIdentifyForm(post_data(request))
    return action_form(request, form, lambda d: services.sop_identify(
        user=request.user, case=case, **d),
        title=_("Семья в социально опасном положении: выявление"),
        success=_("Семья отмечена как находящаяся в социально опасном положении. Сообщите в "
                  "КДН и ЗП."), case=case, done=case, submit=_("Записать"))


def _sop_action(request, sop_pk, form, call, *, title, success, submit, done=None):
    """One stage of a СОП record: the record is looked up through the case scope; after
    the step, back to the case (or to ``done(record)``)."""
    try:
        record = selectors.sop_get(request.user, sop_pk)
    except (SopRecord.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    case = record.case
    form = form(record)
    return action_form(request, form, lambda d: call(record, d), title=title % {
        "n": case.number}, success=success, case=case,
        done=done(record) if done else case, submit=submit, extra={"sop": record})


@login_required
@require_http_methods(["GET", "POST"])
def sop_notify(request, sop_pk):
    """The notice step; after it, the page of its letters to print."""
    return _sop_action(request, sop_pk, lambda r: SopNoticeForm(post_data(request), record=r),
                       lambda r, d: services.sop_notify_kdn(
                           user=request.user, record=r, date=d.get("date"),
                           number=d.get("number") or "",
                           guardianship_date=d.get("guardianship_date"),
                           guardianship_number=d.get("guardianship_number") or "",
                           kdn_addressee=d.get("kdn_addressee"),
                           guardianship_addressee=d.get("guardianship_addressee"),
                           measures=d.get("measures") or "", signatory=d.get("signatory")),
                       title=_("Сообщение в КДН и ЗП (случай № %(n)s)"),
                       success=_("Сообщение в КДН и ЗП записано. Напечатайте письмо, "
                                 "подпишите и отправьте."), submit=_("Записать"),
                       done=lambda r: reverse("sop:letters", args=[r.pk]))


def _letter_record(request, sop_pk) -> SopRecord:
    """A record whose letters the user may print: a worker of its case (else 404)."""
    try:
        return selectors.sop_get(request.user, sop_pk, roles.CHANGE)
    except (SopRecord.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@login_required
def sop_letters(request, sop_pk):
    """The letters of the notice step of a record, to print (or why there are none yet)."""
    record = _letter_record(request, sop_pk)
    letters = [(kind, selectors.letter_available(record, kind))
               for kind in selectors.LETTER_KINDS if kind == "kdn" or record.child_threat]
    return render(request, "sop/letters.html", {
        "sop": record, "case": record.case, "letters": dict(letters),
        "may_notify": record.status == SopStatus.IDENTIFIED})


@login_required
def sop_letter_pdf(request, sop_pk, kind):
    """A letter of the notice step as PDF, A4: printing is logged for each person named."""
    try:
        letter = selectors.notice_letter(request.user, sop_pk, kind)
    except (SopRecord.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    with translation.override("ru"):  # a letter to a Russian authority, whatever the UI
        body = render_pdf("sop/notice_letter_pdf.html", {"letter": letter})
    response = HttpResponse(body, content_type="application/pdf")
    name = "kdn" if kind == "kdn" else "opeka"
    response["Content-Disposition"] = (
        f'inline; filename="sop-{name}-{letter.case.number}.pdf"')
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sop_survey(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopNotesForm(post_data(request)),
                       lambda r, d: services.sop_survey(
                           user=request.user, record=r, date=d.get("date"),
                           notes=d.get("notes") or ""),
                       title=_("Первичное обследование семьи (случай № %(n)s)"),
                       success=_("Результаты обследования записаны."), submit=_("Записать"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_register(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopRegisterForm(
        post_data(request), user=request.user, territory=r.case.territory,
        initial={"curator": r.case.responsible_id}),
        lambda r, d: services.sop_register(
            user=request.user, record=r, decision_date=d.get("decision_date"),
            decision_number=d.get("decision_number") or "", curator=d.get("curator")),
        title=_("Постановка семьи на учёт в СОП (случай № %(n)s)"),
        success=_("Семья поставлена на учёт, куратор назначен."), submit=_("Поставить на учёт"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_review(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopNotesForm(post_data(request)),
                       lambda r, d: services.sop_review(
                           user=request.user, record=r, date=d.get("date"),
                           notes=d.get("notes") or ""),
                       title=_("Пересмотр работы с семьёй в СОП (случай № %(n)s)"),
                       success=_("Пересмотр записан, назначен следующий срок."),
                       submit=_("Записать"))


@login_required
@require_http_methods(["GET", "POST"])
def sop_remove(request, sop_pk):
    return _sop_action(request, sop_pk, lambda r: SopRemoveForm(post_data(request)),
                       lambda r, d: services.sop_remove(
                           user=request.user, record=r, date=d.get("date"),
                           reason=d.get("reason") or "",
                           decision_number=d.get("decision_number") or ""),
                       title=_("Снятие семьи с учёта в СОП (случай № %(n)s)"),
                       success=_("Семья снята с учёта."), submit=_("Снять с учёта"))
