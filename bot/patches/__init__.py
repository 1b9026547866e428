"""Every change this project makes to Rasa's (and rasa_sdk's) own code, one module each.

Each module says what upstream does and why that is wrong here, and has a test that
fails without it (``tests/test_patches.py`` ``PATCH_TESTS`` names each). Every ``apply()``
first checks the installed Rasa (``require``): on any other version the patched code may
differ, so the import that would apply a patch fails, loudly, rather than run it blind. A
Rasa upgrade must revisit them all.

Speed (found with py-spy under the benchmark, see README "Speed"):
- ``action_result_validation``: one JSON-schema validator for action results.
- ``graph_schema_memo``: the graph walk of every run is done once per target set.
- ``action_window``: the action server gets the last turns, not the whole session.
- ``event_types``: an event's class is looked up once per type name.
- ``action_connection``: one kept-open connection to the action server.
- ``anonymization_events``: no second tracker read per turn for the log redaction hook.

Safety of the service (issue #11):
- ``sql_session_scope``: an encoding error no longer becomes ``SystemExit``.
- ``shell_channel``: ``rasa shell`` talks through the project's REST channel.
- ``rasa_sdk_errors``: the action server's 500 no longer echoes the tracker.
- ``sanic_lingering_close``: a body over the size limit gets its 413, not a reset.

Several servers (issue #16):
- ``tracker_store_errors``: a database error fails the message (the channel says so)
  instead of Rasa falling back to an in-memory store that loses it.

Tests and the plain ``rasa`` command (issue #12):
- ``rasa_test_defaults``: plain ``rasa test`` runs ``tests/`` and ``tests/nlu/``, not ``.venv``.
- ``seeded_folds``: NLU cross-validation folds are seeded, so runs compare.

Reminders (issue #15):
- ``external_intents``: ``rasa data validate`` accepts ``EXTERNAL_*`` intents without NLU examples.

Where they apply: ``autoload`` applies each patch when Rasa imports the module it changes
(``autoload.TARGETS``), in every Python of the virtualenv: ``make setup`` installs a ``.pth``
file that imports it, so ``rasa run``, ``rasa shell``, ``rasa test``, ``rasa data validate``
and ``rasa run actions`` get them as ``make run`` does; it costs nothing until Rasa itself is
imported. ``bot.rasa_server`` and ``bot.action_server`` also apply theirs explicitly (a no-op
where the hook has), for a Python without the ``.pth``.
"""

from __future__ import annotations

from typing import Any

RASA_VERSION = "3.6.21"
RASA_SDK_VERSION = "3.6.2"


class PatchVersionError(RuntimeError):
    pass


def _installed(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def require(package: str = "rasa") -> None:
    """Refuse to patch a version the patches were not written for.

    Read from the installed distribution, so the action server checks rasa_sdk without
    importing Rasa.
    """
    expected = RASA_VERSION if package == "rasa" else RASA_SDK_VERSION
    found = _installed(package)
    if found != expected:
        raise PatchVersionError(
            f"bot/patches is written against {package} {expected}, found {found}: "
            f"re-check every patch against the new code before changing the pin"
        )


def patched(function: Any, upstream: Any) -> Any:
    """Mark ``function`` as this project's replacement of ``upstream`` (see ``upstream``)."""
    function._coach_patched = True
    function._coach_upstream = upstream
    return function


def is_patched(function: Any) -> bool:
    return getattr(getattr(function, "__func__", function), "_coach_patched", False)


def upstream(function: Any) -> Any:
    """Rasa's own code behind a patched function (itself when not patched): the tests compare
    against it, whichever patches the import hook has applied already."""
    function = getattr(function, "__func__", function)
    return getattr(function, "_coach_upstream", function)


def apply_server_patches() -> None:
    """The patches of the Rasa server (``run`` and ``shell``), all at once.

    ``bot.rasa_server`` calls it before Rasa starts; with the import hook of ``autoload``
    installed (``make setup``) each has been applied already, when Rasa imported the module
    it changes, and this changes nothing. Without the hook (a Python outside the project's
    virtualenv) it is what applies them.
    """
    import importlib

    from bot.patches import autoload

    for module in dict.fromkeys(autoload.SERVER[patch].split(":")[0] for patch in autoload.SERVER):
        importlib.import_module(module)
        autoload.apply(module)
