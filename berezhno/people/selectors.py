"""Every read of persons and households for views and the API, starting from the scope."""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone
from rapidfuzz import fuzz

from berezhno.core import audit, history
from berezhno.core.access import can, territories_in_scope
from berezhno.core.models import AccessKind, DomainEvent
from berezhno.core.querysets import RestrictedQuerySet
from berezhno.core.text import (
    looks_like_phone,
    looks_like_snils,
    normalize_name,
    normalize_phone,
    snils_digits,
)
from berezhno.core.workdays import local_today
from berezhno.people import roles
from berezhno.territories.choices import Level
from berezhno.territories.models import DistrictCoverage, Territory
from berezhno.territories.selectors import home_territory

from .choices import SENIOR, SENSITIVE_DOCUMENT_TYPES, PersonStatus, ShareStatus
from .models import (
    Consent,
    Contact,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    PersonDocument,
    PersonMerge,
    PersonQuerySet,
    PersonShareRequest,
    SensitiveInfo,
)

FUZZY_THRESHOLD = 85


def person_queryset(user, action: str = roles.VIEW) -> PersonQuerySet:
    return Person.objects.restrict(user, action)


def person_get(user, pk, action: str = roles.VIEW_MINIMAL) -> Person:
    """One person within scope, or Person.DoesNotExist (the caller answers 404)."""
    return audit.read(user, person_queryset(user, action).select_related(
        "territory", "settlement").get(pk=pk))


def search_today(user, territory: Territory | None = None) -> datetime.date:
    """The date age rules of a list are judged on: today in the territory filtered on, or
    in the user's first territory (a list spans one region, one time zone as a rule)."""
    return local_today(territory if territory is not None else home_territory(user))


def person_search(user, *, q: str = "", territory: Territory | None = None,
                  category: str = "", status: str = PersonStatus.ACTIVE,
                  special_attention: bool | None = None, no_consent: bool | None = None,
                  unidentified: bool | None = None, registered_by_me: bool | None = None,
                  action: str = roles.VIEW) -> QuerySet:
    """The scoped person list filtered by text (name fragment, СНИЛС, phone) and fields;
    ``registered_by_me``: only (or all but) those the user registered."""
    qs = person_queryset(user, action)
    q = (q or "").strip()
    if q:
        if looks_like_snils(q):
            # Eleven digits may be a СНИЛС or a phone written as 8XXXXXXXXXX: try both.
            condition = Q(snils=snils_digits(q))
            if looks_like_phone(q):
                with contextlib.suppress(ValidationError):  # not a phone after all
                    condition |= Q(phone=normalize_phone(q))
            qs = qs.filter(condition)
        elif looks_like_phone(q):
            try:
                qs = qs.filter(phone=normalize_phone(q))
            except Exception:
                qs = qs.none()
        else:
            for token in normalize_name(q).split(" ")[:4]:
                qs = qs.filter(search_name__contains=token)
    if status:
        qs = qs.filter(status=status)
    if territory is not None:
        qs = qs.filter(territory__in=Territory.objects.filter(path__startswith=territory.path))
    if category == SENIOR:
        qs = qs.seniors(on=search_today(user, territory))
    elif category:
        today = search_today(user, territory)
        qs = qs.filter(pk__in=PersonCategory.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today), category=category,
        ).values("person_id"))
    if special_attention is not None:
        qs = qs.filter(special_attention=special_attention)
    if unidentified is not None:
        qs = qs.filter(is_unidentified=unidentified)
    if registered_by_me is not None:
        qs = qs.filter(created_by=user) if registered_by_me else qs.exclude(created_by=user)
    qs = qs.with_consent_flag()
    if no_consent is not None:
        qs = qs.filter(has_consent=not no_consent)
    return qs.select_related("territory", "settlement").order_by("search_name", "id")


@dataclass
class DuplicateCandidate:
    person: Person
    reasons: list[str] = field(default_factory=list)


def person_find_duplicates(user, *, surname: str = "", name: str = "", patronymic: str = "",
                           birth_date: datetime.date | None = None, snils: str = "",
                           settlement: Territory | None = None,
                           territory: Territory | None = None, exclude_id: int | None = None,
                           limit: int = 10) -> list[DuplicateCandidate]:
    """Likely duplicates within the user's scope: same СНИЛС (11 digits, as stored); same
    name and birth date; a similar name in the same settlement (or territory, without
    one)."""
    base = person_queryset(user, roles.VIEW).exclude(status=PersonStatus.MERGED)
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    found: dict[int, DuplicateCandidate] = {}

    def add(persons, reason):
        for p in persons:
            found.setdefault(p.pk, DuplicateCandidate(p)).reasons.append(reason)

    if snils:
        add(base.filter(snils=snils)[:limit], "snils")
    full_name = normalize_name(" ".join(x or "" for x in (surname, name, patronymic)))
    if full_name and birth_date:
        add(base.filter(search_name=full_name, birth_date=birth_date)[:limit],
            "name_birth_date")
    surname = normalize_name(surname or "")
    if full_name and surname and len(surname) >= 2:
        place = Q()
        if settlement is not None:
            place = Q(settlement=settlement)
        elif territory is not None:
            place = Q(territory=territory)
        if place:
            pool = base.filter(place, search_name__startswith=surname[:2])[:500]
            similar = [p for p in pool
                       if fuzz.ratio(p.search_name, full_name) >= FUZZY_THRESHOLD]
            add(similar[:limit], "similar_name")
    return list(found.values())[:limit]


@dataclass
class DuplicateCheck:
    """The answer of the check before a registration: the likely duplicates in the user's
    scope, and whether a record outside it holds the СНИЛС (nothing of that record)."""

    candidates: list[DuplicateCandidate]
    elsewhere: bool = False


def person_duplicate_check(user, *, surname: str = "", name: str = "", patronymic: str = "",
                           birth_date: datetime.date | None = None, snils: str = "",
                           settlement: Territory | None = None,
                           territory: Territory | None = None,
                           detail: str = "") -> DuplicateCheck:
    """What registering these details would meet (decision 0019): the candidates in the
    user's scope (``person_find_duplicates``) and whether the СНИЛС is held by a record
    outside it — registering would then open a request to share it. That match is logged
    (``snils_match``, as at registration); nothing of the record is returned. Only for a
    user who may register persons: for anyone else the region-wide lookup has no purpose,
    and ``elsewhere`` stays false."""
    candidates = person_find_duplicates(
        user, surname=surname, name=name, patronymic=patronymic, birth_date=birth_date,
        snils=snils, settlement=settlement, territory=territory)
    if not snils or not can(user, roles.PERSON, roles.ADD):
        return DuplicateCheck(candidates)
    # The region-wide holder (``services.identity.snils_holder``), never shown.
    holder = (Person.objects.filter(snils=snils).exclude(status=PersonStatus.MERGED)
              .values_list("pk", flat=True).first())
    if holder is None or person_queryset(user, roles.VIEW).filter(pk=holder).exists():
        return DuplicateCheck(candidates)
    audit.log_access(user=user, kind=AccessKind.SNILS_MATCH, person_id=holder,
                     obj_repr=f"person:{holder}", detail=detail)
    return DuplicateCheck(candidates, elsewhere=True)


def district_for_settlement(user, settlement: Territory) -> Territory:
    """The district serving a settlement if one covers it (and is in scope), else itself."""
    coverage = (DistrictCoverage.objects.filter(settlement=settlement, street__isnull=True)
                .select_related("district__territory").first())
    if coverage is not None:
        return coverage.district.territory
    return settlement


def may_view_sensitive(user, person: Person) -> bool:
    return Person.objects.restrict(user, roles.VIEW, kind=roles.SENSITIVE).filter(
        pk=person.pk).exists()


def person_events(user, person: Person, *, can_view_sensitive: bool | None = None) -> QuerySet:
    """The person's timeline. Events of special-category data (health records, health
    documents) are left out for those without the right to that data: their summaries and
    before/after values are health data too."""
    if can_view_sensitive is None:
        can_view_sensitive = may_view_sensitive(user, person)
    qs = DomainEvent.objects.filter(person_id=person.pk)
    if not can_view_sensitive:
        qs = qs.exclude(
            Q(content_type=ContentType.objects.get_for_model(SensitiveInfo))
            | Q(content_type=ContentType.objects.get_for_model(PersonDocument),
                object_id__in=PersonDocument.objects.filter(
                    doc_type__in=SENSITIVE_DOCUMENT_TYPES).values("pk")))
    return qs.select_related("actor", "change")


@dataclass
class PersonCard:
    person: Person
    full: bool
    can_change: bool
    has_consent: bool
    categories: list
    senior: bool
    membership: HouseholdMember | None
    household_members: list
    consents: list
    documents: list
    contacts: list
    events: list
    sensitive: SensitiveInfo | None
    can_view_sensitive: bool
    merges: list


def person_card(user, pk, *, contacts_limit: int = 20, events_limit: int = 50) -> PersonCard:
    """Everything the card shows, in a fixed number of queries; the view is logged."""
    person = person_get(user, pk, roles.VIEW_MINIMAL)
    full = Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists()
    audit.log_reads(user=user, objects=[person], kind=AccessKind.VIEW_CARD,
                    detail="" if full else "minimal")
    if not full:
        return PersonCard(person=person, full=False, can_change=False, has_consent=False,
                          categories=[], senior=False, membership=None, household_members=[],
                          consents=[], documents=[], contacts=list(
                              Contact.objects.filter(person=person, author=user)
                              .select_related("author")[:contacts_limit]),
                          events=[], sensitive=None, can_view_sensitive=False, merges=[])
    can_change = Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists()
    consents = list(Consent.objects.filter(person=person).select_related("taken_by",
                                                                           "operator"))
    today = person.today()  # where the person lives (ages, validity of consents)
    has_consent = any(c.is_valid(today) and c.purpose == "social_service" for c in consents)
    membership = (HouseholdMember.objects.filter(person=person, until__isnull=True)
                  .select_related("household").first())
    members = []
    if membership is not None:
        members = list(HouseholdMember.objects.filter(household=membership.household,
                                                      until__isnull=True)
                       .select_related("person"))
    can_view_sensitive = may_view_sensitive(user, person)
    sensitive = None
    if can_view_sensitive:
        sensitive = SensitiveInfo.objects.filter(person=person).first()
        if sensitive is not None:
            audit.log_reads(user=user, objects=[sensitive])  # logged as view_sensitive
    documents = PersonDocument.objects.filter(person=person, is_deleted=False).select_related(
        "uploaded_by")
    if not can_view_sensitive:
        documents = documents.exclude(doc_type__in=SENSITIVE_DOCUMENT_TYPES)
    events = list(person_events(user, person, can_view_sensitive=can_view_sensitive)
                  [:events_limit])
    _log_health_events(user, person, events)
    audit.log_reads(user=user, objects=[m.person for m in members])
    return PersonCard(
        person=person, full=True, can_change=can_change, has_consent=has_consent,
        categories=list(PersonCategory.objects.filter(person=person)),
        senior=person.is_senior(today), membership=membership, household_members=members,
        consents=consents, documents=list(documents),
        contacts=list(Contact.objects.filter(person=person).select_related("author")
                      [:contacts_limit]),
        events=events, sensitive=sensitive, can_view_sensitive=can_view_sensitive,
        merges=list(PersonMerge.objects.filter(Q(source=person) | Q(target=person))
                    .select_related("source", "target", "merged_by")),
    )


def person_timeline(user, pk, limit: int = 200) -> tuple[Person, list[DomainEvent]]:
    person = person_get(user, pk, roles.VIEW)
    events = list(person_events(user, person)[:limit])
    _log_health_events(user, person, events)
    history.present(user, [e.change for e in events if e.change is not None])
    return person, events


def _log_health_events(user, person: Person, events: list[DomainEvent]) -> None:
    """Health entries of a timeline (their summaries and before/after values) are
    special-category data: shown only to holders of the right (``person_events``), and
    that read is logged."""
    info = ContentType.objects.get_for_model(SensitiveInfo).pk
    doc = ContentType.objects.get_for_model(PersonDocument).pk
    doc_ids = {e.object_id for e in events if e.content_type_id == doc and e.object_id}
    health_docs = set(PersonDocument.objects.filter(
        pk__in=doc_ids, doc_type__in=SENSITIVE_DOCUMENT_TYPES).values_list("pk", flat=True)
    ) if doc_ids else set()
    if any(e.content_type_id == info or (e.content_type_id == doc and e.object_id in health_docs)
           for e in events):
        audit.log_person_read(user=user, person_id=person.pk, kind=AccessKind.VIEW_SENSITIVE,
                              what="timeline")


def household_queryset(user, action: str = roles.VIEW) -> RestrictedQuerySet:
    return Household.objects.restrict(user, action)


def household_get(user, pk, action: str = roles.VIEW) -> Household:
    return audit.read(user, household_queryset(user, action).select_related(
        "territory").prefetch_related(
        Prefetch("members", queryset=HouseholdMember.objects.select_related("person")
                 .order_by("-is_head", "until", "id"))
    ).get(pk=pk))


def household_search(user, *, q: str = "", territory: Territory | None = None) -> QuerySet:
    qs = household_queryset(user)
    if q:
        qs = qs.filter(pk__in=HouseholdMember.objects.filter(
            person__search_name__contains=normalize_name(q)).values("household_id"))
    if territory is not None:
        qs = qs.filter(territory__in=Territory.objects.filter(path__startswith=territory.path))
    return qs.select_related("territory").order_by("name", "id")


def children_ages(members, on: datetime.date | None = None) -> list[int]:
    on = on or (members[0].person.today() if members else timezone.localdate())
    return sorted(a for m in members if m.until is None and (a := m.person.age(on)) is not None
                  and a < 18)


def settlement_choices(user, action: str = roles.ADD) -> QuerySet:
    """Settlements a user may place a person in: inside their scope or served by their
    districts."""

    scoped = territories_in_scope(user, roles.PERSON, action)
    covered = DistrictCoverage.objects.filter(
        district__territory__in=scoped).values("settlement_id")
    parents = scoped.filter(level=Level.DISTRICT).values("parent_id")
    return Territory.objects.filter(
        Q(pk__in=scoped.filter(level=Level.SETTLEMENT).values("pk"))
        | Q(pk__in=covered) | Q(pk__in=parents), level=Level.SETTLEMENT,
    ).select_related("parent").order_by("name")



def due_contacts(user, days_ahead: int = 7, limit: int = 30,
                 today: datetime.date | None = None) -> list[Contact]:
    """Planned next contacts due within ``days_ahead`` days of ``today`` (the server's
    date unless given) or overdue, latest per person."""
    from django.db.models import Exists, OuterRef

    horizon = (today or timezone.localdate()) + datetime.timedelta(days=days_ahead)
    later = Contact.objects.filter(person=OuterRef("person"),
                                   occurred_at__gt=OuterRef("occurred_at"))
    return list(
        Contact.objects.restrict(user, roles.VIEW)
        .filter(next_contact_date__lte=horizon, person__status=PersonStatus.ACTIVE)
        .filter(~Exists(later))
        .select_related("person", "author").order_by("next_contact_date", "id")[:limit]
    )



# --------------------------------------------------------------------------- share requests


def share_requests_incoming(user) -> QuerySet:
    """Requests of other territories for persons held in the user's scope (decision 0019):
    the holding territory's heads and specialists decide them."""
    return (PersonShareRequest.objects.restrict(user, roles.VIEW)
            .select_related("person", "territory", "requested_by", "decided_by")
            .order_by(Case(When(status=ShareStatus.PENDING, then=0), default=1),
                      "-requested_at", "-id"))


def share_requests_outgoing(user) -> QuerySet:
    """Requests the user sent or their territories sent. They name no person: the
    requester learns of the record only when a share or transfer makes it theirs."""
    territories = territories_in_scope(user, roles.PERSON, roles.ADD)
    return (PersonShareRequest.objects.filter(Q(requested_by=user)
                                              | Q(territory__in=territories))
            .select_related("territory", "requested_by")
            .order_by("-requested_at", "-id"))


def share_requests(user) -> QuerySet:
    """Incoming and outgoing requests together (the API list, the export), each marked
    ``held_here`` (the person is in the user's scope: the user sees them and the holding
    territory decides) and ``sent_here`` (the user or their territory asked)."""
    incoming = PersonShareRequest.objects.restrict(user, roles.VIEW)
    territories = territories_in_scope(user, roles.PERSON, roles.ADD)
    sent = Q(requested_by=user) | Q(territory__in=territories)
    return (PersonShareRequest.objects.filter(Q(pk__in=incoming.values("pk")) | sent)
            .annotate(held_here=Exists(incoming.filter(pk=OuterRef("pk"))),
                      sent_here=ExpressionWrapper(sent, output_field=BooleanField()))
            .select_related("person", "territory", "requested_by", "decided_by")
            .order_by(Case(When(status=ShareStatus.PENDING, then=0), default=1),
                      "-requested_at", "-id"))


def share_request_get(user, pk) -> tuple[PersonShareRequest, bool]:
    """A request the user may see, and whether they see it as the holder (the person's
    territory, who sees the person) or only as the requester (PersonShareRequest.DoesNotExist
    otherwise)."""
    incoming = share_requests_incoming(user).filter(pk=pk).first()
    if incoming is not None:
        audit.log_reads(user=user, objects=[incoming], kind=AccessKind.VIEW_CARD)
        return incoming, True
    return share_requests_outgoing(user).get(pk=pk), False


def share_request_pending_count(user) -> int:
    return share_requests_incoming(user).filter(status=ShareStatus.PENDING).count()
