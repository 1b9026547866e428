"""Plain ``rasa test`` runs this project's own tests, not every YAML file under the folder.

Upstream (Rasa 3.6.21, ``rasa/cli/test.py``): ``rasa test`` with no arguments sets its stories
path to ``DEFAULT_E2E_TESTS_PATH``, which is ``"."``. In a project with its virtualenv inside
(``.venv``), that walks into site-packages and runs Rasa's own sample test stories, which
fail against this assistant. Its NLU path defaults to ``data/``: the training data, so the
"test" measures how well the model remembers what it was trained on.

Here the defaults become ``tests/`` (the project's ``test_*.yml`` conversation tests) and
``tests/nlu/`` (NLU examples kept apart from training). Paths given on the command line are
left alone.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from bot.patches import is_patched, patched, require

STORIES = "tests"
NLU = "tests/nlu"
_UPSTREAM_STORIES = "."
_UPSTREAM_NLU = "data"


def apply() -> None:
    """Wrap ``rasa.cli.test.test`` (the function plain ``rasa test`` runs)."""
    require("rasa")
    module: Any = importlib.import_module("rasa.cli.test")

    if is_patched(module.test):
        return
    upstream = module.test

    def test(args: argparse.Namespace) -> None:
        if getattr(args, "stories", None) == _UPSTREAM_STORIES:
            args.stories = STORIES
        if getattr(args, "nlu", None) == _UPSTREAM_NLU:
            args.nlu = NLU
        upstream(args)

    module.test = patched(test, upstream)
