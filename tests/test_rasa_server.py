"""The two mended slow spots of ``rasa run`` (bot/rasa_server.py) behave as Rasa's own code."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

from bot import rasa_server

RESULTS = [
    {"events": [{"event": "slot", "name": "role", "value": "betrayed"}], "responses": [{"text": "hi"}]},
    {"events": [], "responses": []},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}], "responses": [{"text": "missing the slot's name"}]},
    {"responses": ["not an object"]},
]


def outcome(validate, result):
    try:
        return validate(RemoteAction("action_x", None), result)
    except ValidationError as error:
        return ("invalid", error.message)


@pytest.mark.parametrize("result", RESULTS)
def test_action_results_are_judged_as_rasa_judges_them(monkeypatch, result):
    rasa_own = RemoteAction._validate_action_result
    expected = outcome(rasa_own, result)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_own)
    rasa_server.validate_action_results_with_one_validator()
    assert RemoteAction._validate_action_result is not rasa_own
    assert outcome(RemoteAction._validate_action_result, result) == expected


def node(*needs: str) -> SchemaNode:
    return SchemaNode(needs={f"input{i}": n for i, n in enumerate(needs)}, uses=WhitespaceTokenizer,
                      constructor_name="create", fn="process", config={})


def test_minimal_graph_schemas_are_the_same_and_worked_out_once(monkeypatch):
    monkeypatch.setattr(GraphSchema, "minimal_graph_schema", GraphSchema.minimal_graph_schema)
    schema = GraphSchema({"a": node(), "b": node("a"), "c": node("a", "b"), "d": node("c"), "e": node("a")})
    expected = {t: schema.minimal_graph_schema(list(t)) for t in [("d",), ("e",), ("b", "e")]}
    walks = []
    walk = GraphSchema._all_dependencies_schema
    monkeypatch.setattr(GraphSchema, "_all_dependencies_schema",
                        lambda self, targets: walks.append(targets) or walk(self, targets))
    rasa_server.reuse_minimal_graph_schemas()
    walked = []
    for _ in range(3):
        for targets, minimal in expected.items():
            assert schema.minimal_graph_schema(list(targets)).nodes == minimal.nodes
        walked.append(len(walks))
    assert walked[0] > 0 and walked[0] == walked[-1], "each set of targets is walked once"
