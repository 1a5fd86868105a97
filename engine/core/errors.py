"""The one documented exception type of the engine API."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any



class EncounterError(ValueError):
    """The encounter is invalid. `.errors` lists every problem as {"field", "message"}.

    The engine collects all problems before raising, so a user fixes them in one go.
    """

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors: list[dict[str, str]] = list(errors)
        lines = [f"{e['field']}: {e['message']}" for e in self.errors]
        super().__init__("invalid encounter:\n  " + "\n  ".join(lines) if lines else "invalid")

    def to_json(self) -> dict[str, Any]:
        return {"errors": [dict(e) for e in self.errors]}
