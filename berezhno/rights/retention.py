"""The retention procedure: what a destruction request destroys, anonymises and keeps.

Each record kind that names a person (``core.access`` scope rules with ``persons=``) has
a policy here, by model label; ``tests/test_retention.py`` fails when a new personal model
has none, so that a new practice decides (and documents) its records' fate. The policy
is the one of ``docs/user-guide/data-subject-rights.md``:

* ``DESTROY`` — the rows (and their files) are deleted: the person's categories, health
  data, documents, contacts, household memberships, work assignments;
* ``ANONYMISE`` — the person's own record stays as a stub (counts and the links of the
  kept records need it) with every identifying field emptied;
* ``KEEP`` — kept because a law requires them (442-ФЗ case files and programmes, 120-ФЗ
  register, consents as proof of lawful processing — 152-ФЗ ст. 9 ч. 3, the requests and
  acts themselves); they now point at the anonymised stub.

The audit journal is kept (it is the evidence of processing), but the personal values in
its rows about the person are replaced by «обезличено» (``mask_snapshot``).
"""

from django.utils.translation import gettext_lazy as _

DESTROY, ANONYMISE, KEEP = "destroy", "anonymise", "keep"

POLICY = {
    "people.Person": ANONYMISE,
    "people.PersonCategory": DESTROY,
    "people.SensitiveInfo": DESTROY,
    "people.PersonDocument": DESTROY,
    "people.Contact": DESTROY,
    "people.HouseholdMember": DESTROY,
    "people.PersonAssignment": DESTROY,
    # Requests of other territories to share or move the record: they hold what the
    # requester typed (the name, the СНИЛС); the holder's answer goes with them.
    "people.PersonShareRequest": DESTROY,
    # Messages to the person (the outbox, decision 0025): addresses and texts go; the
    # audit journal keeps that they were sent.
    "notifications.Message": DESTROY,
    # The District service's special-attention bank (decision 0040): a working register,
    # not a case file the law keeps; the entry goes with its reasons and reviews.
    "district.BankEntry": DESTROY,
    "district.BankEntryReason": DESTROY,
    "district.BankReview": DESTROY,
    "people.Household": KEEP,  # other members' household; the person's membership goes
    "people.Consent": KEEP,
    "cases.SupportCase": KEEP,
    "cases.CaseProblem": KEEP,
    "cases.Plan": KEEP,
    "cases.Activity": KEEP,
    "cases.ActivitySession": KEEP,
    "referrals.Referral": KEEP,
    "sop.SopRecord": KEEP,
    "sop.SopReview": KEEP,
    "urgent.UrgentServiceAct": KEEP,
    "assessments.Assessment": KEEP,
    "rights.SubjectRequest": KEEP,
    "rights.DestructionAct": KEEP,
}

# The person's fields emptied by anonymisation (the rest: sex, territory, settlement, the
# year of birth, the registry status, stay for statistics).
PERSON_CLEARED = {
    "surname": "", "name": "", "patronymic": "", "birth_date": None, "snils": "",
    "passport": "", "passport_issued": "", "phone": "", "messenger": "",
    "registration_address": "", "actual_address": "", "latitude": None, "longitude": None,
    "special_attention": False, "special_attention_reason": "", "nickname": "",
    "appearance": "", "meeting_place": "", "status_reason": "",
}
ANONYMISED_NAME = _("Обезличено")
MASK = "обезличено"

# Snapshot keys whose values are references or states, not personal data.
_KEPT_KEYS = {"id", "status", "kind", "practice", "version", "is_active", "is_head",
              "relation", "category", "purpose", "channel", "doc_type", "sex"}


def mask_snapshot(snapshot):
    """A before/after snapshot with every text value but references and states masked."""
    if not isinstance(snapshot, dict):
        return snapshot
    return {key: (MASK if isinstance(value, str) and value and key not in _KEPT_KEYS
                  and not key.endswith("_id") else value)
            for key, value in snapshot.items()}
