"""Errors a service raises for the shells (CLI, pages, API) to translate."""

from __future__ import annotations

__all__ = ["NotFound", "ServiceError", "StaleWrite"]


class ServiceError(Exception):
    """Base class: the message is safe to show to the user."""


class NotFound(ServiceError):
    """The record does not exist (or is outside what the caller may see)."""


class StaleWrite(ServiceError):
    """Someone else changed the record since the caller read it; nothing was written."""

    def __init__(self, entity: str, entity_id: str, expected: int, current: int | None) -> None:
        super().__init__(
            f"{entity} {entity_id} was changed by someone else (you edited version {expected}, "
            f"it is now {current}); reload and try again"
        )
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.current = current
