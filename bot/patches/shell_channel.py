"""``rasa shell`` serves Rasa's plain ``RestInput`` (as ``cmdline``): any local program,
or a web page in a browser on the machine (it accepts ``text/plain``), can talk to any
conversation through it while the shell runs, Telegram's and the web chat's included.
Its console client also asks for ``?stream=true``, which the project's REST channel does
not offer (streaming skips the channel's error handling).

Here the shell's channel is the project's REST channel under the name ``cmdline``
(same edge checks, ``rest:`` conversations, loopback only), and the console asks for
the whole answer at once. ``make shell`` also binds it to 127.0.0.1.
Upstream: ``rasa.core.run._create_single_channel`` and
``rasa.core.channels.console.record_messages(use_response_stream=True)``.

The console prints a custom payload as "Custom json:" and its raw JSON. Every payload the
coach sends (a card, the checklist, resources: a dict with a ``type``) comes with its text,
which REST returns as the item before it, so the shell showed each card twice, once as JSON.
The console now prints the text only; a payload of any other shape is printed as before.
Upstream: ``rasa.core.channels.console._print_bot_output``.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from bot.channels.rest import CoachRestInput
from bot.patches import is_patched, patched, require


class CoachShellInput(CoachRestInput):
    """The project's REST channel where ``rasa shell``'s console expects it."""

    @classmethod
    def name(cls) -> str:
        return "cmdline"  # rasa.core.run starts the console for a channel of this name

    def url_prefix(self) -> str:
        return "rest"  # the console posts to /webhooks/rest/webhook


def apply() -> None:
    require("rasa")
    from rasa.core.channels import console

    # Not ``import rasa.core.run``: applied from the import hook, the module is not yet an
    # attribute of ``rasa.core``.
    run: Any = importlib.import_module("rasa.core.run")
    create = run._create_single_channel
    if is_patched(create):
        return

    def _create_single_channel(channel, credentials):  # type: ignore[no-untyped-def]
        if channel == "cmdline":
            return CoachShellInput()
        return create(channel, credentials)

    run._create_single_channel = patched(_create_single_channel, create)
    console.record_messages = functools.partial(console.record_messages, use_response_stream=False)
    print_output = console._print_bot_output

    def _print_bot_output(message, *args, **kwargs):  # type: ignore[no-untyped-def]
        custom = message.get("custom")
        if isinstance(custom, dict) and "type" in custom:
            message = {k: v for k, v in message.items() if k != "custom"}
        return print_output(message, *args, **kwargs)

    console._print_bot_output = patched(_print_bot_output, print_output)
