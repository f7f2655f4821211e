"""The indicators page and its exports (XLSX, PDF): thin wrappers around the selectors.

Only users who may view indicators get here (anyone else: 404, like a missing page); the
territory is looked up in their scope, so a node out of scope is a 404 too. Bad dates are
answered with the page, the Russian message beside the field, and status 400.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from berezhno.cases.choices import Practice
from berezhno.core import audit
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf

from . import periods, selectors
from .charts import bar_chart
from .exports import Report, report_xlsx
from .forms import bind_query

TEMPLATE = "indicators/report.html"


def _query_string(practice, territory, start, end) -> str:
    return urlencode({"practice": practice, "territory": territory.pk,
                      "start": start.isoformat(), "end": end.isoformat()})


def _quick_choices(practice, territory) -> list[tuple[str, str]]:
    today = selectors.today(territory)
    choices = [(_("Текущий квартал"), periods.this_quarter(today)),
               (_("Прошлый квартал"), periods.last_quarter(today)),
               (_("Текущий год"), periods.year(today.year))]
    return [(label, _query_string(practice, territory, p.start, p.end))
            for label, p in choices]


def _prepare(request, *, fresh: bool = True):
    """(form, report) for a valid query, (form, None) for an invalid one.

    The page may show figures computed up to ``selectors.report_cache_seconds()`` ago (it
    says when, with a link to compute them again: ``?fresh=1``); the exports always
    compute afresh, and keep what they computed for the page (decision 0039)."""
    if not selectors.may_view(request.user):
        raise Http404
    form = bind_query(request.user, request.GET)
    if not form.is_valid():
        return form, None
    q = form.cleaned_data
    rows, computed_at = selectors.evaluate_cached(
        q["practice"], q["territory"], q["start"], q["end"], fresh=fresh)
    report = Report(
        practice_label=str(Practice(q["practice"]).label),
        territory_label=selectors.territory_label(q["territory"]),
        start=q["start"], end=q["end"], rows=rows, generated_at=computed_at)
    return form, report


def _invalid(request, form):
    return render(request, TEMPLATE, {"form": form}, status=400)


def _charts(form):
    q = form.cleaned_data
    return [bar_chart(s) for s in selectors.quarterly_series(
        q["practice"], q["territory"], q["end"].year)]


def _log_export(request, form, fmt: str) -> None:
    q = form.cleaned_data
    audit.log_access(user=request.user, kind=AccessKind.EXPORT,
                     obj_repr=f"indicators:{q['practice']}:{fmt}",
                     detail=f"territory={q['territory'].pk} {q['start']:%Y-%m-%d}.."
                            f"{q['end']:%Y-%m-%d}")


def _filename(form, ext: str) -> str:
    q = form.cleaned_data
    return (f"indicators-{q['practice']}-{q['territory'].pk}-"
            f"{q['start']:%Y%m%d}-{q['end']:%Y%m%d}.{ext}")


def _page(request, *, with_charts: bool):
    # The figures computed afresh get their own report scope (``selectors.evaluate``); a
    # page served from the cache opens no transaction at all (decision 0039).
    form, data = _prepare(request, fresh=request.GET.get("fresh") == "1")
    if data is None:
        return _invalid(request, form)
    charts = None
    if with_charts:
        with selectors.report_scope():
            charts = _charts(form)
    q = form.cleaned_data
    return render(request, TEMPLATE, {
        "form": form, "report": data, "charts": charts, "with_charts": with_charts,
        "query": _query_string(q["practice"], q["territory"], q["start"], q["end"]),
        "quick": _quick_choices(q["practice"], q["territory"]),
    })


@login_required
@require_GET
def report(request):
    """The table at once; the quarterly charts follow (``report_charts``), because for the
    region they cost several times the table."""
    return _page(request, with_charts=False)


@login_required
@require_GET
def report_charts(request):
    """The charts by quarter: the fragment for the page's placeholder (htmx), or the whole
    page with the charts for a browser without scripts."""
    if request.headers.get("HX-Request") != "true":
        return _page(request, with_charts=True)
    with selectors.report_scope():
        if not selectors.may_view(request.user):
            raise Http404
        form = bind_query(request.user, request.GET)
        if not form.is_valid():
            return render(request, "indicators/_charts.html", {"error": True}, status=400)
        charts = _charts(form)
    return render(request, "indicators/_charts.html", {
        "charts": charts, "year": form.cleaned_data["end"].year})


@login_required
@require_GET
def report_xlsx_view(request):
    form, data = _prepare(request)
    if data is None:
        return _invalid(request, form)
    _log_export(request, form, "xlsx")
    response = HttpResponse(
        report_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "xlsx")}"'
    return response


@login_required
@require_GET
def report_pdf_view(request):
    with selectors.report_scope():
        form, data = _prepare(request)
        if data is None:
            return _invalid(request, form)
        charts = _charts(form)
    _log_export(request, form, "pdf")
    pdf = render_pdf("indicators/report_pdf.html", {"report": data, "charts": charts})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "pdf")}"'
    return response
