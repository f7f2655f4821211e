"""Property-based tests: СНИЛС, phone and name normalisation, and the scope filter.

The СНИЛС checksum and the territory tree walk are re-implemented here on purpose,
independently of ``berezhno.core.text`` and of ``Territory.path``, so that the
properties compare the project against a second opinion rather than against itself.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from berezhno.accounts.models import RoleAssignment, User
from berezhno.core import access
from berezhno.core.context import acting_as
from berezhno.core.text import format_snils, normalize_name, normalize_phone, normalize_snils
from berezhno.people import roles
from berezhno.people.choices import ContactChannel, ContactPurpose
from berezhno.people.models import Contact, Person, PersonAssignment
from berezhno.territories import services as territories
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

# Deterministic runs and no example database in the working tree (.hypothesis/ is not ignored).
PURE = settings(max_examples=300, derandomize=True, database=None, deadline=None)
DB = settings(max_examples=50, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def assert_russian_error(exc: ValidationError, *, starts_with: str) -> None:
    messages = [str(m) for m in exc.messages]
    assert messages, "a ValidationError without a message"
    assert all(CYRILLIC.search(m) for m in messages), messages
    assert any(m.startswith(starts_with) for m in messages), messages


# --------------------------------------------------------------------------- СНИЛС

# The checksum is defined for numbers above 001-001-998 (Pension Fund regulation).
SNILS_CHECKED_FROM = 1_001_999


def reference_snils_checksum(number: str) -> int:
    """The official algorithm, written from its text: weights 9..1 from the left; a sum
    below 100 is the checksum itself; 100 and 101 give 00; above 101 take the remainder
    of division by 101 and apply the same two rules to it."""
    total = 0
    for position, digit in enumerate(number, start=1):
        total += int(digit) * (10 - position)
    while True:
        if total < 100:
            return total
        if total in (100, 101):
            return 0
        total = total % 101


def reference_snils_valid(digits: str) -> bool:
    if len(digits) != 11 or not digits.isdigit():
        return False
    number, control = digits[:9], int(digits[9:])
    if int(number) < SNILS_CHECKED_FROM:
        return True  # no checksum is defined for the first numbers
    return reference_snils_checksum(number) == control


WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, 1)


@st.composite
def numbers_with_weighted_sum(draw, target: int) -> str:
    """Nine digits whose weighted sum is exactly ``target``: each digit is drawn from the
    values that leave a remainder the later positions can still make up."""
    digits, remaining = [], target
    for i, weight in enumerate(WEIGHTS):
        capacity = 9 * sum(WEIGHTS[i + 1:])
        low = max(0, -(-(remaining - capacity) // weight))
        high = min(9, remaining // weight)
        digit = draw(st.integers(low, high))
        digits.append(str(digit))
        remaining -= weight * digit
    assert remaining == 0
    return "".join(digits)


# Uniform numbers, plus numbers whose weighted sum sits on the rules' edges (99..102 and
# the sums that become 100 or 0 after the remainder by 101).
checked_numbers = st.one_of(
    st.integers(min_value=SNILS_CHECKED_FROM, max_value=999_999_999).map(lambda n: f"{n:09d}"),
    st.sampled_from([99, 100, 101, 102, 200, 201, 202, 203, 302, 303, 404])
    .flatmap(numbers_with_weighted_sum)
    .filter(lambda n: int(n) >= SNILS_CHECKED_FROM),
)


def valid_snils_digits(number: str) -> str:
    return f"{number}{reference_snils_checksum(number):02d}"


def snils_spellings(digits: str) -> list[str]:
    a, b, c, control = digits[0:3], digits[3:6], digits[6:9], digits[9:11]
    return [
        f"{a}-{b}-{c} {control}",   # the printed form on the card
        digits,                      # digits only
        f"{a} {b} {c} {control}",   # with spaces
        f"{a}-{b}-{c}-{control}",
        f"{a}{b}{c} {control}",
        f"  {a}-{b}-{c} {control}\t",  # pasted with surrounding whitespace
    ]


def test_reference_checksum_matches_known_numbers():
    # Sanity of the reference itself before it judges the code: the well-known example
    # 112-233-445 95 and numbers whose weighted sums sit at the edges of the rules.
    assert reference_snils_checksum("112233445") == 95
    edges = {99: ("001019899", 99), 100: ("001019989", 0), 101: ("001019998", 0),
             102: ("001019999", 1), 201: ("002999989", 0), 202: ("002999998", 0)}
    for weighted_sum, (number, checksum) in edges.items():
        assert sum(int(d) * w for d, w in zip(number, range(9, 0, -1), strict=True)) \
            == weighted_sum
        assert reference_snils_checksum(number) == checksum, number
    assert reference_snils_checksum("999999999") == 405 % 101


@PURE
@given(number=checked_numbers, data=st.data())
def test_snils_valid_number_is_accepted_in_every_spelling(number, data):
    digits = valid_snils_digits(number)
    spelling = data.draw(st.sampled_from(snils_spellings(digits)), label="spelling")
    normalised = normalize_snils(spelling)
    assert normalised == digits
    # One canonical form, whatever the spelling; it is stable and prints the standard way.
    assert normalize_snils(normalised) == normalised
    assert normalize_snils(format_snils(normalised)) == normalised
    assert format_snils(normalised) == snils_spellings(digits)[0]


@PURE
@given(number=checked_numbers, position=st.integers(0, 10), delta=st.integers(1, 9),
       printed=st.booleans())
def test_snils_single_digit_change_is_rejected(number, position, delta, printed):
    digits = valid_snils_digits(number)
    changed = (digits[:position] + str((int(digits[position]) + delta) % 10)
               + digits[position + 1:])
    # A mutant may happen to be a valid СНИЛС in its own right (a weighted sum moving
    # between 100 and 101, or a number falling below 001-001-999): the reference decides.
    assume(not reference_snils_valid(changed))
    value = format_snils(changed) if printed else changed
    with pytest.raises(ValidationError) as exc:
        normalize_snils(value)
    assert_russian_error(exc.value, starts_with="СНИЛС указан с ошибкой")


@PURE
@given(number=checked_numbers, control=st.integers(0, 99))
def test_snils_wrong_checksum_is_rejected(number, control):
    assume(control != reference_snils_checksum(number))
    with pytest.raises(ValidationError) as exc:
        normalize_snils(f"{number}{control:02d}")
    assert_russian_error(exc.value, starts_with="СНИЛС указан с ошибкой")


@PURE
@given(digits=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_snils_any_eleven_digits_accepted_exactly_when_the_reference_says_so(digits):
    try:
        result = normalize_snils(digits)
    except ValidationError as exc:
        assert not reference_snils_valid(digits)
        assert_russian_error(exc, starts_with="СНИЛС")
    else:
        assert reference_snils_valid(digits)
        assert result == digits


@PURE
@given(value=st.text(alphabet="0123456789 -", max_size=20).filter(
    lambda v: sum(c.isdigit() for c in v) != 11))
def test_snils_wrong_length_is_rejected(value):
    with pytest.raises(ValidationError) as exc:
        normalize_snils(value)
    assert_russian_error(exc.value, starts_with="СНИЛС должен содержать 11 цифр")


# --------------------------------------------------------------------------- phones

# Area codes known to be in the Russian numbering plan (mobile 930 has unallocated blocks).
MOBILE_CODES = [f"9{n:02d}" for n in range(100) if n != 30]
LANDLINE_CODES = ["495", "499", "812", "3812", "38161", "38171", "4212", "343"]


@st.composite
def russian_numbers(draw) -> str:
    """Ten national digits of a Russian number: area code + subscriber number."""
    code = draw(st.sampled_from(MOBILE_CODES + LANDLINE_CODES))
    rest = draw(st.text(alphabet="0123456789", min_size=10 - len(code),
                        max_size=10 - len(code)))
    return code + rest


@st.composite
def phone_spellings(draw, national: str) -> str:
    """A way a person may type the number: +7 or 8, brackets, spaces, dashes."""
    prefix = draw(st.sampled_from(["+7", "8", "+7 ", "8 ", "+7-", "8-"]))
    code_len = draw(st.sampled_from([3, 4, 5]))
    code, subscriber = national[:code_len], national[code_len:]
    if draw(st.booleans()):
        code = f"({code})"
    sep = st.sampled_from(["", " ", "-"])
    groups, i = [], 0
    while i < len(subscriber):
        size = draw(st.integers(1, 3))
        groups.append(subscriber[i:i + size])
        i += size
    body = code + draw(sep) + "".join(g + draw(sep) for g in groups[:-1]) + groups[-1]
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return draw(pad) + prefix + body + draw(pad)


@PURE
@given(national=russian_numbers(), data=st.data())
def test_phone_spellings_normalise_to_one_e164_value(national, data):
    first = data.draw(phone_spellings(national), label="first")
    second = data.draw(phone_spellings(national), label="second")
    assert normalize_phone(first) == normalize_phone(second) == "+7" + national
    # Ten digits without a prefix are read as a Russian number too.
    assert normalize_phone(national) == "+7" + national


@PURE
@given(value=st.text(max_size=40))
def test_phone_normalisation_is_idempotent_on_anything_it_accepts(value):
    try:
        once = normalize_phone(value)
    except ValidationError as exc:
        assert_russian_error(exc, starts_with="Телефон указан неверно")
        return
    assert normalize_phone(once) == once
    if once:
        assert re.fullmatch(r"\+\d{8,15}", once), once


# Garbage: no digits at all, too few digits, or too many for any numbering plan.
no_digits = st.text(alphabet=st.characters(exclude_categories=["Nd", "Cs"]),
                    min_size=1, max_size=20).filter(lambda v: v.strip() != "")
too_short = st.builds(lambda p, d: p + d, st.sampled_from(["", "+", "8 ", "+7 ", "("]),
                      st.text(alphabet="0123456789", min_size=1, max_size=6))
too_long = st.builds(lambda p, d: p + d, st.sampled_from(["", "+", "+7", "8"]),
                     st.text(alphabet="0123456789", min_size=17, max_size=25))


@st.composite
def letters_for_digits(draw) -> str:
    """A Russian number with some digits typed as letters: too few digits remain."""
    national = list(draw(russian_numbers()))
    positions = draw(st.lists(st.integers(0, 9), min_size=2, max_size=4, unique=True))
    for i in positions:
        national[i] = draw(st.sampled_from("абвгдежзиклмнопрстуфхцчшщыэюяОоЗзБ"))
    return draw(st.sampled_from(["", "8", "+7", "8 ", "+7 "])) + "".join(national)



@PURE
@given(value=st.one_of(no_digits, too_short, too_long, letters_for_digits()))
def test_phone_garbage_is_rejected_in_russian(value):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(value)
    assert_russian_error(exc.value, starts_with="Телефон указан неверно")


# --------------------------------------------------------------------------- names

NAME_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ-"
WHITESPACE = st.text(alphabet=" \t\n\u00a0", min_size=1, max_size=3)
words = st.lists(st.text(alphabet=NAME_LETTERS, min_size=1, max_size=12), min_size=1,
                 max_size=4)


@st.composite
def typed_like(draw, parts: list[str]) -> str:
    """The same name typed differently: case, ё or е, and any whitespace between words."""
    out = []
    for word in parts:
        chars = []
        for ch in word:
            if ch.lower() in "её" and draw(st.booleans()):
                ch = draw(st.sampled_from("еёЕЁ"))
            elif draw(st.booleans()):
                ch = ch.swapcase()
            chars.append(ch)
        out.append("".join(chars))
    lead = draw(st.one_of(st.just(""), WHITESPACE))
    trail = draw(st.one_of(st.just(""), WHITESPACE))
    return lead + "".join(w + draw(WHITESPACE) for w in out[:-1]) + out[-1] + trail


@PURE
@given(value=st.text(max_size=40))
def test_normalize_name_is_idempotent(value):
    once = normalize_name(value)
    assert normalize_name(once) == once
    assert "ё" not in once
    assert once == once.strip()
    assert "  " not in once


@PURE
@given(parts=words, data=st.data())
def test_normalize_name_ignores_case_yo_and_spacing(parts, data):
    first = data.draw(typed_like(parts), label="first")
    second = data.draw(typed_like(parts), label="second")
    expected = " ".join(parts).lower().replace("ё", "е")
    assert normalize_name(first) == normalize_name(second) == expected


# --------------------------------------------------------------------------- scope filter

ACTIONS = ["view", "view_minimal", "add", "change", "delete", "merge", "export"]
PERSON_KINDS = [roles.PERSON, roles.SENSITIVE, roles.CONTACT, roles.DOCUMENT, roles.HOUSEHOLD]


def reference_allows(role_code: str, kind: str, action: str) -> bool:
    granted = access.roles()[role_code].permissions.get(kind, frozenset())
    # Whoever may "view" may also "view_minimal" (the documented implication).
    return action in granted or (action == "view_minimal" and "view" in granted)


def reference_ancestors(parent_of: dict[int, int | None], node: int) -> list[int]:
    """The node and all nodes above it, by walking parent links (not the path)."""
    chain = []
    current: int | None = node
    while current is not None:
        chain.append(current)
        current = parent_of[current]
    return chain


def reference_scope(*, assignments, work, persons, parent_of, kind, action, user_active,
                    today):
    """Person ids the user may act on, from first principles."""
    if not user_active:
        return set()
    live = [a for a in assignments
            if a["is_active"] and (a["valid_until"] is None or a["valid_until"] >= today)
            and reference_allows(a["role"], kind, action)]
    if not live:
        return set()
    allowed = set()
    for person_id, territory_id in persons.items():
        above = reference_ancestors(parent_of, territory_id)
        for a in live:
            if not access.roles()[a["role"]].territorial:
                continue  # agents and partners see only what is assigned to them by work
            if a["territory"] == territory_id or (a["include_subtree"]
                                                  and a["territory"] in above):
                allowed.add(person_id)
    allowed |= {person_id for person_id, active in work if active}
    return allowed


def _next_id_with_prefix(prefix: int, above: int) -> int:
    """The smallest id greater than ``above`` whose decimal form starts with ``prefix``."""
    scale = 1
    while True:
        low, high = prefix * scale, (prefix + 1) * scale - 1
        if high > above:
            return max(low, above + 1)
        scale *= 10


def _set_next_territory_id(next_id: int) -> None:
    from django.db import connection

    table = Territory._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                           [table, next_id - 1])
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                           [next_id - 1, table])
        else:  # pragma: no cover - the project runs on SQLite and PostgreSQL only
            raise NotImplementedError(connection.vendor)


@pytest.fixture
def colliding_tree(world):
    """The world plus siblings whose ids extend an existing node's id ("4." and "40."),
    so a prefix filter that forgets the trailing dot of the path would leak across them."""
    root = world.user("root")
    made, pairs = [], []
    with acting_as("test"):
        for node in (world.region, world.mun, world.town, world.d1):
            above = Territory.objects.order_by("-pk").values_list("pk", flat=True).first()
            _set_next_territory_id(_next_id_with_prefix(node.pk, above))
            sibling = territories.territory_create(
                user=root, level=node.level, parent=node.parent,
                name=f"{node.name} (соседний)")
            assert str(sibling.pk).startswith(str(node.pk)) and sibling.pk != node.pk
            made.append(sibling)
            pairs.append((node.pk, sibling.pk))
        # Something below the sibling region and the sibling settlement.
        sibling_region, _mun, sibling_town, _d = made
        mun = territories.territory_create(user=root, level=Level.MUNICIPALITY,
                                           parent=sibling_region, name="Район")
        town = territories.territory_create(user=root, level=Level.SETTLEMENT, parent=mun,
                                            name="Посёлок")
        for parent in (town, sibling_town):
            territories.territory_create(user=root, level=Level.DISTRICT, parent=parent,
                                         name="Участок")
    return world, pairs


def _allowed_actions(kind: str) -> list[str]:
    return [a for a in ACTIONS if any(reference_allows(r, kind, a) for r in access.roles())]


def _roles_allowing(kind: str, action: str) -> list[str]:
    return sorted(r for r in access.roles() if reference_allows(r, kind, action))


@pytest.mark.django_db
@settings(DB, max_examples=120)
@given(data=st.data())
def test_restrict_matches_the_tree(colliding_tree, data):
    world, pairs = colliding_tree
    parent_of = dict(Territory.objects.values_list("pk", "parent_id"))
    node_ids = sorted(parent_of)
    leaf_ids = sorted(set(node_ids) - {p for p in parent_of.values() if p})
    # Boundary cases are drawn more often: nodes whose id is a prefix of another id, and
    # everything under the nodes with the longer ids.
    short_ids = [a for a, _b in pairs]
    under_long = [n for n in node_ids
                  if any(b in reference_ancestors(parent_of, n) for _a, b in pairs)]
    today = timezone.localdate()
    draw = data.draw

    # Draw the question first and bias the roles towards ones that answer it, so that
    # most examples decide something rather than trivially returning nothing.
    kind = draw(st.one_of(st.just(roles.PERSON), st.sampled_from(PERSON_KINDS)), label="kind")
    action = draw(st.one_of(st.sampled_from([roles.VIEW, roles.VIEW_MINIMAL]),
                            st.sampled_from(_allowed_actions(kind)), st.sampled_from(ACTIONS)),
                  label="action")
    relevant = _roles_allowing(kind, action) or sorted(access.roles())
    # Agents and partners get their own branch: they are few but follow a different rule.
    off_tree = [r for r in relevant if not access.roles()[r].territorial] or relevant
    role = st.one_of(st.sampled_from(relevant), st.sampled_from(relevant),
                     st.sampled_from(off_tree), st.sampled_from(sorted(access.roles())))
    contact_action = draw(st.one_of(st.sampled_from(_allowed_actions(roles.CONTACT)),
                                    st.just(action)), label="contact action")
    assignments = draw(st.lists(st.fixed_dictionaries({
        "role": role,
        "territory": st.one_of(st.sampled_from(short_ids), st.sampled_from(node_ids)),
        "include_subtree": st.booleans(),
        "is_active": st.sampled_from([True, True, True, False]),
        "valid_until": st.sampled_from([None, None, None, -1, 0, 1]).map(
            lambda d: None if d is None else today + datetime.timedelta(days=d)),
    }), min_size=1, max_size=3), label="assignments")
    # New persons mostly at districts, some at upper nodes (a person may be held there).
    placements = draw(st.lists(st.one_of(st.sampled_from(leaf_ids), st.sampled_from(node_ids),
                                         st.sampled_from(under_long)),
                               min_size=1, max_size=6), label="placements")
    user_active = draw(st.sampled_from([True] * 5 + [False]), label="user_active")

    with transaction.atomic():
        user = User.objects.create(username="prop", is_active=user_active)
        for a in assignments:
            RoleAssignment.objects.create(user=user, role=a["role"],
                                          territory_id=a["territory"],
                                          include_subtree=a["include_subtree"],
                                          is_active=a["is_active"],
                                          valid_until=a["valid_until"])
        created = [Person.objects.create(surname=f"Проверкина{i}", territory_id=t,
                                         search_name=f"проверкина{i}")
                   for i, t in enumerate(placements)]
        candidates = [world.p1, world.p2, world.p3, *created]
        chosen = draw(st.lists(st.sampled_from(range(len(candidates))), unique=True,
                               max_size=2), label="work")
        flags = draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)),
                     label="work active")
        work = [(candidates[i], active) for i, active in zip(chosen, flags, strict=True)]
        for person, active in work:
            PersonAssignment.objects.create(person=person, user=user, reason="проверка",
                                            is_active=active)
        for person in created:
            Contact.objects.create(person=person, author=world.user("specialist"),
                                   occurred_at=timezone.now(),
                                   channel=ContactChannel.choices[0][0],
                                   purpose=ContactPurpose.choices[0][0])

        persons = dict(Person.objects.values_list("pk", "territory_id"))
        work_ids = [(p.pk, active) for p, active in work]
        expected = reference_scope(
            assignments=assignments, work=work_ids, persons=persons, parent_of=parent_of,
            kind=kind, action=action, user_active=user_active, today=today)
        event("in scope: " + ("none" if not expected else
                              "all" if len(expected) == len(persons) else "some"))

        fresh = User.objects.get(pk=user.pk)  # no grants cached on the object
        got = set(Person.objects.restrict(fresh, action, kind).values_list("pk", flat=True))
        assert got == expected

        # Contacts follow their person's territory and are checked as kind "contact".
        contact_persons = reference_scope(
            assignments=assignments, work=work_ids, persons=persons, parent_of=parent_of,
            kind=roles.CONTACT, action=contact_action, user_active=user_active, today=today)
        got_contacts = set(Contact.objects.restrict(fresh, contact_action)
                           .values_list("pk", flat=True))
        assert got_contacts == set(Contact.objects.filter(person_id__in=contact_persons)
                                   .values_list("pk", flat=True))
        transaction.set_rollback(True)
