"""Every write of support cases (the spine): intake, decision, problems, plans, activities,
review and closure; the apps above the spine write through their own services and use the
helpers here. One module per stage; the package re-exports them all.
"""

from .common import (  # noqa: F401
    CASE_FIELDS,
    DEFAULT_DEADLINES,
    _record_case,
    case_today,
    deadline,
    default_practice,
    forbidden,
    lock_case,
    register_default_deadline,
    require_case,
    require_status,
    staff_in_scope,
)
from .intake import (  # noqa: F401
    _clean_case,
    _move_to_practice,
    add_problem,
    case_decide,
    case_open,
    case_update,
    problem_add,
    problem_remove,
)
from .plans import (  # noqa: F401
    _clean_activity,
    _clean_plan,
    _lock_activity_for_work,
    _new_plan,
    _work_date,
    activity_add,
    activity_complete,
    activity_fail,
    activity_remove,
    activity_start,
    activity_transition,
    activity_update,
    current_plan,
    maybe_review,
    plan_approve,
    plan_create,
    plan_update,
    session_record,
)
from .review import (  # noqa: F401
    case_close,
    case_continue,
)
