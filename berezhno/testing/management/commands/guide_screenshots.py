"""Phone screenshots of the main flows for the Russian user guides (docs/user-guide/images).

Run against a demo server (``make run``, or ``runserver`` on the same database):

    python manage.py guide_screenshots --url http://127.0.0.1:8000 --out docs/user-guide/images

Each shot signs in as a demo user (password ``berezhno-demo``), opens one page of a
record the demo holds (found in this database, as that user would find it) and saves
the first screen of a 390 × 844 phone, what the user sees before scrolling. A
component's shot (``ui-*.png``, for docs/development/ui.md) is of one element of such a
page, found by a CSS selector, after an optional step (say, submitting an empty form to
show the error summary). Needs Playwright and the system Chromium (development
dependencies).
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from berezhno.testing.management.commands.load_demo import DEMO_PASSWORD


@dataclass(frozen=True)
class Shot:
    name: str
    user: str
    path: object  # a path, or a callable returning one (None: nothing to show)
    full_page: bool = False
    selector: str = ""  # a component's shot: the first element matching it
    before: object = None  # a callable taking the page, run before the shot


def _open_filters(page) -> None:
    """Unfold the list's filter panel (folded at phone width, decision 0036)."""
    summary = page.locator("details.filters:not([open]) > summary")
    if summary.count():
        summary.first.click()


def _submit_empty(page) -> None:
    """Submit the page's main form as it is (for the error summary's shot)."""
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _person_of(username: str) -> str | None:
    from berezhno.accounts.models import User
    from berezhno.people.selectors import person_queryset

    person = person_queryset(User.objects.get(username=username)).order_by("id").first()
    return reverse("people:person", args=[person.pk]) if person else None


def _case_of(username: str, **filters) -> str | None:
    from berezhno.accounts.models import User
    from berezhno.cases.selectors import case_queryset

    case = case_queryset(User.objects.get(username=username)).filter(**filters).order_by(
        "id").first()
    return reverse("cases:case", args=[case.pk]) if case else None


def _sop_letters(username: str) -> str | None:
    from berezhno.sop.models import SopRecord

    record = SopRecord.objects.exclude(kdn_notice_number="").order_by("id").first()
    return reverse("sop:letters", args=[record.pk]) if record else None


SHOTS = (
    Shot("flow-register-360.png", "specialist1", "/people/new/"),
    Shot("flow-person-card-360.png", "specialist1", lambda: _person_of("specialist1")),
    Shot("flow-people-360.png", "specialist1", "/people/"),
    Shot("flow-cases-360.png", "dispatcher", "/cases/"),
    Shot("flow-case-card-360.png", "dispatcher",
         lambda: _case_of("dispatcher", status="in_progress")),
    Shot("flow-board-360.png", "dispatcher", "/cases/board/"),
    Shot("flow-sop-letters-360.png", "dispatcher", lambda: _sop_letters("dispatcher")),
    Shot("flow-partner-inbox-360.png", "partner", "/cases/referrals/"),
    Shot("flow-activities-360.png", "psychologist", "/cases/worklist/"),
    Shot("flow-indicators-360.png", "analyst", "/indicators/"),
    Shot("flow-audit-360.png", "head", "/audit/"),
    # The interface's components (docs/development/ui.md), each on a page that uses it.
    Shot("ui-home-card.png", "specialist1", "/", selector="section.home-card"),
    Shot("ui-table-cards.png", "specialist1", "/people/", selector="main table tbody tr"),
    Shot("ui-error-summary.png", "specialist1", "/people/new/", selector=".error-summary",
         before=_submit_empty),
    Shot("ui-picker.png", "head", "/audit/", selector=".picker", before=_open_filters),
    Shot("ui-breadcrumbs.png", "dispatcher", lambda: _case_of("dispatcher", status="in_progress"),
         selector="nav.breadcrumbs"),
    Shot("ui-action-bar.png", "dispatcher", lambda: _case_of("dispatcher", status="intake"),
         selector=".action-bar"),
    Shot("ui-filters.png", "dispatcher", "/cases/", selector="form.filter-form"),
    Shot("ui-empty.png", "specialist1", "/jobs/", selector=".empty"),
    Shot("ui-pager.png", "head", "/audit/", selector=".pager"),
    Shot("ui-map.png", "specialist1", "/find-specialist/", selector="figure.map-figure"),
    Shot("ui-pick-map.png", "specialist1", "/people/new/", selector="figure.map-figure"),
)


class Command(BaseCommand):
    help = "Phone screenshots of the main flows for the user guides (a demo server needed)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default="docs/user-guide/images")
        parser.add_argument("--only", default="", help="a part of the shots' names")

    def handle(self, *args, url, out, only, **options):
        from playwright.sync_api import sync_playwright

        from berezhno.testing.browser import sign_in
        from berezhno.testing.chromium import chromium_path

        executable = chromium_path()
        if executable is None:
            raise CommandError("нет Chromium: установите пакет chromium")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        # The records are looked up before Playwright starts: its event loop would make
        # Django refuse the ORM in this thread.
        paths = {shot.name: shot.path() if callable(shot.path) else shot.path
                 for shot in SHOTS if not only or only in shot.name}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable,
                                         args=["--no-sandbox", "--disable-gpu"])
            try:
                for shot in SHOTS:
                    if shot.name not in paths:
                        continue
                    path = paths[shot.name]
                    if path is None:
                        self.stderr.write(f"{shot.name}: nothing in the demo to show")
                        continue
                    context = browser.new_context(
                        base_url=url, locale="ru-RU", viewport={"width": 390, "height": 844},
                        device_scale_factor=1)
                    page = context.new_page()
                    sign_in(page, shot.user, DEMO_PASSWORD)
                    response = page.goto(str(path))
                    if response is None or response.status != 200:
                        raise CommandError(f"{shot.name}: {path} answered "
                                           f"{response.status if response else '—'}")
                    if shot.before is not None:
                        shot.before(page)  # type: ignore[operator]
                    if shot.selector:
                        page.wait_for_timeout(300)  # a map's script draws after load
                        page.locator(shot.selector).first.screenshot(
                            path=str(folder / shot.name))
                    else:
                        page.screenshot(path=str(folder / shot.name),
                                        full_page=shot.full_page)
                    context.close()
                    self.stdout.write(f"{folder / shot.name}: {shot.user} {path}")
            finally:
                browser.close()
