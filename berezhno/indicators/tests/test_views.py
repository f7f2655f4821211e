"""The indicators page and its exports, as the users see them."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from berezhno.core.context import acting_as
from berezhno.core.models import AccessKind, AccessLog
from berezhno.core.workdays import local_today
from berezhno.indicators import periods
from berezhno.indicators.exports import safe_text
from berezhno.territories import services as territories
from berezhno.territories.choices import Level

pytestmark = [pytest.mark.django_db, pytest.mark.urls("berezhno.indicators.tests.urls")]

Q1 = {"practice": "family_dispatch", "start": "2026-01-01", "end": "2026-03-31"}
# Names of the people behind the numbers: none may appear anywhere.
PERSONAL = ("Иванова", "Кузьмина", "Тарасова", "Смирнов", "Орлова", "Семёнова", "Дарья")


def text(response) -> str:
    """The page's visible text, tags stripped and spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(svg|title)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")


def cells(response, code: str) -> list[str]:
    """The cells of an indicator's row, as text."""
    body = response.content.decode()
    found = re.search(rf'<tr id="{code}">(.*?)</tr>', body, flags=re.S)
    assert found, code
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).replace("\u00a0", " ").strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), flags=re.S)]


def no_personal_data(content: str) -> None:
    for name in PERSONAL:
        assert name not in content, name


def test_the_analyst_of_the_region_sees_the_numbers(world, families, client):
    client.force_login(world.user("analyst"))
    r = client.get(reverse("indicators:report"), {**Q1, "territory": world.region.pk})
    assert r.status_code == 200
    page = text(r)
    assert "Показатели практики «Семейная диспетчерская»" in page
    assert "Омская область · период 01.01.2026 – 31.03.2026" in page
    assert cells(r, "fd_families_helped")[:3] == [
        "Семьи с детьми целевой группы, получившие помощь", "2", "—"]
    assert cells(r, "fd_children")[1] == "4"
    assert cells(r, "fd_families_on_support")[1] == "2"
    share = cells(r, "fd_improvement_share")
    assert share[1] == "0 %"
    assert share[2] == "0 / 1 семей отметили улучшение / семей с закрытым случаем"
    coverage = cells(r, "fd_settlement_coverage")
    assert coverage[1] == "0 из 1 (0 %)" and coverage[2].startswith("0 / 1")
    # The definition is shown beside the number.
    assert "выбывшую семью опросить нельзя" in share[3]
    assert "моложе 18 лет на последний день периода" in cells(r, "fd_families_helped")[3]
    # The charts follow the table: the page holds a placeholder that loads them (htmx),
    # with a plain link for a browser without scripts.
    body = r.content.decode()
    assert "<svg" not in body and "По кварталам 2026 года" in page
    charts_url = (f'{reverse("indicators:charts")}?practice=family_dispatch&amp;'
                  f'territory={world.region.pk}&amp;start=2026-01-01&amp;end=2026-03-31')
    assert f'hx-get="{charts_url}"' in body and f'href="{charts_url}"' in body
    params = {**Q1, "territory": world.region.pk}
    fragment = client.get(reverse("indicators:charts"), params, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    # The chart: inline SVG, one per count indicator, quarters of 2026; no script at all.
    chart = fragment.content.decode()
    assert chart.count("<svg") == 3 and "<html" not in chart
    assert "По кварталам 2026 года" in chart
    assert re.search(r"I кв\.: 2; II кв\.: 4; III кв\.: 0; IV кв\.: 0", chart)
    assert "<script>" not in chart and " style=" not in chart
    no_personal_data(chart)
    whole = client.get(reverse("indicators:charts"), params)
    assert whole.status_code == 200 and whole.content.decode().count("<svg") == 3
    assert cells(whole, "fd_families_helped")[1] == "2"
    bad = client.get(reverse("indicators:charts"), {**params, "end": "2025-01-01"},
                     HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "Проверьте условия отчёта" in bad.content.decode()
    # Exports of the same query.
    query = f"practice=family_dispatch&amp;territory={world.region.pk}&amp;start=2026-01-01"
    assert f'{reverse("indicators:xlsx")}?{query}' in body
    no_personal_data(body)


def test_the_page_is_a_fixed_number_of_queries(world, builder, client):
    from .conftest import D

    client.force_login(world.user("analyst"))
    params = {**Q1, "territory": world.region.pk, "fresh": "1"}
    with CaptureQueriesContext(connection) as empty:
        assert client.get(reverse("indicators:report"), params).status_code == 200
    for n, surname in enumerate(("Волкова", "Белова", "Новикова")):
        head, household = builder.family(surname, world.d1, world.town, children=[D(2015, 1, 1)])
        case = builder.open(f"V{n}", head, household, received=D(2026, 1, 5))
        builder.urgent(case, D(2026, 2, 2))
    with CaptureQueriesContext(connection) as full:
        r = client.get(reverse("indicators:report"), params)
    assert cells(r, "fd_families_helped")[1] == "3"
    assert len(full.captured_queries) == len(empty.captured_queries)


def test_the_figures_are_kept_and_computed_again_on_request(world, builder, client, settings):
    """Decision 0039: the page's figures are kept for BEREZHNO_REPORT_CACHE_SECONDS, say
    when they were computed, and «Пересчитать сейчас» (fresh=1) computes them again; the
    exports always compute afresh."""
    from .conftest import D

    settings.BEREZHNO_REPORT_CACHE_SECONDS = 600
    client.force_login(world.user("analyst"))
    params = {**Q1, "territory": world.region.pk}
    with CaptureQueriesContext(connection) as first:
        r = client.get(reverse("indicators:report"), params)
    assert cells(r, "fd_families_helped")[1] == "0"
    body = r.content.decode()
    assert "Рассчитано " in body and "fresh=1" in body
    head, household = builder.family("Волкова", world.d1, world.town, children=[D(2015, 1, 1)])
    builder.urgent(builder.open("V0", head, household, received=D(2026, 1, 5)), D(2026, 2, 2))
    with CaptureQueriesContext(connection) as kept:
        r = client.get(reverse("indicators:report"), params)
    assert cells(r, "fd_families_helped")[1] == "0"  # the kept figures
    assert len(kept.captured_queries) < len(first.captured_queries)
    # Another node or period is another entry.
    other = client.get(reverse("indicators:report"), {**params, "territory": world.mun.pk})
    assert cells(other, "fd_families_helped")[1] == "1"
    # Computed again on request, and kept so.
    assert cells(client.get(reverse("indicators:report"), {**params, "fresh": "1"}),
                 "fd_families_helped")[1] == "1"
    assert cells(client.get(reverse("indicators:report"), params),
                 "fd_families_helped")[1] == "1"
    # Turned off: every page computes.
    settings.BEREZHNO_REPORT_CACHE_SECONDS = 0
    builder.urgent(builder.open("V1", *builder.family("Белова", world.d1, world.town,
                                                       children=[D(2015, 1, 1)]),
                                received=D(2026, 1, 6)), D(2026, 2, 3))
    r = client.get(reverse("indicators:report"), {**params, "territory": world.mun.pk})
    assert cells(r, "fd_families_helped")[1] == "2"


def test_defaults_are_the_current_quarter_and_the_top_node(world, client):
    client.force_login(world.user("head"))
    r = client.get(reverse("indicators:report"))
    assert r.status_code == 200
    quarter = periods.this_quarter(local_today(world.mun))
    body = r.content.decode()
    assert f'value="{quarter.start.isoformat()}"' in body
    assert f'value="{quarter.end.isoformat()}"' in body
    assert re.search(rf'<option value="{world.mun.pk}" selected>', body)
    assert cells(r, "fd_families_helped")[1] == "0"
    # Quick choices: this quarter, last quarter, this year.
    last = periods.last_quarter(local_today(world.mun))
    assert f"start={last.start.isoformat()}&amp;end={last.end.isoformat()}" in body
    assert "Текущий квартал" in body and "Текущий год" in body


def test_the_chooser_lists_only_the_scope(world, client):
    client.force_login(world.user("specialist_far"))
    r = client.get(reverse("indicators:report"))
    options = re.findall(r'<option value="(\d+)"', r.content.decode())
    assert options == [str(world.d3.pk)]
    client.force_login(world.user("head"))
    r = client.get(reverse("indicators:report"))
    options = {int(x) for x in re.findall(r'<option value="(\d+)"', r.content.decode())}
    assert options == {world.mun.pk, world.pos_town.pk, world.pos_village.pk, world.town.pk,
                       world.village.pk, world.d1.pk, world.d2.pk}


def test_a_district_specialist_of_d3_cannot_pick_d1(world, families, client):
    client.force_login(world.user("specialist_far"))
    for name in ("indicators:report", "indicators:xlsx", "indicators:pdf"):
        r = client.get(reverse(name), {**Q1, "territory": world.d1.pk})
        assert r.status_code == 404, name
        for garbage in ("abc", "-1", "99999999999999999999999", str(world.region.pk)):
            assert client.get(reverse(name), {**Q1, "territory": garbage}).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()
    r = client.get(reverse("indicators:report"), {**Q1, "territory": world.d3.pk})
    assert r.status_code == 200 and cells(r, "fd_families_helped")[1] == "1"


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2026-03-31", "end": "2026-01-01"}, "Дата окончания периода раньше даты начала."),
    ({"start": "31.02.2026", "end": "2026-03-31"}, "Введите правильную дату."),
    ({"start": "2026-01-01", "end": "вчера"}, "Введите правильную дату."),
    ({"start": "2020-01-01", "end": "2026-03-31"}, "Период не может быть длиннее пяти лет."),
    ({"start": "1812-01-01", "end": "1812-03-31"}, "Укажите дату с 2000 по 2099 год."),
    ({"practice": "astrology"}, "Выберите корректный вариант."),
])
def test_bad_input_is_a_400_with_a_russian_message(world, client, params, message):
    client.force_login(world.user("analyst"))
    for name in ("indicators:report", "indicators:xlsx", "indicators:pdf"):
        r = client.get(reverse(name), {**Q1, **params})
        assert r.status_code == 400, name
        assert message in text(r), name
        assert r["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()


def test_five_years_at_most_and_russian_dates(world, client):
    client.force_login(world.user("analyst"))
    r = client.get(reverse("indicators:report"),
                   {**Q1, "start": "2021-01-01", "end": "2025-12-31"})
    assert r.status_code == 200
    assert "период 01.01.2021 – 31.12.2025" in text(r)
    assert "По кварталам 2025 года" in text(r)
    r = client.get(reverse("indicators:report"), {**Q1, "start": "01.01.2026",
                                                  "end": "31.03.2026"})
    assert r.status_code == 200 and "период 01.01.2026 – 31.03.2026" in text(r)


def test_a_practice_without_indicators_yet(world, client):
    client.force_login(world.user("analyst"))
    r = client.get(reverse("indicators:report"), {**Q1, "practice": "patrol"})
    assert r.status_code == 200
    assert "Для этой практики показатели пока не заданы." in text(r)


def test_anonymous_goes_to_the_login_page(client):
    for name in ("indicators:report", "indicators:xlsx", "indicators:pdf"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["partner", "agent", "specialist_psy", "no_role"])
def test_who_may_not_view_indicators_gets_404(world, client, role):
    client.force_login(world.user(role))
    for name in ("indicators:report", "indicators:xlsx", "indicators:pdf"):
        assert client.get(reverse(name), Q1).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_xlsx_holds_the_numbers(world, families, client):
    client.force_login(world.user("head"))
    r = client.get(reverse("indicators:xlsx"), {**Q1, "territory": world.mun.pk,
                                                "end": "2026-06-30"})
    assert r.status_code == 200
    assert r["Content-Disposition"] == (
        f'attachment; filename="indicators-family_dispatch-{world.mun.pk}-20260101-20260630'
        f'.xlsx"')
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Показатели практики «Семейная диспетчерская»"
    header = {row[0]: row[1] for row in rows[1:5]}
    assert header["Практика"] == "Семейная диспетчерская"
    assert header["Территория"] == "Омская область › Называевский район"
    assert header["Период"] == "01.01.2026 – 30.06.2026"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", header["Дата формирования"])
    table = rows[6:]
    assert table[0][:6] == ["Показатель", "Значение", "Единица", "Числитель", "Знаменатель",
                            "Как считается"]
    by_code = {row[6]: row for row in table[1:]}
    # First half of 2026 in the municipality: F1, F4, F6, F8 helped.
    assert by_code["fd_families_helped"][1:5] == [4, "ед.", None, None]
    # F1's child born on 1 May 2008 is an adult by 30 June: F1 2, F4 3, F6 1, F8 1.
    assert by_code["fd_children"][1] == 7
    assert by_code["fd_families_on_support"][1] == 4
    assert by_code["fd_improvement_share"][1:5] == [50, "%", 1, 2]
    assert by_code["fd_settlement_coverage"][1:5] == [0, "%", 0, 1]
    assert "выбывшую семью опросить нельзя" in by_code["fd_improvement_share"][5]
    no_personal_data(repr(rows))
    log = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert log.user == world.user("head") and log.person_id is None
    assert log.object_repr == "indicators:family_dispatch:xlsx"
    assert log.detail == f"territory={world.mun.pk} 2026-01-01..2026-06-30"


def test_xlsx_text_cannot_become_a_formula(world, client):
    assert safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for dangerous in ("+1", "-1", "@SUM(A1)", "\tx"):
        assert safe_text(dangerous) == "'" + dangerous
    assert safe_text("Называевск") == "Называевск"
    with acting_as("test"):
        hostile = territories.territory_create(
            user=world.user("root"), level=Level.REGION, parent=None,
            name="=1+2")
    client.force_login(world.user("root"))
    r = client.get(reverse("indicators:xlsx"), {**Q1, "territory": hostile.pk})
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet["B3"].value == "'=1+2"
    assert sheet["B3"].data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_pdf_report(world, families, client):
    client.force_login(world.user("analyst"))
    r = client.get(reverse("indicators:pdf"), {**Q1, "territory": world.region.pk})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    content = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    content = re.sub(r"\s+", " ", content)
    assert "Показатели практики «Семейная диспетчерская»" in content
    assert "Омская область" in content and "1 января 2026 г. — 31 марта 2026 г." in content
    assert "0 из 1 (0 %)" in content.replace("\u00a0", " ")
    assert "Как считаются показатели" in content
    assert "Руководитель ____" in content
    no_personal_data(content)
    log = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert log.object_repr == "indicators:family_dispatch:pdf" and log.person_id is None
