"""Record kinds of the rights register, the roles' rights on them and the scope rules.

A person's requests are read by those who take them (district specialists, dispatchers:
``view add``) and handled by the head (``change``: extend; ``close``: answer, print the
answer, destroy). Incidents are the head's: the report lists whose data a user read.
There is no separate security-administrator role in ``accounts.roles`` today; a region
that appoints one gives it the ``incident`` rights here.
"""

from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import ADD, CHANGE, CLOSE, EXPORT, VIEW  # noqa: F401

from .models import DestructionAct, Incident, SubjectRequest

RIGHTS = "rights_request"
INCIDENT = "incident"


def register() -> None:
    access.register_kind(RIGHTS, _("обращения субъектов персональных данных"), personal=True)
    access.register_kind(INCIDENT, _("инциденты с персональными данными"))
    access.grant("head", rights_request="view add change close export",
                 incident="view add change export")
    for code in ("district_specialist", "dispatcher"):
        access.grant(code, rights_request="view add")
    access.register_scope(SubjectRequest, kind=RIGHTS, territory="person__territory",
                          persons=["person"])
    access.register_scope(DestructionAct, kind=RIGHTS, territory="request__person__territory",
                          persons=["request__person"])
    access.register_scope(Incident, kind=INCIDENT, territory="territory")
