"""After every custom action Rasa checks the action server's answer with
``jsonschema.validate(result, schema)``, which first checks the large, constant events
schema itself against the JSON Schema meta-schema, every time: a quarter of the
server's CPU per turn (found with py-spy under the benchmark, see README "Speed").

Here the schema is checked once and its validator reused; answers are validated as
before, and an invalid one raises the same ``ValidationError`` with the same message.
Upstream: ``RemoteAction._validate_action_result`` in rasa/core/actions/action.py.
"""

from __future__ import annotations

from typing import Any

from bot.patches import is_patched, patched, require


def apply() -> None:
    require("rasa")
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    if is_patched(RemoteAction._validate_action_result):
        return
    upstream = RemoteAction._validate_action_result
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format "
            f"visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = patched(_validate_action_result, upstream)  # type: ignore[method-assign]
