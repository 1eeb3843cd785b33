"""Records and vocabulary of vahti; depends on pydantic only."""

from schemas.action import (
    LIST_FIELDS,
    PARSER_VERSION,
    SCALAR_FIELDS,
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
    "LIST_FIELDS",
    "PARSER_VERSION",
    "SCALAR_FIELDS",
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
