"""The admin's change forms of versioned records check the version they were read at, like
the API and the pages (decision 0022): a save over a newer version is refused with a
Russian message naming the fields changed since the read and their current values, and
nothing changes — the record, its inline rows, the audit trail, the stored files."""

import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.forms import CheckboxInput
from django.test import Client, RequestFactory
from django.urls import reverse

from berezhno.accounts.models import Agreement, Department, Organisation, RoleAssignment, User
from berezhno.core.admin_base import VERSION_FIELD, VersionCheckedForm, is_versioned
from berezhno.core.models import ObjectChange
from berezhno.territories.models import District

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the browser would post back unchanged: the change form's fields and its inline
    formsets' rows as rendered."""
    data: dict = {}

    def add(form):
        for bound in form:
            value = bound.value()
            widget = bound.field.widget
            if isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                continue
            shown = widget.format_value(value)
            if isinstance(shown, list):
                data[bound.html_name] = [str(v) for v in shown]
            elif shown is not None:
                data[bound.html_name] = str(shown)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            add(form)
    return data


def _admin_client(world) -> Client:
    client = Client()
    client.force_login(world.user("admin"))
    return client


@pytest.fixture
def agreement(world):
    return Agreement.objects.create(organisation=world.partner_org, provider=world.provider,
                                    number="7-С", date=datetime.date(2026, 1, 10),
                                    subject="Обмен сведениями")


def _url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# Each versioned record's change form: (record, field another user changes and its new
# value, the field this user changes and its value, the label and the shown current value
# the conflict names).
CASES = {
    "organisation": (lambda w, a: w.partner_org, ("short_name", "ОМВД"),
                     ("phone", "+73816100000"), "краткое наименование: «ОМВД»"),
    "agreement": (lambda w, a: a, ("subject", "Совместные рейды"), ("number", "8-С"),
                  "предмет соглашения: «Совместные рейды»"),
    "territory": (lambda w, a: w.town, ("population", "12000"), ("name", "Называевск-2"),
                  "численность населения: «12000»"),
    "district": (lambda w, a: District.objects.get(territory=w.d1),
                 ("phone", "+73816121109"), ("order_number", "13-о"),
                 "телефон: «+73816121109»"),
    "role assignment": (lambda w, a: RoleAssignment.objects.get(user=w.user("specialist")),
                        ("territory", lambda w: w.d2.pk), ("valid_until", "31.12.2027"),
                        "территория: «Участок 2»"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_save_over_a_newer_version_is_refused_and_changes_nothing(world, agreement, case):
    get, (their_field, their_value), (my_field, my_value), named = CASES[case]
    record = get(world, agreement)
    url = _url(record)
    mine, theirs = _admin_client(world), _admin_client(world)
    my_form = form_data(mine.get(url))
    assert my_form[VERSION_FIELD] == str(record.version)
    their_form = form_data(theirs.get(url))
    their_form[their_field] = str(their_value(world) if callable(their_value)
                                  else their_value)
    r = theirs.post(url, their_form)
    assert r.status_code == 302, r.context["adminform"].form.errors
    saved = type(record)._default_manager.get(pk=record.pk)
    assert saved.version == record.version + 1
    changes = ObjectChange.objects.count()

    my_form[my_field] = my_value
    r = mine.post(url, my_form)
    assert r.status_code == 200
    errors = " ".join(r.context["adminform"].form.non_field_errors())
    assert "Запись уже изменил другой пользователь" in errors
    assert f"(версия {saved.version}, у вас {record.version})" in errors
    assert named in errors
    assert my_field not in errors  # only what changed since the read is named
    assert "Запись уже изменил другой пользователь" in r.content.decode()
    now = type(record)._default_manager.get(pk=record.pk)
    assert now.version == saved.version
    assert str(getattr(now, my_field)) != my_value
    assert ObjectChange.objects.count() == changes

    # Read again, the same change is saved over the current version.
    again = form_data(mine.get(url))
    again[my_field] = my_value
    r = mine.post(url, again)
    assert r.status_code == 302, r.context["adminform"].form.errors
    assert type(record)._default_manager.get(pk=record.pk).version == saved.version + 1


def test_a_missing_or_malformed_version_is_refused(world):
    client = _admin_client(world)
    url = _url(world.partner_org)
    data = form_data(client.get(url))
    data["phone"] = "+73816100000"
    for value in (None, "", "abc", "-1"):
        crafted = dict(data)
        if value is None:
            crafted.pop(VERSION_FIELD)
        else:
            crafted[VERSION_FIELD] = value
        r = client.post(url, crafted)
        assert r.status_code == 200
        errors = " ".join(r.context["adminform"].form.non_field_errors())
        assert "верси" in errors.lower(), (value, errors)
    assert Organisation.objects.get(pk=world.partner_org.pk).phone != "+73816100000"


def test_an_inline_row_changed_since_the_read_is_refused(world):
    org = world.partner_org
    department = Department.objects.create(organisation=org, name="Отдел участковых")
    url = _url(org)
    mine, theirs = _admin_client(world), _admin_client(world)
    my_form = form_data(mine.get(url))
    their_form = form_data(theirs.get(url))
    row = next(k for k, v in my_form.items() if v == str(department.pk) and k.endswith("-id"))
    prefix = row.removesuffix("-id")
    assert my_form[f"{prefix}-{VERSION_FIELD}"] == str(department.version)
    their_form[f"{prefix}-head_name"] = "Петров П. П."
    assert theirs.post(url, their_form).status_code == 302
    changes, version = ObjectChange.objects.count(), Organisation.objects.get(pk=org.pk).version

    my_form["phone"] = "+73816100000"  # the record itself, unchanged since the read
    r = mine.post(url, my_form)
    assert r.status_code == 200
    text = r.content.decode()
    assert "Запись уже изменил другой пользователь" in text
    assert "«Петров П. П.»" in text
    assert Department.objects.get(pk=department.pk).head_name == "Петров П. П."
    assert Organisation.objects.get(pk=org.pk).version == version
    assert Organisation.objects.get(pk=org.pk).phone != "+73816100000"
    assert ObjectChange.objects.count() == changes


def test_a_refused_scan_is_not_kept(world, agreement, settings):
    from berezhno.testing.matrix import pdf_upload

    url = _url(agreement)
    mine, theirs = _admin_client(world), _admin_client(world)
    my_form = form_data(mine.get(url))
    their_form = form_data(theirs.get(url))
    their_form["subject"] = "Совместные рейды"
    assert theirs.post(url, their_form).status_code == 302
    my_form["file"] = pdf_upload("agreement.pdf")
    r = mine.post(url, my_form)
    assert r.status_code == 200 and "другой пользователь" in r.content.decode()
    agreement.refresh_from_db()
    assert not agreement.file
    root = Path(settings.MEDIA_ROOT)
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def test_every_versioned_admin_form_checks_the_version(world, agreement):
    """A walk of the admin site: every change form and every inline row of a versioned
    model carries the version and checks it, whichever admin registered it."""
    request = RequestFactory().get("/admin/")
    request.user = world.user("root")
    # Records the root may edit (not its own account, whose role rows are read-only).
    instances = {Organisation: world.partner_org, Agreement: agreement,
                 User: world.user("no_role")}
    seen = []
    for model, model_admin in admin.site._registry.items():
        obj = instances.get(model) or model._default_manager.first()
        if is_versioned(model):
            assert obj is not None, model
            form = model_admin.get_form(request, obj, change=True)
            assert issubclass(form, VersionCheckedForm), model
            fields = flatten_fieldsets(model_admin.get_fieldsets(request, obj))
            assert VERSION_FIELD in fields, model
            seen.append(model)
        for inline in model_admin.get_inline_instances(request, obj):
            if is_versioned(inline.model):
                formset = inline.get_formset(request, obj)
                assert issubclass(formset.form, VersionCheckedForm), inline.model
                assert VERSION_FIELD in flatten_fieldsets(inline.get_fieldsets(request, obj))
                seen.append(inline.model)
    assert {Organisation, Agreement, Department, RoleAssignment, District} <= set(seen)
