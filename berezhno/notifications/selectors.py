"""Reads of the outbox, always through the user's scope."""

from django.db.models import QuerySet

from . import roles
from .choices import MANUAL_CHANNELS, Status
from .models import Message


def messages_for(user, action: str = roles.VIEW) -> QuerySet[Message]:
    return Message.objects.restrict(user, action)


def message_list(user, *, status: str = "", channel: str = "", kind: str = "",
                 person=None) -> QuerySet[Message]:
    qs = messages_for(user)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if kind:
        qs = qs.filter(kind=kind)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.select_related("person", "recipient_user").order_by("-created_at", "-id")


def message_get(user, pk, action: str = roles.VIEW) -> Message:
    return messages_for(user, action).select_related(
        "person", "recipient_user", "created_by", "done_by").get(pk=pk)


def can_change(user, message: Message) -> bool:
    return messages_for(user, roles.CHANGE).filter(pk=message.pk).exists()


def actions_of(message: Message, may_change: bool) -> dict[str, bool]:
    manual = message.channel in MANUAL_CHANNELS
    return {
        "retry": (may_change and message.status in (Status.FAILED, Status.REFUSED))
        or (may_change and message.status == Status.QUEUED and not manual),
        "cancel": may_change and message.status == Status.QUEUED,
        "done": may_change and manual and message.status in (Status.QUEUED, Status.SENT),
    }


def letters_to_print(user) -> QuerySet[Message]:
    return message_list(user, status=Status.QUEUED, channel="letter").order_by("created_at",
                                                                               "id")
