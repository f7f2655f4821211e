"""REST API of the case spine; one module per resource family, the package re-exports them
(the API routes name ``berezhno.cases.api.<ViewSet>``)."""

from .cases import (  # noqa: F401
    ActivitySerializer,
    BoardColumnSerializer,
    BoardViewSet,
    CaseProblemSerializer,
    CaseProblemViewSet,
    CaseReasonSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    CaseViewSet,
    CaseWriteSerializer,
    CloseSerializer,
    DecideSerializer,
    ListFilters,
    PlanSerializer,
    ProblemAddSerializer,
    SessionSerializer,
)
from .common import (  # noqa: F401
    ERRORS,
    ActivityField,
    CaseField,
    HouseholdField,
    OrganisationField,
    PartnerField,
    PersonField,
    PlanField,
    ProblemField,
    ProblemSerializer,
    ProblemViewSet,
    ScopedField,
    StaffField,
)
from .plans import (  # noqa: F401
    ActivityUpdateSerializer,
    ActivityViewSet,
    ActivityWriteSerializer,
    DateSerializer,
    FailSerializer,
    PlanUpdateSerializer,
    PlanViewSet,
    PlanWriteSerializer,
    ResultSerializer,
    SessionWriteSerializer,
)
