"""Every read of support cases for the views and the API, starting from the scope; one module
per page family, the package re-exports them all."""

from .card import (  # noqa: F401
    CaseCard,
    CaseFile,
    PlanDocument,
    Recipient,
    _case_with_pending,
    _circumstances,
    _members,
    _recipient,
    activity_get,
    case_card,
    case_events,
    case_file,
    case_get,
    exists_in,
    plan_document,
    plan_get,
)
from .common import (  # noqa: F401
    BOARD_LIMIT,
    DUE_SOON_DAYS,
    ONE_DAY,
    OPEN_ACTIVITY,
    SortedScope,
    TwoStep,
    overdue_working_days,
    user_today,
)
from .lists import (  # noqa: F401
    applicant_choices,
    applicant_households,
    case_queryset,
    case_rows,
    case_search,
    intake_person,
    partner_choices,
    responsible_choices,
    staff_choices,
    territory_choices,
)
from .work import (  # noqa: F401
    WORKLIST_CASES,
    WORKLIST_FILTERS,
    WORKLIST_PAGE,
    Board,
    Worklist,
    _next_deadline,
    _workload,
    activity_search,
    board,
    cases_in_scope,
    mark_activities,
    worklist,
)
