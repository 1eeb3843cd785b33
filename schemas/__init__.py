"""Records and vocabulary of vahti; depends on pydantic only."""

from schemas.action import (
    PARSER_VERSION,
    Action,
    ContactPerson,
    Indicator,
    Link,
    Organization,
    ParseWarning,
    Status,
    StatusUpdate,
    Task,
)
from schemas.errors import ArchiveBusy, ArchiveError, UsageError, VahtiError

__all__ = [
    "PARSER_VERSION",
    "Action",
    "ArchiveBusy",
    "ArchiveError",
    "ContactPerson",
    "Indicator",
    "Link",
    "Organization",
    "ParseWarning",
    "Status",
    "StatusUpdate",
    "Task",
    "UsageError",
    "VahtiError",
]
