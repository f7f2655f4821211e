"""factory-boy factories for the main models, one module per app.

Records that a service writes are created through that service (``ServiceFactory``), so a
test's record has the audit rows, derived fields and checks the real one has; a factory only
supplies plausible defaults for the keyword arguments. Reference data that the code writes
straight to the ORM (users, role assignments, organisations in the test world) use
``DjangoModelFactory``.

    person = PersonFactory(user=world.user("specialist"), territory=world.d1, sex="m")
    case = SupportCaseFactory(user=world.user("dispatcher"), person=person)
"""

from .accounts import OrganisationFactory, RoleAssignmentFactory, UserFactory, root_user
from .base import ServiceFactory
from .cases import ActivityFactory, PlanFactory, ReferralFactory, SupportCaseFactory
from .people import (
    CONSENT,
    ConsentFactory,
    ContactFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from .territories import DistrictFactory, TerritoryFactory

__all__ = [
    "CONSENT",
    "ActivityFactory",
    "ConsentFactory",
    "ContactFactory",
    "DistrictFactory",
    "HouseholdFactory",
    "HouseholdMemberFactory",
    "OrganisationFactory",
    "PersonFactory",
    "PlanFactory",
    "ReferralFactory",
    "RoleAssignmentFactory",
    "ServiceFactory",
    "SupportCaseFactory",
    "TerritoryFactory",
    "UserFactory",
    "root_user",
]
