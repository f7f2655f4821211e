"""Domain errors with stable codes and Russian messages."""

from enum import StrEnum

from django.core.exceptions import ValidationError


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    CONFLICT = "conflict"
    NO_CONSENT = "no_consent"
    DUPLICATE = "duplicate"
    INVALID_TRANSITION = "invalid_transition"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    BLOCKED = "blocked"


class DomainError(Exception):
    """A refused operation: nothing was changed."""

    code: ErrorCode = ErrorCode.INVALID
    status = 400

    def __init__(self, message, *, field: str | None = None, code: ErrorCode | None = None,
                 details: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if self.code == ErrorCode.FORBIDDEN:
            self.status = 403  # refused for lack of a right, not for bad input
        self.details = details or {}

    def as_validation_error(self) -> ValidationError:
        if self.field:
            return ValidationError({self.field: [self.message]}, code=str(self.code))
        return ValidationError(self.message, code=str(self.code))


class ConflictError(DomainError):
    """The record changed since the user loaded it (optimistic locking)."""

    code = ErrorCode.CONFLICT
    status = 409


class ConsentRequiredError(DomainError):
    code = ErrorCode.NO_CONSENT
    status = 400


class TransitionError(DomainError):
    code = ErrorCode.INVALID_TRANSITION
    status = 400


class BlockedError(DomainError):
    """The person's data is blocked during a check (152-ФЗ ст. 21): read-only."""

    code = ErrorCode.BLOCKED
    status = 400
