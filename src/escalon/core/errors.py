"""Domain errors: each names the field it concerns so the edges can say what is wrong."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; `code` is stable, `field` names the input."""

    code = "domain_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    code = "invalid_value"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ReasonRequired(DomainError):
    code = "reason_required"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthorized(DomainError):
    code = "unauthorized"
