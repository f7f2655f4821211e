from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "berezhno.people"
    label = "people"
    verbose_name = _("Граждане и семьи")

    def ready(self) -> None:
        from berezhno.core import access, audit, registry
        from berezhno.core.registry import HomePanel, MenuEntry

        from . import events, home, roles  # noqa: F401  (events: registers the event types)
        from .choices import SENSITIVE_DOCUMENT_TYPES
        from .models import (
            Consent,
            Contact,
            Household,
            Person,
            PersonCategory,
            PersonDocument,
            PersonShareRequest,
            SensitiveInfo,
        )

        roles.register_kinds_and_rights()
        access.register_scope(Person, kind=roles.PERSON, territory="territory",
                              grants=[roles.person_grant], persons=["pk"])
        access.register_scope(PersonCategory, kind=roles.PERSON, territory="person__territory",
                              grants=[roles.shared_record_grant(roles.PERSON)],
                              persons=["person"])
        access.register_scope(SensitiveInfo, kind=roles.SENSITIVE,
                              territory="person__territory",
                              grants=[roles.shared_record_grant(roles.SENSITIVE)],
                              persons=["person"])
        access.register_scope(Household, kind=roles.HOUSEHOLD, territory="territory",
                              persons=["members__person"])
        access.register_scope(Consent, kind=roles.CONSENT, territory="person__territory",
                              grants=[roles.shared_record_grant(roles.CONSENT)],
                              persons=["person"])
        access.register_scope(PersonDocument, kind=roles.DOCUMENT,
                              territory="person__territory",
                              grants=[roles.shared_record_grant(roles.DOCUMENT)],
                              persons=["person"])
        # The requests to share or transfer a record: held by the person's territory;
        # journal rows of them are classified as the person's (decision 0016).
        access.register_scope(PersonShareRequest, kind=roles.PERSON,
                              territory="person__territory", persons=["person"])
        access.register_scope(Contact, kind=roles.CONTACT, territory="person__territory",
                              grants=[roles.person_record_grant], persons=["person"])
        audit.register_subject(Person)
        audit.register_sensitive(SensitiveInfo, kind=roles.SENSITIVE)
        audit.register_sensitive(
            PersonDocument, lambda doc: getattr(doc, "doc_type", "") in SENSITIVE_DOCUMENT_TYPES,
            kind=roles.SENSITIVE)

        registry.register_pages("people/", "berezhno.people.urls")
        from .pickers import PERSON
        registry.register_picker(PERSON)
        for prefix, viewset, basename in (
                ("persons", "PersonViewSet", "person"), ("categories", "CategoryViewSet",
                                                         "category"),
                ("consents", "ConsentViewSet", "consent"),
                ("contacts", "ContactViewSet", "contact"),
                ("documents", "DocumentViewSet", "document"),
                ("households", "HouseholdViewSet", "household"),
                ("share-requests", "ShareRequestViewSet", "share-request")):
            registry.register_api_route(prefix, f"berezhno.people.api.{viewset}", basename)

        def allowed(kind, action):
            return lambda u: access.can(u, kind, action)

        registry.register_menu(MenuEntry("people", _("Граждане"), "people:list",
                                         allowed(roles.PERSON, roles.VIEW_MINIMAL), order=10))
        registry.register_menu(MenuEntry("add_person", _("Регистрация"), "people:create",
                                         allowed(roles.PERSON, roles.ADD), order=20))
        registry.register_menu(MenuEntry("unidentified", _("Неустановленное лицо"),
                                         "people:unidentified_create",
                                         allowed(roles.PERSON, roles.ADD), order=25))
        registry.register_menu(MenuEntry("households", _("Семьи"), "people:household_list",
                                         allowed(roles.HOUSEHOLD, roles.VIEW), order=30))
        registry.register_menu(MenuEntry(
            "share_requests", _("Запросы доступа"), "people:share_requests",
            lambda u: access.can(u, roles.PERSON, roles.ADD)
            or access.can(u, roles.PERSON, roles.CHANGE), order=35))
        # Home-page cards, each for the roles whose work it is (decision 0031): a role
        # that may read contacts (a patrol member) is still not shown the district's list.
        card = registry.HOME_CARD
        panel = registry.register_home_panel
        panel(HomePanel("search", "people/_home_search.html", home.search_panel, order=10,
                        roles=("head", "district_specialist", "dispatcher", "specialist",
                               "coordinator", "patrol_member", "patrol_hq"),
                        requires=(roles.PERSON, roles.VIEW_MINIMAL)))
        panel(HomePanel("today", card, home.today_panel, order=30,
                        roles=("district_specialist",), requires=(roles.CONTACT, roles.VIEW)))
        panel(HomePanel("due", card, home.due_panel, order=40,
                        roles=("district_specialist",), requires=(roles.CONTACT, roles.VIEW)))
        panel(HomePanel("registered", card, home.registered_panel, order=5,
                        roles=("patrol_member", "patrol_hq"),
                        requires=(roles.PERSON, roles.ADD)))
        panel(HomePanel("unidentified", card, home.unidentified_panel, order=6,
                        roles=("patrol_member", "patrol_hq"),
                        requires=(roles.PERSON, roles.VIEW_MINIMAL)))
        panel(HomePanel("assigned", card, home.assigned_panel, order=8,
                        roles=("social_agent",), requires=(roles.PERSON, roles.VIEW_MINIMAL)))

        from . import exports
        exports.register()  # its registers as XLSX and CSV (core.exports)
