"""rasa_sdk 3.6.2's action server answers any exception in an action with
``{"error": str(exception), "request_body": request.json}`` and status 500: the whole
tracker, every message of the session, goes back to the caller, and Rasa logs that
body at ERROR ("Failed to execute custom action ... body='...'"). It also logs the
exception with a traceback whose message may quote the text.

Here the handler answers ``{"error": "the action failed", "action_name": ...}`` and logs
the action's name and the exception's type only.
Upstream: the ``@app.exception(Exception)`` handler in rasa_sdk/endpoint.py ``create_app``,
which ``apply`` wraps, so every app it makes gets this handler: ``bot.action_server``'s and
plain ``rasa run actions``' (through ``bot/patches/autoload.py``).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from bot.patches import is_patched, patched, require

logger = logging.getLogger("bot.action_server")


def apply() -> None:
    require("rasa_sdk")
    endpoint: Any = importlib.import_module("rasa_sdk.endpoint")  # from the import hook: not yet an attribute
    if is_patched(endpoint.create_app):
        return
    upstream = endpoint.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = upstream(*args, **kwargs)
        replace_handler(app)
        return app

    endpoint.create_app = patched(create_app, upstream)


def replace_handler(app: Any) -> None:
    """Replace the catch-all exception handler of an app made by ``rasa_sdk.endpoint.create_app``."""
    from sanic import response
    from sanic.exceptions import SanicException

    async def exception_handler(request: Any, exception: Exception) -> Any:
        if isinstance(exception, SanicException) and (exception.status_code or 500) < 500:
            # Sanic's own 4xx (a body that is not JSON, a wrong method): say so, briefly.
            return response.json({"error": type(exception).__name__}, status=exception.status_code)
        try:
            body = request.json if isinstance(request.json, dict) else {}
        except Exception:  # noqa: BLE001 - the body may be what failed
            body = {}
        name = body.get("next_action") if isinstance(body.get("next_action"), str) else None
        # exc_info: frames and exception types only, see bot/log_redaction.py
        logger.error("Action %s failed: %s", name, type(exception).__name__, exc_info=exception)
        return response.json({"error": "the action failed", "action_name": name}, status=500)

    # Sanic 21.12 looks handlers up by (exception type, route name) and caches what it
    # found per type: this replaces the catch-all (Exception, None) that create_app
    # registered, and forgets any type already resolved to it.
    handlers = getattr(app.error_handler, "orig_handler", app.error_handler)  # sanic-cors wraps it
    upstream = handlers.cached_handlers.get((Exception, None))
    handlers.add(Exception, exception_handler)
    for key, handler in list(handlers.cached_handlers.items()):
        if handler is upstream and upstream is not None:
            del handlers.cached_handlers[key]
