"""For every graph run (NLU parse, each policy prediction) Rasa works out which nodes the
targets need by walking every path of the graph, without memo: about 5% of the CPU
(found with py-spy under the benchmark). The graph of a loaded model does not change,
so the answer is kept per set of targets.
Upstream: ``GraphSchema.minimal_graph_schema`` in rasa/engine/graph.py.
"""

from __future__ import annotations

from bot.patches import is_patched, patched, require


def apply() -> None:
    require("rasa")
    from rasa.engine.graph import GraphSchema

    if is_patched(GraphSchema.minimal_graph_schema):
        return
    work_out = GraphSchema.minimal_graph_schema

    def minimal_graph_schema(self: GraphSchema, targets: list[str] | None = None) -> GraphSchema:
        known = self.__dict__.setdefault("_minimal_schemas", {})
        key = tuple(targets) if targets else None
        if key not in known:
            known[key] = work_out(self, targets)
        return known[key]

    GraphSchema.minimal_graph_schema = patched(minimal_graph_schema, work_out)  # type: ignore[method-assign]
