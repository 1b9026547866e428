"""Every change this project makes to Rasa's (and rasa_sdk's) own code, one module each.

Each module says what upstream does and why that is wrong here, checks the version it
was written against, and has a test in ``tests/test_patches.py`` that fails without it.
A Rasa upgrade must revisit them all: :func:`require` stops the server rather than
patch code it has not seen.

- ``action_result_validation``: one JSON-schema validator for action results (speed).
- ``graph_schema_memo``: the graph walk of every run is done once per target set (speed).
- ``sql_session_scope``: an encoding error no longer becomes ``SystemExit`` (issue #11).
- ``shell_channel``: ``rasa shell`` talks through the project's REST channel (issue #11).
- ``rasa_sdk_errors``: the action server's 500 no longer echoes the tracker (issue #11).
- ``anonymization_events``: no second tracker read per turn for the log redaction hook.
"""

from __future__ import annotations

RASA_VERSION = "3.6.21"
RASA_SDK_VERSION = "3.6.2"


class PatchVersionError(RuntimeError):
    pass


def require(package: str = "rasa") -> None:
    """Refuse to patch a version the patches were not written for."""
    if package == "rasa":
        import rasa

        found, expected = rasa.__version__, RASA_VERSION
    else:
        import rasa_sdk

        found, expected = rasa_sdk.__version__, RASA_SDK_VERSION
    if found != expected:
        raise PatchVersionError(
            f"bot/patches was written for {package} {expected}, but {found} is installed: "
            "check each patch against the new version before changing the pin."
        )


def apply_server_patches() -> None:
    """What ``bot.rasa_server`` applies before Rasa starts (``run`` and ``shell``)."""
    from bot.patches import (
        action_result_validation,
        anonymization_events,
        graph_schema_memo,
        shell_channel,
        sql_session_scope,
    )

    require("rasa")
    action_result_validation.apply()
    anonymization_events.apply()
    graph_schema_memo.apply()
    sql_session_scope.apply()
    shell_channel.apply()
