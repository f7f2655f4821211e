"""Kinds of messages and their Russian templates (decision 0025).

The app that sends a message registers its kind from its ``ready()`` with the Django
templates of the subject and the body (plain text, rendered with the message's context):

    kinds.register(MessageKind("yard.invitation", _("Приглашение на собрание"),
                               "yard/notifications/invitation_subject.txt",
                               "yard/notifications/invitation_body.txt"))
"""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from berezhno.core.access import RegistryError


@dataclass(frozen=True)
class MessageKind:
    code: str
    label: Any
    subject_template: str
    body_template: str


_kinds: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> None:
    known = _kinds.get(kind.code)
    if known is not None and known != kind:
        raise RegistryError(f"message kind {kind.code} registered twice")
    _kinds[kind.code] = kind


def get(code: str) -> MessageKind:
    return _kinds[code]


def all_kinds() -> list[MessageKind]:
    return list(_kinds.values())


def render(code: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (one line) and the body of a message of kind ``code``."""
    kind = _kinds[code]
    subject = " ".join(render_to_string(kind.subject_template, context).split())
    body = render_to_string(kind.body_template, context).strip()
    return subject, body
