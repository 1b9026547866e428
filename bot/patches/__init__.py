"""Every change this project makes to Rasa's (and rasa_sdk's) own code, one module each.

Each module says what upstream does and why that is wrong here, and has a test that
fails without it (``tests/test_patches.py`` and the tests named in each module). Importing
this package checks the installed Rasa: on any other version the patched code may differ,
so the server refuses to start rather than run a patch blind. A Rasa upgrade must revisit
them all.

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

``autoload`` applies the patches that must hold in every entry point when Rasa imports the
module they change: ``make setup`` installs a ``.pth`` file that imports it, so the plain
``rasa`` command gets them too; it costs nothing until Rasa itself is imported.
"""

from __future__ import annotations

from importlib.metadata import version as _installed

RASA_VERSION = "3.6.21"
RASA_SDK_VERSION = "3.6.2"


class PatchVersionError(RuntimeError):
    pass


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


require("rasa")


def apply_server_patches() -> None:
    """What ``bot.rasa_server`` applies before Rasa starts (``run`` and ``shell``)."""
    from bot.patches import (
        action_connection,
        action_result_validation,
        action_window,
        anonymization_events,
        event_types,
        graph_schema_memo,
        sanic_lingering_close,
        shell_channel,
        sql_session_scope,
        tracker_store_errors,
    )

    action_result_validation.apply()
    graph_schema_memo.apply()
    action_window.apply()  # the action server gets the last turns, not the session
    event_types.apply()  # an event's class looked up once per type name
    action_connection.apply()  # one kept-open connection to the action server
    anonymization_events.apply()
    sql_session_scope.apply()
    tracker_store_errors.apply()  # a failed store write is an error, never silently in memory
    shell_channel.apply()
    sanic_lingering_close.apply()  # an oversized body gets its 413, not a reset


def check_version() -> None:
    """For patches applied by ``autoload``: the same check, at the moment they apply."""
    require("rasa")
