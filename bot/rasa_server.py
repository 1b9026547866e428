"""``rasa run`` with two slow spots of Rasa 3.6 mended; ``bot.launcher`` starts the server so.

Both were found by profiling the coach's server with py-spy under the benchmark
(see README, "Speed"); neither changes what Rasa does, only how often it redoes it.

1. After every custom action Rasa checks the action server's answer with
   ``jsonschema.validate(result, schema)``, which first checks the large, constant events
   schema itself against the JSON Schema meta-schema, every time: a quarter of the
   server's CPU per turn. Here the schema is checked once and its validator reused;
   answers are validated as before, and an invalid one raises the same
   ``ValidationError`` with the same message.
2. For every graph run (NLU parse, each policy prediction) Rasa works out which nodes
   the targets need by walking every path of the graph, without memo: about 5% of the
   CPU. The graph of a loaded model does not change, so the answer is kept per targets.

Also for the start: skops (which Rasa's logistic-regression classifier loads with) lists
the types it trusts by searching every imported module for each scikit-learn type;
imported after TensorFlow and transformers that took ~7 s of the server's start,
imported first it takes ~2 s.
"""

from __future__ import annotations

import sys
from typing import Any


def validate_action_results_with_one_validator() -> None:
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

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

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def reuse_minimal_graph_schemas() -> None:
    from rasa.engine.graph import GraphSchema

    work_out = GraphSchema.minimal_graph_schema

    def minimal_graph_schema(self: GraphSchema, targets: list[str] | None = None) -> GraphSchema:
        known = self.__dict__.setdefault("_minimal_schemas", {})
        key = tuple(targets) if targets else None
        if key not in known:
            known[key] = work_out(self, targets)
        return known[key]

    GraphSchema.minimal_graph_schema = minimal_graph_schema  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    import skops.io  # noqa: F401  before TensorFlow: see the module's docstring

    validate_action_results_with_one_validator()
    reuse_minimal_graph_schemas()
    from bot.patches import action_connection, action_window, event_types

    action_window.apply()  # the action server gets the last turns, not the session
    event_types.apply()  # an event's class looked up once per type name
    action_connection.apply()  # one kept-open connection to the action server
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
