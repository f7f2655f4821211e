"""Every registry page and endpoint against every kind of user: anonymous, no role, the
district specialist of p1's district (IN) and of the next one (OUT), the social agent with
p1 assigned, a partner, the head, the administrator role, an analyst and a psychologist.

Out of scope looks exactly like missing (404); a right the user has nowhere is 403 in the
API and 404 on pages; a refused write changes nothing; nobody sees text of records outside
their scope (see ``berezhno.testing.matrix``). The last tests walk the URL resolver: a new
route without a row here fails the suite.
"""

import pytest
from django.urls import reverse

from berezhno.core.models import AccessLog
from berezhno.people.models import Person
from berezhno.testing.matrix import (
    ADMIN,
    AGENT,
    ANALYST,
    ANON,
    HEAD,
    IN,
    LOGIN,
    NO_ROLE,
    OUT,
    PARTNER,
    PSY,
    SIGNED_IN,
    Case,
    assert_case,
    discover_cases,
    outcomes,
    pdf_upload,
    today,
    uncovered,
)

CARD = {IN, HEAD, PSY, AGENT}  # see p1's card (the agent only name, phone, address)
FULL = {IN, HEAD, PSY}  # see p1's whole record, consents, documents, household
KEEPERS = {IN, HEAD}  # change p1, consents, categories, health, households; merge; delete
CONTACTS = {IN, HEAD, PSY, AGENT}  # may log a contact with p1
DOCUMENTS = {IN, HEAD, PSY}  # may attach documents to p1
REGISTRARS = {IN, OUT, HEAD}  # may register people (OUT only in district 2)
HOUSEHOLD_READERS = {IN, OUT, HEAD, PSY}  # have the household list (OUT sees district 2's)
AUDITORS = {HEAD, ADMIN}
EXPORTERS = {IN, OUT, HEAD}  # hold the "export" right of persons and cases


def ui(name, allowed, ok=200, **kw) -> Case:
    """A page: anonymous goes to the login page, the rest of the refused get 404."""
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, extra=extra), **kw)


def api(name, allowed, ok=200, *, denied=404, practice_bound=False, **kw) -> Case:
    """An endpoint: anonymous gets 403, out of scope 404 (``denied``)."""
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, denied=denied, anon=403, extra=extra,
                               practice_bound=practice_bound), body="json", **kw)


def creating(name, allowed, ok, *, scoped_out=(), **kw) -> Case:
    """A create endpoint: 403 without the right anywhere; 400 for those who have the right
    elsewhere but name a record of p1's district (the same answer as for a missing id)."""
    extra = {**dict.fromkeys(scoped_out, 400), **kw.pop("extra", {})}
    return api(name, allowed, ok, denied=403, extra=extra, **kw)


def edit_person(s):
    p = s.p1
    return {"surname": "Иванова", "name": p.name, "patronymic": p.patronymic, "sex": p.sex,
            "birth_date": p.birth_date.isoformat(), "territory": p.territory_id,
            "settlement": p.settlement_id or "", "version": s.version("p1")}


NEW_CONSENT = {"purpose": "notifications", "valid_from": "2026-01-10",
               "subject_address": "г. Называевск, ул. Ленина, 5",
               "subject_document": "паспорт 5200 123456", "data_list": "ФИО, телефон"}

UI_CASES = [
    ui("core:home", SIGNED_IN),
    ui("core:audit", AUDITORS),
    ui("core:audit", AUDITORS, query={"view": "changes"}, label="changes"),
    # Pickers (core.pickers): every signed-in user may search, each within their own scope.
    ui("core:pick", SIGNED_IN, method="post", args=(lambda s: "person",), writes=False,
       data={"q": "Семён", "field": "person", "back": "/audit/"}),
    ui("core:pick", SIGNED_IN, method="post", args=(lambda s: "user",), writes=False,
       data={"q": "Бел", "field": "user", "back": "/audit/"}, label="user"),
    # Register exports: for those with the right to export persons, each their own scope
    # (OUT gets district 2's people); filters in the POST body; a read, not a write.
    ui("core:export", EXPORTERS, method="post", args=(lambda s: "persons", lambda s: "xlsx"),
       writes=False),
    ui("core:export", EXPORTERS, method="post", args=(lambda s: "cases", lambda s: "csv"),
       writes=False, label="cases"),
    Case("accounts:login", outcomes(set(), 200, denied=302, anon=200)),
    Case("accounts:login", outcomes(set(), 200, denied=302, anon=200), method="post",
         data={"username": "spec1", "password": "wrong"}, writes=False),
    Case("accounts:logout", outcomes(set(), 405, denied=405, anon=405), label="get"),
    Case("accounts:logout", outcomes(set(), LOGIN, denied=LOGIN), method="post",
         writes=False),
    ui("accounts:profile", SIGNED_IN),
    ui("accounts:profile", SIGNED_IN, method="post", audited=False),  # issues an API token
    Case("territories:directory", outcomes(set(), 200, denied=200, anon=200),
         query={"q": "ленина"}),
    Case("javascript-catalog", outcomes(set(), 200, denied=200, anon=200)),
    # the registry
    ui("people:list", SIGNED_IN),
    # Searches are POSTed (decision 0017); a term in the address is sent away, unrun.
    ui("people:list", SIGNED_IN, method="post", data={"q": "8 913 123-45-67"},
       writes=False, label="by phone"),
    Case("people:list", outcomes(set(), 303, denied=303, anon=303),
         query={"q": "8 913 123-45-67"}, label="term in the address"),
    ui("people:create", REGISTRARS),
    ui("people:create", {IN, HEAD}, 302, method="post", extra={OUT: 400},
       data=lambda s: {"surname": "Новикова", "name": "Ия", "sex": "f",
                       "territory": s.pk("d1")}),
    ui("people:unidentified_create", REGISTRARS),
    ui("people:unidentified_create", {IN, HEAD}, 302, method="post", extra={OUT: 400},
       data=lambda s: {"nickname": "Седой", "appearance": "высокий, в сером пальто",
                       "sex": "u", "territory": s.pk("d1"), "legal_basis": "signal"}),
    ui("people:person", CARD, args=("p1",)),
    ui("people:timeline", FULL, args=("p1",)),
    ui("people:edit", KEEPERS, args=("p1",)),
    ui("people:edit", KEEPERS, 302, method="post", args=("p1",), data=edit_person),
    ui("people:contact_add", CONTACTS, 302, method="post", args=("p1",),
       data={"channel": "call", "purpose": "information", "occurred_at": "2026-01-15T10:00"}),
    ui("people:consent_add", KEEPERS, args=("p1",)),
    ui("people:consent_add", KEEPERS, 302, method="post", args=("p1",), data=NEW_CONSENT),
    ui("people:consent_withdraw", KEEPERS, args=("p1", "consent")),
    ui("people:consent_withdraw", KEEPERS, 302, method="post", args=("p1", "consent"),
       data=lambda s: {"date": today(), "reason": "Письменное заявление"}),
    ui("people:consent_pdf", FULL, args=("p1", "consent")),
    ui("people:consent_channels", KEEPERS, args=("p1", "consent")),
    ui("people:consent_channels", KEEPERS, 302, method="post", args=("p1", "consent"),
       data=lambda s: {"version": s.version("consent"), "by_sms": "on",
                       "contact_phone": "+79130000001"}),
    ui("people:category_add", KEEPERS, args=("p1",)),
    ui("people:category_add", KEEPERS, 302, method="post", args=("p1",),
       data={"category": "large_family", "start_date": "2026-01-10"}),
    ui("people:category_end", KEEPERS, args=("p1", "category")),
    ui("people:category_end", KEEPERS, 302, method="post", args=("p1", "category"),
       data=lambda s: {"end_date": today()}),
    ui("people:sensitive_edit", KEEPERS, args=("p1",)),
    ui("people:sensitive_edit", KEEPERS, 302, method="post", args=("p1",),
       data=lambda s: {"version": s.version("sensitive"), "disability_group": "3",
                       "health_notes": "Наблюдается у эндокринолога"}),
    ui("people:document_add", DOCUMENTS, args=("p1",)),
    ui("people:document_add", DOCUMENTS, 302, method="post", args=("p1",),
       data=lambda s: {"doc_type": "application", "title": "Справка", "file": pdf_upload()}),
    ui("people:document_download", FULL, args=("p1", "document")),
    ui("people:document_download", KEEPERS, args=("p1", "sensitive_doc"), label="health"),
    ui("people:document_delete", KEEPERS, args=("p1", "document")),
    ui("people:document_delete", KEEPERS, 302, method="post", args=("p1", "document"),
       data={"reason": "прикреплён по ошибке"}),
    ui("people:status", KEEPERS, args=("p1",)),
    ui("people:status", KEEPERS, 302, method="post", args=("p1",),
       data=lambda s: {"version": s.version("p1"), "status": "moved_out", "date": today(),
                       "reason": "переезд"}),
    ui("people:restore", KEEPERS, args=("gone",)),
    ui("people:restore", KEEPERS, 302, method="post", args=("gone",),
       data={"reason": "вернулась"}),
    ui("people:merge", KEEPERS, args=("p1",)),
    ui("people:merge", KEEPERS, 302, method="post", args=("p1",),
       data=lambda s: {"other": s.pk("duplicate"), "reason": "дубль", "confirm": "1"}),
    ui("people:unmerge", KEEPERS, 302, method="post", args=("p1", "merge")),
    ui("people:household_create", KEEPERS, args=("free",)),
    ui("people:household_create", KEEPERS, 302, method="post", args=("free",),
       data={"name": "Семья Громовых"}),
    # Requests to share or transfer a record (decision 0019): district 2 asked for p1's.
    ui("people:share_requests", REGISTRARS),
    ui("people:share_request", {IN, OUT, HEAD, PSY}, args=("share",)),
    ui("people:share_request", {OUT}, 302, method="post", args=("share",), label="edit",
       data=lambda s: {"do": "edit", "edit-kind": "transfer", "edit-reason": "Семья переехала",
                       "edit-version": s.version("share")}),
    ui("people:share_request", KEEPERS, 302, method="post", args=("share",),
       data=lambda s: {"do": "approve", "decision-comment": "",
                       "decision-version": s.version("share")}),
    ui("people:household_list", HOUSEHOLD_READERS),
    ui("people:household_list", HOUSEHOLD_READERS, method="post", data={"q": "семёнова"},
       writes=False, label="search"),
    Case("people:household_list", outcomes(set(), 303, denied=303, anon=303),
         query={"q": "семёнова"}, label="term in the address"),
    ui("people:household", FULL, args=("household",)),
    ui("people:household_edit", KEEPERS, args=("household",)),
    ui("people:household_edit", KEEPERS, 302, method="post", args=("household",),
       data=lambda s: {"name": "Дом на Ленина", "version": s.version("household")}),
    ui("people:household_member_add", KEEPERS, 302, method="post", args=("household",),
       data=lambda s: {"person": s.pk("free"), "relation": "other"}),
    ui("people:household_member_remove", KEEPERS, 302, method="post",
       args=("household", "member")),
]

API_CASES = [
    Case("api-schema", outcomes(set(), 200, denied=200, anon=200)),  # public, no data
    Case("api-docs", outcomes(set(), 200, denied=200, anon=200)),
    Case("api-swagger", outcomes(set(), 200, denied=200, anon=200)),
    Case("api-directory", outcomes(set(), 200, denied=200, anon=200), query={"q": "ленина"}),
    # persons
    api("person-list", SIGNED_IN),
    api("person-list", SIGNED_IN, 400, denied=400, query={"q": "Семёнова"},
        label="term in the address"),
    api("person-search", SIGNED_IN, method="post", data={"q": "Семёнова"}, writes=False),
    creating("person-list", {IN, HEAD}, 201, method="post", scoped_out={OUT},
             data=lambda s: {"surname": "Новикова", "name": "Ия", "territory": s.pk("d1")}),
    api("person-duplicates", SIGNED_IN, method="post", writes=False,
        data={"surname": "Семёнова", "name": "Алёна", "snils": "112-233-445 95"}),
    api("person-detail", CARD, args=("p1",)),
    api("person-detail", KEEPERS, method="patch", args=("p1",),
        data=lambda s: {"patronymic": "Ильинична", "version": s.version("p1")}),
    api("person-detail", set(), denied=405, method="put", args=("p1",),
        data=lambda s: {"surname": "Иванова", "version": s.version("p1")}),
    api("person-timeline", FULL, args=("p1",)),
    api("person-health", KEEPERS, args=("p1",)),
    api("person-health", KEEPERS, method="put", args=("p1",),
        data=lambda s: {"health_notes": "Наблюдается у эндокринолога",
                        "version": s.version("sensitive")}),
    api("person-merge", KEEPERS, 201, method="post", args=("p1",),
        data=lambda s: {"source": s.pk("duplicate"), "reason": "дубль"}),
    api("person-unmerge", KEEPERS, method="post", args=("p1",),
        data=lambda s: {"merge": s.pk("merge")}),
    api("person-set-status", KEEPERS, method="post", args=("p1",),
        data=lambda s: {"status": "deceased", "reason": "свидетельство о смерти",
                        "version": s.version("p1")}),
    api("person-restore", KEEPERS, method="post", args=("gone",),
        data={"reason": "вернулась"}),
    # categories, consents, contacts, documents
    api("category-list", SIGNED_IN),
    creating("category-list", KEEPERS, 201, method="post", scoped_out={OUT},
             data=lambda s: {"person": s.pk("p1"), "category": "large_family",
                             "start_date": "2026-01-10"}),
    api("category-detail", FULL, args=("category",)),
    api("category-end", KEEPERS, method="post", args=("category",),
        data=lambda s: {"end_date": today()}),
    api("consent-list", SIGNED_IN),
    creating("consent-list", KEEPERS, 201, method="post", scoped_out={OUT},
             data=lambda s: {"person": s.pk("p1"), **NEW_CONSENT}),
    api("consent-detail", FULL, args=("consent",)),
    api("consent-pdf", FULL, args=("consent",)),
    api("consent-withdraw", KEEPERS, method="post", args=("consent",),
        data={"reason": "Письменное заявление"}),
    api("consent-channels", KEEPERS, method="post", args=("consent",),
        data=lambda s: {"version": s.version("consent"), "by_email": True,
                        "contact_email": "ivanova@example.org"}),
    api("contact-list", SIGNED_IN),
    creating("contact-list", CONTACTS, 201, method="post", scoped_out={OUT},
             data=lambda s: {"person": s.pk("p1"), "channel": "call",
                             "purpose": "information"}),
    api("contact-detail", FULL, args=("contact",)),
    api("document-list", SIGNED_IN),
    Case("document-list", outcomes(DOCUMENTS, 201, denied=403, anon=403, extra={OUT: 400}),
         method="post", data=lambda s: {"person": s.pk("p1"), "doc_type": "application",
                                        "file": pdf_upload()}),
    api("document-detail", FULL, args=("document",)),
    api("document-detail", KEEPERS, args=("sensitive_doc",), label="health"),
    api("document-download", FULL, args=("document",)),
    api("document-download", KEEPERS, args=("sensitive_doc",), label="health"),
    api("document-delete", KEEPERS, 204, method="post", args=("document",),
        data={"reason": "прикреплён по ошибке"}),
    # households
    api("household-list", SIGNED_IN),
    creating("household-list", KEEPERS, 201, method="post", scoped_out={OUT},
             data=lambda s: {"head": s.pk("free"), "name": "Семья Громовых"}),
    api("household-detail", FULL, args=("household",)),
    api("household-detail", KEEPERS, method="patch", args=("household",),
        data=lambda s: {"name": "Дом на Ленина", "version": s.version("household")}),
    api("household-add-member", KEEPERS, 201, method="post", args=("household",),
        data=lambda s: {"person": s.pk("free"), "relation": "other"}),
    api("household-remove-member", KEEPERS, method="post", args=("household",),
        data=lambda s: {"member": s.pk("member")}),
    # Requests to share or transfer a record (decision 0019): those who register or change
    # persons; the holder decides (the requester OUT gets 403 from the service).
    api("share-request-list", REGISTRARS, denied=403),
    api("share-request-list", REGISTRARS, denied=403, query={"direction": "incoming"},
        label="incoming"),
    api("share-request-detail", REGISTRARS, denied=403, args=("share",)),
    api("share-request-approve", KEEPERS, denied=403, method="post", args=("share",),
        data=lambda s: {"version": s.version("share")}),
    api("share-request-refuse", KEEPERS, denied=403, method="post", args=("share",),
        data=lambda s: {"comment": "Не тот человек", "version": s.version("share")}),
    api("share-request-revoke", set(), denied=403, method="post", args=("share",),
        data=lambda s: {"comment": "Переехала обратно", "version": s.version("share")},
        extra={IN: 400, HEAD: 400}),  # still pending
    # The requester's edit (as on the page); the holder may read it, not change it.
    api("share-request-detail", {OUT}, denied=403, method="patch", args=("share",),
        data=lambda s: {"kind": "transfer", "reason": "Семья переехала",
                        "version": s.version("share")}, label="edit"),
    # the audit journals
    api("access-log-list", AUDITORS, denied=403),
    api("change-log-list", AUDITORS, denied=403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", UI_CASES, ids=[c.id for c in UI_CASES])
def test_ui_matrix(scene, case):
    assert_case(case, scene)


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_api_matrix(scene, case):
    assert_case(case, scene)


def test_every_route_and_endpoint_is_in_a_matrix():
    """A new page or endpoint cannot be added without saying who gets what: the rows of
    every app's matrix modules (``discover_cases``) must cover every route."""
    found = discover_cases()
    missing = uncovered(found)
    assert not missing, "Routes without a permission-matrix row:\n" + "\n".join(missing)
    # The discovery sees every app's matrix, not only this one.
    assert {c.name for c in found} >= {"case-list", "sop-list", "role-assignment-list",
                                        "indicators:report", "person-list"}


def test_the_coverage_check_sees_every_kind_of_route():
    """The walker finds pages, DRF endpoints with their methods and unnamed admin routes, so
    that leaving one out of the tables is noticed."""
    without = [c for c in UI_CASES + API_CASES
               if c.key not in {("people:merge", "GET"), ("person-health", "PUT")}]
    missing = uncovered(without)
    assert "people:merge" not in missing  # the POST row still covers the page
    assert "person-health PUT" in missing
    assert "admin/(?P<url>.*)$" in missing
    assert "user-list POST" in missing


# ------------------------------------------------------------------------ specific checks


def _client(client, world, role):
    if role != ANON:
        client.force_login(world.user(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role,visible", [(IN, {"p1"}), (OUT, {"p2"}), (HEAD, {"p1", "p2"}),
                                          (AGENT, {"p1"}), (PARTNER, set()), (ADMIN, set()),
                                          (NO_ROLE, set()), (ANALYST, set()),
                                          (PSY, {"p1", "p2"})])
def test_lists_show_only_scope(client, world, role, visible):
    _client(client, world, role)
    api = client.get(reverse("person-list")).json()
    ids = {r["id"] for r in api["results"]}
    expected = {getattr(world, k).pk for k in visible}
    assert ids == expected
    ui = client.get(reverse("people:list"))
    if ui.status_code == 200:
        body = ui.content.decode()
        for key in ("p1", "p2", "p3"):
            assert (f"/people/{getattr(world, key).pk}/\"" in body) == (key in visible)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["category-list", "consent-list", "contact-list",
                                      "document-list", "household-list"])
def test_api_lists_show_only_scope(client, scene, endpoint):
    """Each list holds p1's records for IN and nothing of them for OUT, the agent, the
    administrator; the psychologist has no health documents."""
    for role, sees in [(IN, True), (HEAD, True), (OUT, False), (AGENT, False),
                       (ADMIN, False), (NO_ROLE, False)]:
        client.force_login(scene.users[role])
        rows = client.get(reverse(endpoint)).json()["results"]
        mine = [r for r in rows if r.get("person") == scene.pk("p1")
                or any(m["person"] == scene.pk("p1") for m in r.get("members", []))]
        assert bool(mine) == sees, (role, endpoint)
    client.force_login(scene.users[PSY])
    docs = client.get(reverse("document-list")).json()["results"]
    assert {d["id"] for d in docs} == {scene.pk("document")}


@pytest.mark.django_db
def test_agent_sees_minimal_fields_only(client, world):
    client.force_login(world.user(AGENT))
    data = client.get(reverse("person-detail", args=[world.p1.pk])).json()
    assert set(data) == {"id", "full_name", "surname", "name", "patronymic", "phone",
                         "actual_address"}
    page = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert "112-233-445 95" not in page
    assert "Согласия на обработку" not in page


@pytest.mark.django_db
def test_card_view_is_logged_and_out_of_scope_is_not(client, world):
    client.force_login(world.user(IN))
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.get(reverse("people:person", args=[world.p2.pk]))
    logs = list(AccessLog.objects.filter(kind="view_card").values_list("person_id", "user_id"))
    assert logs == [(world.p1.pk, world.user(IN).pk)]


@pytest.mark.django_db
def test_health_reads_are_logged_for_whoever_may_read_them(client, scene):
    client.force_login(scene.users[HEAD])
    assert client.get(reverse("person-health", args=[scene.pk("p1")])).status_code == 200
    client.force_login(scene.users[PSY])
    assert client.get(reverse("person-health", args=[scene.pk("p1")])).status_code == 404
    page = client.get(reverse("people:person", args=[scene.pk("p1")])).content.decode()
    assert "Сахарный диабет" not in page
    reads = AccessLog.objects.filter(kind="view_sensitive", person_id=scene.pk("p1"))
    assert list(reads.values_list("user_id", flat=True)) == [scene.users[HEAD].pk]


@pytest.mark.django_db
def test_writes_out_of_scope_change_nothing(client, world):
    client.force_login(world.user(OUT))
    before = world.p1.version
    r = client.post(reverse("people:edit", args=[world.p1.pk]),
                    {"surname": "Взлом", "version": before})
    assert r.status_code == 404
    r = client.patch(reverse("person-detail", args=[world.p1.pk]),
                     {"surname": "Взлом", "version": before}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(reverse("people:contact_add", args=[world.p1.pk]),
                    {"channel": "call", "purpose": "information",
                     "occurred_at": "2026-01-01T10:00"})
    assert r.status_code == 404
    world.p1.refresh_from_db()
    assert world.p1.surname == "Семёнова" and world.p1.version == before
    assert world.p1.contacts.count() == 0


@pytest.mark.django_db
def test_out_of_scope_in_a_payload_looks_like_a_missing_record(client, scene):
    """OUT may register people and add categories in district 2: naming p1 in a payload
    gets exactly the answer a record that does not exist gets."""
    client.force_login(scene.users[OUT])
    url = reverse("category-list")
    body = {"category": "large_family", "start_date": "2026-01-10"}
    hidden = client.post(url, {"person": scene.pk("p1"), **body},
                         content_type="application/json").json()
    missing = client.post(url, {"person": 10**9, **body}, content_type="application/json")
    assert missing.status_code == 400
    assert hidden["fields"]["person"][0].replace(str(scene.pk("p1")), "X") == \
        missing.json()["fields"]["person"][0].replace(str(10**9), "X")


@pytest.mark.django_db
def test_a_right_missing_for_that_person_is_403(client, scene):
    """Someone who may add categories somewhere and sees p1, but may not change p1: the
    service's refusal is a 403 with a Russian message, and nothing is saved."""
    from berezhno.accounts.models import RoleAssignment

    psy = scene.users[PSY]
    RoleAssignment.objects.create(user=psy, role="district_specialist",
                                  territory=scene.world.d2)
    client.force_login(psy)
    count = scene.p1.categories.count()
    r = client.post(reverse("category-list"), {"person": scene.pk("p1"),
                                               "category": "large_family",
                                               "start_date": "2026-01-10"},
                    content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert "нет права" in r.json()["detail"]
    assert scene.p1.categories.count() == count


@pytest.mark.django_db
def test_choice_fields_list_only_scope(client, world):
    client.force_login(world.user(IN))
    body = client.get(reverse("people:create")).content.decode()
    assert "Участок 1" in body
    assert "Участок 2" not in body and "Тара — участок 1" not in body


@pytest.mark.django_db
def test_audit_journal_shows_only_scope(client, scene):
    """The head sees the journal of his municipality; the administrator no personal data."""
    far = scene.p3
    client.force_login(scene.users[IN])
    client.get(reverse("people:person", args=[scene.pk("p1")]))
    client.force_login(scene.users["specialist_far"])
    client.get(reverse("people:person", args=[far.pk]))
    client.force_login(scene.users[HEAD])
    access = client.get(reverse("access-log-list")).json()["results"]
    # p1's card, and the members of p1's household it names (logged as read with it).
    read = {r["person_id"] for r in access}
    assert scene.pk("p1") in read and far.pk not in read
    assert read <= set(Person.objects.restrict(scene.users[HEAD], "view").values_list(
        "pk", flat=True))
    changes = client.get(reverse("change-log-list")).json()["results"]
    assert changes and far.pk not in {r["person_id"] for r in changes}
    client.force_login(scene.users[ADMIN])
    assert client.get(reverse("access-log-list")).json()["results"] == []
    rows = client.get(reverse("change-log-list")).json()["results"]
    assert rows and all(r["person_id"] is None for r in rows)
