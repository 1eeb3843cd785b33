"""What readers of stored records need to know about the Action class, without importing pydantic.

The read commands (`show`, `history`, `diff`, `runs`, `sql`) work on the JSON dicts the archive stores; pydantic and
the model classes cost them more than DuckDB itself at every start. Code that accepts "an Action or its JSON dict"
imports `Action` from here: type checkers see the real class, and at run time `isinstance` asks the real class only
once `schemas.action` has been imported — before that no Action can exist, so the answer is False for free.
`FIELDS` is the record's field order; a test keeps it equal to `Action.model_fields`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final

FIELDS: Final[tuple[str, ...]] = (
    "site", "plan_path", "url", "identifier", "name", "lead", "description", "official_description",
    "official_description_label", "official_description_source", "categories", "responsible_organizations",
    "contact_persons", "status", "implementation_phase", "completion", "impact", "schedule", "tasks", "indicators",
    "links", "status_updates", "updated_at", "previous_url", "next_url", "test_instance", "language",
    "extra_sections", "parser_version",
)

if TYPE_CHECKING:
    from schemas.action import Action as Action
else:

    class _LoadedAction(type):
        def __getattr__(cls, name: str) -> Any:  # Action.model_validate and the like: the real class, loaded now
            from schemas.action import Action as real

            return getattr(real, name)

        def __instancecheck__(cls, obj: Any) -> bool:
            module = sys.modules.get("schemas.action")
            return module is not None and isinstance(obj, module.Action)

        def __subclasscheck__(cls, sub: Any) -> bool:
            module = sys.modules.get("schemas.action")
            return module is not None and issubclass(sub, module.Action)

    class Action(metaclass=_LoadedAction):
        """Stands for `schemas.action.Action` in `isinstance` checks; never instantiated."""

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            from schemas.action import Action as real

            return real(*args, **kwargs)
