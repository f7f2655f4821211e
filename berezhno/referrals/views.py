"""HTML views of referrals: sending from the case card, the partner's inbox and answers,
withdrawal. Every lookup goes through a restricted queryset for the action at hand, so a
record out of scope is the same 404 as a missing one."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from berezhno.cases import selectors as case_selectors
from berezhno.cases.forms import ReasonForm
from berezhno.cases.views import action_form, case_or_404, post_data
from berezhno.core.access import can
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import AccessKind
from berezhno.core.views_utils import paginate
from berezhno.people import roles as people_roles
from berezhno.people.choices import ConsentPurpose

from . import roles, selectors, services
from .filters import ReferralFilterSet
from .forms import ReferralAnswerForm, ReferralForm, ReferralRejectForm, ReferralResultForm
from .models import Referral

# --------------------------------------------------------------------------- referrals


@login_required
@require_http_methods(["GET", "POST"])
def referral_send(request, pk):
    """Send the family to a partner. Started from an activity (``?activity=<id>``), the
    activity and its partner are chosen already; a refusal for want of the person's
    consent to that partner links to recording the consent, which comes back here."""
    case = case_or_404(request.user, pk, roles.CHANGE)
    form = ReferralForm(post_data(request), case=case)
    activity = form.fields["activity"].queryset.filter(
        pk=_int(request.GET.get("activity"))).first()
    if activity is not None:
        form.initial = {"activity": activity.pk, "organisation": activity.partner_id}

    def send(data):
        try:
            return services.referral_send(user=request.user, case=case, **data)
        except DomainError as exc:
            if exc.code == ErrorCode.NO_CONSENT:
                _offer_consent(request, form, case, data)
            raise

    return action_form(request, form, send, title=_("Направление в организацию-партнёр"),
                       success=_("Направление отправлено."), case=case,
                       submit=_("Направить"))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _offer_consent(request, form, case, data) -> None:
    """The way forward from «no consent for this partner»: record the consent to transfer
    data to it (the form opens with that purpose and partner) and come back to this page."""
    organisation = data.get("organisation") or getattr(data.get("activity"), "partner", None)
    if not can(request.user, people_roles.CONSENT, people_roles.ADD):
        return
    query = {"purpose": ConsentPurpose.PARTNER_TRANSFER, "next": request.get_full_path()}
    if organisation is not None:
        query["recipient"] = organisation.pk
    form.way_forward = [(_("Оформить согласие на передачу сведений"),
                         reverse("people:consent_add", args=[case.person_id]) + "?"
                         + urlencode(query))]


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request, referral_pk):
    referral = _referral_or_404(request, referral_pk, roles.VIEW)
    case = case_or_404(request.user, referral.case_id, roles.CHANGE)
    form = ReasonForm(post_data(request))
    return action_form(request, form, lambda d: services.referral_withdraw(
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
    # The applicant's name, birth date, phone and address are personal data read outside
    # the person card: each read is logged like a card view.
    page = paginate(filterset.qs if valid else Referral.objects.none(), request,
                    read_kind=AccessKind.VIEW_CARD, read_detail="referral")
    selectors.mark_referrals(page.items)
    answerable = selectors.referrals_answerable(user, [r.pk for r in page.items])
    for r in page.items:
        r.answerable = r.pk in answerable
    visible_cases = case_selectors.cases_in_scope(user, {r.case_id for r in page.items})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "referrals/referrals.html", {
        "form": filterset.form, "page": page, "query": query.urlencode(),
        "today": case_selectors.user_today(user), "visible_cases": visible_cases},
        status=200 if valid else 400)


def _answer(request, referral_pk, form_class, call, title, success, submit):
    referral = _referral_or_404(request, referral_pk)
    form = form_class(post_data(request), initial={"version": referral.version})
    return action_form(request, form, lambda d: call(referral, d), title=title % {
        "o": referral.organisation, "n": referral.case.number}, success=success,
        back=reverse("referrals:inbox"), done=reverse("referrals:inbox"),
        template="referrals/referral_answer.html", extra={"referral": referral}, submit=submit)


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


