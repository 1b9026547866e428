"""Applies bot.patches as soon as the module each one changes is imported, in any entry point.

Imported at interpreter start by the ``.pth`` file that ``make setup`` installs into the
virtualenv, so the plain ``rasa`` command (``run``, ``shell``, ``test``, ``data validate``,
``run actions``) gets the patches too, not only ``python -m bot.rasa_server``. It only adds an
import hook: nothing of Rasa (or of this project) is imported until Rasa itself is, and a
patch costs nothing in a command that never imports the module it changes.

``rasa run`` and ``rasa shell`` also get what ``bot.rasa_server`` does before Rasa starts
(``bot.rasa_server.prepare``: skops before TensorFlow, the log redaction): the CLI functions of
those commands are wrapped to call it first. It cannot happen from an import of the model's
components: TensorFlow is loaded by then.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from typing import Any

# Each patch (a module of bot.patches with ``apply()``) -> what it replaces, "module:attribute".
# The patch is applied right after that module has run. SERVER: the Rasa server's (``run``,
# ``shell``), which also hold wherever else these modules are used; COMMANDS: the rasa
# command's other entry points, and the action server.
SERVER = {
    "action_result_validation": "rasa.core.actions.action:RemoteAction._validate_action_result",
    "action_window": "rasa.core.actions.action:RemoteAction._action_call_format",
    "graph_schema_memo": "rasa.engine.graph:GraphSchema.minimal_graph_schema",
    "event_types": "rasa.shared.core.events:Event.resolve_by_type",
    "action_connection": "rasa.utils.endpoints:EndpointConfig.session",
    "anonymization_events": "rasa.core.processor:MessageProcessor.run_anonymization_pipeline",
    "sql_session_scope": "rasa.core.tracker_store:SQLTrackerStore.session_scope",
    "tracker_store_errors": "rasa.core.agent:Agent._create_tracker_store",
    "shell_channel": "rasa.core.run:_create_single_channel",
    "sanic_lingering_close": "sanic.http:Http.__aiter__",
}
COMMANDS = {
    "rasa_test_defaults": "rasa.cli.test:test",
    "seeded_folds": "rasa.nlu.test:generate_folds",
    "external_intents": "rasa.validator:Validator._non_default_intents",
    "rasa_sdk_errors": "rasa_sdk.endpoint:create_app",
}
TARGETS = {**SERVER, **COMMANDS}
PATCHES: dict[str, list[str]] = {}  # module -> its patches
for _patch, _target in TARGETS.items():
    PATCHES.setdefault(_target.split(":")[0], []).append(_patch)

# CLI module -> its functions that start a Rasa server: bot.rasa_server.prepare runs first.
SERVER_COMMANDS = {"rasa.cli.run": ("run",), "rasa.cli.shell": ("shell",)}


def apply(module_name: str) -> None:
    """Apply the patches of one (imported) module; each patch is a no-op the second time."""
    for patch in PATCHES.get(module_name, ()):
        importlib.import_module(f"bot.patches.{patch}").apply()


def target(patch: str) -> Any:
    """What the patch replaces, as it is now (the patch's function once it is applied)."""
    module, path = TARGETS[patch].split(":")
    found: Any = importlib.import_module(module)
    for name in path.split("."):
        found = getattr(found, name)
    return found


def _prepared(function: Any) -> Any:
    if getattr(function, "_coach_prepared", False):
        return function

    def command(*args: Any, **kwargs: Any) -> Any:
        from bot import rasa_server

        rasa_server.prepare()
        return function(*args, **kwargs)

    command._coach_prepared = True  # type: ignore[attr-defined]
    command._coach_upstream = function  # type: ignore[attr-defined]
    command.__doc__ = function.__doc__
    return command


def wrap_server_commands(module: Any) -> None:
    for name in SERVER_COMMANDS.get(module.__name__, ()):
        setattr(module, name, _prepared(getattr(module, name)))


class _Loader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        if module.__name__ in SERVER_COMMANDS:
            wrap_server_commands(module)
        else:
            apply(module.__name__)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in PATCHES and fullname not in SERVER_COMMANDS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader)
        return spec


def install() -> None:
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


install()
