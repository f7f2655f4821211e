"""The access engine: record kinds, roles, practices and scope rules, contributed by apps.

This is the bottom layer of access control and knows no domain app. Each app registers, in
its ``AppConfig.ready()`` (through its ``roles.py``):

* the **record kinds** it owns (``register_kind``), e.g. ``person`` or ``case``;
* **roles** (``register_role``: code, label, territorial or not, the practices it covers by
  default) and **role fragments** (``grant``: the actions a role has on the app's kinds), so
  that a new practice adds its rights to existing roles without editing them;
* **practices** (``register_practice``);
* **scope rules** (``register_scope``): for a model, its kind, the path to its territory, the
  path to its practice and the work-assignment grants (callables ``(user, action) -> Q``)
  that widen the territorial scope; other apps may add grants to a model (``add_grant``);
* the **source of a user's role assignments** (``register_grant_loader``, by ``accounts``)
  and the **territory tree model** (``register_tree``, by ``territories``).

``restrict_queryset(qs, user, action)`` turns all of it into one filter: the union, over the
user's assignments whose role allows the action, of "territory in the assignment's node (and
subtree) and practice among the assignment's practices", ORed with the work-assignment
grants. Out of scope is then simply "not in the queryset", which views answer with a 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

# ------------------------------------------------------------------------ actions

VIEW = "view"
VIEW_MINIMAL = "view_minimal"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
MERGE = "merge"
EXPORT = "export"
CLOSE = "close"  # decide on a case: recognise need, approve a plan, close
ACTIONS = (VIEW, VIEW_MINIMAL, ADD, CHANGE, DELETE, MERGE, EXPORT, CLOSE)

# An action that implies others: whoever may "view" may also "view_minimal".
IMPLIED = {VIEW_MINIMAL: {VIEW}}

# The record kinds of ``core`` itself: the audit journal and the production calendar.
AUDIT = "audit"
CALENDAR = "calendar"


class RegistryError(Exception):
    """A contribution that contradicts another one (a programming error, at start-up)."""


# ------------------------------------------------------------------------ record kinds


@dataclass(frozen=True)
class Kind:
    """A record kind: what role permissions are written about.

    ``personal``: records of this kind hold personal data (152-ФЗ); they are never shown in
    the administration site. ``administered``: reference data managed at ``/admin/``.
    """

    code: str
    label: Any
    personal: bool = False
    administered: bool = False


_kinds: dict[str, Kind] = {}


def register_kind(code: str, label, *, personal: bool = False,
                  administered: bool = False) -> str:
    kind = Kind(code, label, personal, administered)
    if code in _kinds and _kinds[code] != kind:
        raise RegistryError(f"record kind {code!r} registered twice, differently")
    _kinds[code] = kind
    return code


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def administered_kinds() -> tuple[str, ...]:
    return tuple(k.code for k in _kinds.values() if k.administered)


# ------------------------------------------------------------------------ practices


@dataclass(frozen=True)
class Practice:
    code: str
    label: Any
    order: int = 100


_practices: dict[str, Practice] = {}


def register_practice(code: str, label, *, order: int = 100) -> str:
    practice = Practice(code, label, order)
    if code in _practices and _practices[code] != practice:
        raise RegistryError(f"practice {code!r} registered twice, differently")
    _practices[code] = practice
    return code


def practices() -> list[Practice]:
    return sorted(_practices.values(), key=lambda p: (p.order, p.code))


def practice_choices() -> list[tuple[str, Any]]:
    """Choices of a practice field (a callable, so that apps may add practices)."""
    return [(p.code, p.label) for p in practices()]


def practice_label(code: str) -> str:
    practice = _practices.get(code)
    return str(practice.label) if practice else code


# ------------------------------------------------------------------------ roles


@dataclass(frozen=True)
class Role:
    """A role: a set of actions per record kind, assembled from the apps' fragments.

    ``practices``: the practices an assignment of this role covers when the assignment does
    not name them (``None``: every practice, as for heads).
    """

    code: str
    label: Any
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    territorial: bool = True
    practices: frozenset[str] | None = None
    order: int = 100

    def allows(self, kind: str, action: str) -> bool:
        granted = self.permissions.get(kind, frozenset())
        return action in granted or bool(IMPLIED.get(action, set()) & granted)


@dataclass
class _RoleDecl:
    code: str
    label: Any
    territorial: bool
    practices: frozenset[str] | None
    order: int


_role_decls: dict[str, _RoleDecl] = {}
_fragments: dict[str, dict[str, set[str]]] = {}
_roles_cache: dict[str, Role] | None = None


def register_role(code: str, label, *, territorial: bool = True,
                  practices: Iterable[str] | None = None, order: int = 100) -> str:
    global _roles_cache
    decl = _RoleDecl(code, label, territorial,
                     frozenset(practices) if practices is not None else None, order)
    if code in _role_decls and _role_decls[code] != decl:
        raise RegistryError(f"role {code!r} registered twice, differently")
    _role_decls[code] = decl
    _roles_cache = None
    return code


def grant(role_code: str, **kind_actions: str) -> None:
    """A role fragment: ``grant("head", person="view add change")`` (actions space-separated)."""
    global _roles_cache
    for kind, actions in kind_actions.items():  # all checked before anything is applied
        unknown = set(actions.split()) - set(ACTIONS)
        if unknown:
            raise RegistryError(f"role {role_code!r}, kind {kind!r}: unknown actions {unknown}")
    per_role = _fragments.setdefault(role_code, {})
    for kind, actions in kind_actions.items():
        per_role.setdefault(kind, set()).update(actions.split())
    _roles_cache = None


def roles() -> dict[str, Role]:
    """Every declared role with the fragments of every app, in display order."""
    global _roles_cache
    if _roles_cache is None:
        unknown = set(_fragments) - set(_role_decls)
        if unknown:
            raise RegistryError(f"fragments for undeclared roles: {sorted(unknown)}")
        for code, per_kind in _fragments.items():
            missing = set(per_kind) - set(_kinds)
            if missing:
                raise RegistryError(f"role {code!r}: unregistered kinds {sorted(missing)}")
        _roles_cache = {
            d.code: Role(d.code, d.label,
                         {k: frozenset(v) for k, v in _fragments.get(d.code, {}).items()},
                         d.territorial, d.practices, d.order)
            for d in sorted(_role_decls.values(), key=lambda d: (d.order, d.code))
        }
    return _roles_cache


def role_choices() -> list[tuple[str, Any]]:
    """Choices of a role field (a callable: roles come from the apps)."""
    return [(code, role.label) for code, role in roles().items()]


def get_role(code: str) -> Role:
    return roles()[code]


# ------------------------------------------------------------------------ scope rules

GrantFn = Callable[[Any, str], Q | None]


@dataclass
class ScopeRule:
    """How the records of a model are scoped.

    ``territory``: the path to the record's territory (``None`` for reference data that is
    not territorial); ``practice``: the path to its practice (``None`` when the record is
    shared by all practices, like a person); ``grants``: work-assignment grants;
    ``persons``: the paths to the people a record is about, whose reads the access log
    records (``audit.log_reads``): ``("pk",)`` for a person, ``("person",)`` for a record of
    one, ``("members__person",)`` for a household; empty for records about nobody.
    """

    model: type[Model]
    kind: str
    territory: str | None = None
    practice: str | None = None
    grants: list[GrantFn] = field(default_factory=list)
    persons: tuple[str, ...] = ()


_scopes: dict[type[Model], ScopeRule] = {}
_pending_grants: dict[type[Model], list[GrantFn]] = {}


def register_scope(model: type[Model], *, kind: str, territory: str | None = None,
                   practice: str | None = None, grants: Iterable[GrantFn] = (),
                   persons: Iterable[str] = ()) -> ScopeRule:
    if model in _scopes:
        raise RegistryError(f"scope of {model._meta.label} registered twice")
    rule = ScopeRule(model, kind, territory, practice,
                     [*grants, *_pending_grants.pop(model, [])], tuple(persons))
    if _kinds.get(kind) is not None and _kinds[kind].personal and not rule.persons:
        raise RegistryError(f"{model._meta.label} holds personal data ({kind}): register "
                            "the paths to its persons (persons=...) for the access log")
    _scopes[model] = rule
    return rule


def add_grant(model: type[Model], fn: GrantFn) -> None:
    """A work-assignment grant from another app (e.g. persons assigned to an agent)."""
    if model in _scopes:
        _scopes[model].grants.append(fn)
    else:
        _pending_grants.setdefault(model, []).append(fn)


def scope_of(model: type[Model]) -> ScopeRule:
    for cls in model.__mro__:
        rule = _scopes.get(cls)
        if rule is not None:
            return rule
    raise RegistryError(f"{model._meta.label} has no registered scope rule")


def kind_of(model: type[Model]) -> str | None:
    try:
        return scope_of(model).kind
    except RegistryError:
        return None


def scoped_models() -> list[ScopeRule]:
    return list(_scopes.values())


# ------------------------------------------------------------------------ grants


@dataclass(frozen=True)
class Grant:
    """One active role assignment of a user, as the engine sees it."""

    role: Role
    territory_id: int
    path: str
    include_subtree: bool
    organisation_id: int | None
    practices: frozenset[str] | None  # None: every practice
    time_zone: str = ""  # the territory's, when the loader read it (its local date)

    def covers(self, practice: str | None) -> bool:
        return practice is None or self.practices is None or practice in self.practices

    def covers_node(self, node) -> bool:
        """Whether the assignment's node (and subtree) holds ``node`` (a tree record)."""
        return (node.path.startswith(self.path) if self.include_subtree
                else node.pk == self.territory_id)

    @property
    def practice_labels(self) -> list[str]:
        return practice_labels(self.practices)


def covered_practices(own: Iterable[str], role: Role | None) -> frozenset[str] | None:
    """The practices an assignment covers: its own list, else its role's default
    (``None``: every practice). The one rule for grants, choices and labels."""
    if own:
        return frozenset(own)
    return role.practices if role is not None else frozenset()


def practice_labels(codes: frozenset[str] | None) -> list[str]:
    """The practices by name, in registry order (empty: every practice)."""
    if codes is None:
        return []
    return [str(p.label) for p in practices() if p.code in codes]


_grant_loader: Callable[[Any], list[Grant]] | None = None
_tree_model: type[Model] | None = None


def register_grant_loader(fn: Callable[[Any], list[Grant]]) -> None:
    global _grant_loader
    if _grant_loader is not None and _grant_loader is not fn:
        raise RegistryError("a second grant loader registered")
    _grant_loader = fn


def register_tree(model: type[Model]) -> None:
    """The territory tree: a model with ``path`` (materialised path) and ``pk``."""
    global _tree_model
    if _tree_model is not None and _tree_model is not model:
        raise RegistryError("a second territory tree registered")
    _tree_model = model


def tree_model() -> type[Model]:
    if _tree_model is None:
        raise RegistryError("no territory tree registered")
    return _tree_model


def user_grants(user) -> list[Grant]:
    """The user's active role assignments, loaded once per user object."""
    cached = getattr(user, "_berezhno_grants", None)
    if cached is not None:
        return cached
    if _grant_loader is None:
        raise RegistryError("no grant loader registered")
    grants = _grant_loader(user)
    user._berezhno_grants = grants
    return grants


def grants_digest(user) -> str:
    """A short digest of the user's grants: part of the cache keys of what is computed
    from the user's scope, so that a changed grant is a new key."""
    grants = sorted((g.role.code, g.territory_id, g.include_subtree, g.organisation_id,
                     tuple(sorted(g.practices or ()))) for g in user_grants(user))
    return hashlib.sha256(repr((user.is_superuser, grants)).encode()).hexdigest()[:16]


def forget_grants(user) -> None:
    """Drop what was loaded for the user object (after its assignments changed)."""
    # dir(), not vars(): request.user is a lazy proxy whose own __dict__ is not the user's.
    for attr in [a for a in dir(user) if a.startswith("_berezhno_")]:
        delattr(user, attr)


_MISSING = object()


def memo(user, key: str, compute: Callable[[], Any]) -> Any:
    """A value computed once per user object (per request), dropped by ``forget_grants``."""
    attr = f"_berezhno_{key}"
    value = getattr(user, attr, _MISSING)
    if value is _MISSING:
        value = compute()
        setattr(user, attr, value)
    return value


def sees_personal_data(user) -> bool:
    """Whether any of the user's roles reads a record kind that holds personal data."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    personal = [k.code for k in _kinds.values() if k.personal and k.code != AUDIT]
    return any(g.role.allows(kind, VIEW) or g.role.allows(kind, VIEW_MINIMAL)
               for g in user_grants(user) for kind in personal)


def has_role(user, *codes: str) -> bool:
    return any(g.role.code in codes for g in user_grants(user))


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.is_active)


def can(user, kind: str, action: str, practice: str | None = None) -> bool:
    """Whether the user may do ``action`` on ``kind`` anywhere (menus, buttons); with
    ``practice``, in that practice."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(g.role.allows(kind, action) and g.covers(practice) for g in user_grants(user))


def user_practices(user, kind: str, action: str, territory=None) -> list[str] | None:
    """The practices in which the user may do ``action`` on ``kind`` (``None``: all); with
    ``territory``, through territorial assignments covering that node only."""
    if not _active(user):
        return []
    if user.is_superuser:
        return None
    found: set[str] = set()
    for g in user_grants(user):
        if territory is not None and not (g.role.territorial and g.covers_node(territory)):
            continue
        if g.role.allows(kind, action):
            if g.practices is None:
                return None
            found |= g.practices
    return [p.code for p in practices() if p.code in found]


def practice_choices_for(user, kind: str, action: str) -> list[tuple[str, Any]]:
    """Choices of a practice field limited to the practices the user works in."""
    mine = user_practices(user, kind, action)
    return [(code, label) for code, label in practice_choices()
            if mine is None or code in mine]


def _tree_q(grants: Iterable[Grant]) -> Q | None:
    q, found = Q(pk__in=[]), False
    for g in grants:
        found = True
        q |= Q(path__startswith=g.path) if g.include_subtree else Q(pk=g.territory_id)
    return q if found else None


def restrict_queryset(qs: QuerySet, user, action: str, kind: str | None = None) -> QuerySet:
    """Filter ``qs`` to what ``user`` may do ``action`` on; ``kind`` overrides the model's.

    Special-category data of a person is checked as ``Person`` rows with kind
    ``sensitive``, so the territorial rule is the person's.
    """
    rule = scope_of(qs.model)
    kind = kind or rule.kind
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    grants = [g for g in user_grants(user) if g.role.allows(kind, action)]
    if not grants:
        return qs.none()
    if rule.territory is None:
        return qs  # reference data: the role allows it, the territory does not matter
    extras = [q for q in (fn(user, action) for fn in rule.grants) if q is not None]
    # Assignments grouped by the practices they cover, so that the usual case (one set)
    # stays one territory filter.
    groups: dict[frozenset[str] | None, list[Grant]] = {}
    for g in grants:
        if g.role.territorial:
            practices_key = g.practices if rule.practice is not None else None
            groups.setdefault(practices_key, []).append(g)
    condition = Q(pk__in=[])
    for practices_key, group in groups.items():
        tq = _tree_q(group)
        if tq is None:
            continue
        nodes = tree_model()._default_manager.filter(tq).values("pk")
        if extras or len(groups) > 1:
            # In an OR with another branch, a subquery is filtered row by row (PostgreSQL's
            # hashed subplan) and no index is used: give the nodes as a list (one array
            # parameter, core.lookups), so that every branch is an index scan (on the
            # benchmark region the dispatcher's board count went from 4 s to 10 ms).
            ids = list(nodes.values_list("pk", flat=True))
            branch = Q(**{f"{rule.territory}__any": ids})
        else:
            branch = Q(**{f"{rule.territory}__in": nodes})
        if practices_key is not None:
            branch &= Q(**{f"{rule.practice}__in": sorted(practices_key)})
        condition |= branch
    for extra in extras:
        condition |= extra
    return qs.filter(condition)


def territories_in_scope(user, kind: str, action: str, practice: str | None = None
                         ) -> QuerySet:
    """Territory nodes where the user may do ``action`` on ``kind`` (choice fields); with
    ``practice``, only through assignments covering it."""
    tree = tree_model()
    if user.is_superuser:
        return tree._default_manager.all()
    grants = [g for g in user_grants(user)
              if g.role.allows(kind, action) and g.role.territorial and g.covers(practice)]
    tq = _tree_q(grants)
    if tq is None:
        return tree._default_manager.none()
    return tree._default_manager.filter(tq)


# ------------------------------------------------------------------------ the grant matrix
#
# Who may give which role, and where (decision 0016). A row is a fragment like a role's
# rights: ``allow_grant("head", "district_specialist", ...)`` says that a holder of "head"
# may give those roles at the node of their assignment (and below it, when the assignment
# includes the subtree), for the practices of their assignment at most. An app that
# declares a role says who gives it; nothing else may. Nobody gives a role to themselves;
# a superuser (the emergency account) may give any role to anyone else.

_grant_rights: dict[str, set[str]] = {}


def allow_grant(granter: str, *granted: str) -> None:
    """A row of the grant matrix: holders of ``granter`` may give the ``granted`` roles."""
    _grant_rights.setdefault(granter, set()).update(granted)


def grant_matrix() -> dict[str, frozenset[str]]:
    """Every role (in display order) with the roles its holders may give."""
    known = roles()
    unknown = ({g for g in _grant_rights if g not in known}
               | {r for given in _grant_rights.values() for r in given if r not in known})
    if unknown:
        raise RegistryError(f"grant matrix names undeclared roles: {sorted(unknown)}")
    return {code: frozenset(r for r in known if r in _grant_rights.get(code, ()))
            for code in known}


def granters_of(role_code: str) -> list[str]:
    """The roles whose holders may give ``role_code``, in display order."""
    return [code for code, given in grant_matrix().items() if role_code in given]


def role_sees_personal_data(role: Role) -> bool:
    """Whether the role reads a record kind that holds personal data (the audit journal
    aside: it shows a reader only the rows of kinds they read themselves)."""
    return any(role.allows(k.code, VIEW) or role.allows(k.code, VIEW_MINIMAL)
               for k in _kinds.values() if k.personal and k.code != AUDIT)


def _practices_within(new: frozenset[str] | None, held: frozenset[str] | None) -> bool:
    if held is None:
        return True
    return new is not None and new <= held


def granting_grants(user, role_code: str) -> list[Grant]:
    """The user's assignments through which they may give ``role_code``."""
    matrix = grant_matrix()
    return [g for g in user_grants(user)
            if g.role.territorial and role_code in matrix.get(g.role.code, ())]


def may_grant_any(user) -> bool:
    """Whether the user may give some role somewhere (menus, the API's permission)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    matrix = grant_matrix()
    return any(g.role.territorial and matrix.get(g.role.code) for g in user_grants(user))


def grantable_roles(user) -> list[str]:
    """The roles the user may give somewhere, in display order."""
    if not _active(user):
        return []
    if user.is_superuser:
        return list(roles())
    matrix = grant_matrix()
    given: set[str] = set()
    for g in user_grants(user):
        if g.role.territorial:
            given |= matrix.get(g.role.code, frozenset())
    return [code for code in roles() if code in given]


def grant_territories(user, role_code: str | None = None) -> QuerySet:
    """Territory nodes where the user may give ``role_code`` (any role when ``None``)."""
    tree = tree_model()
    if not _active(user):
        return tree._default_manager.none()
    if user.is_superuser:
        return tree._default_manager.all()
    if role_code is None:
        matrix = grant_matrix()
        grants = [g for g in user_grants(user) if g.role.territorial and matrix.get(g.role.code)]
    else:
        grants = granting_grants(user, role_code)
    tq = _tree_q(grants)
    return tree._default_manager.none() if tq is None else tree._default_manager.filter(tq)


def may_grant(user, role_code: str, node, *, include_subtree: bool,
              practices: Iterable[str] = ()) -> bool:
    """Whether the user may give ``role_code`` at ``node`` (a tree record), with or without
    its subtree, for ``practices`` (empty: the role's default)."""
    if not _active(user) or role_code not in roles():
        return False
    if user.is_superuser:
        return True
    wanted = covered_practices(practices, roles()[role_code])
    for g in granting_grants(user, role_code):
        if not g.covers_node(node):
            continue
        if include_subtree and not g.include_subtree:
            continue  # a node-only assignment gives node-only roles
        if _practices_within(wanted, g.practices):
            return True
    return False
