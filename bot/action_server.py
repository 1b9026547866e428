"""The action server: rasa_sdk's app, on loopback, answering only calls that carry the secret.

    python -m bot.action_server --port 5055     # `make run` starts it through bot.launcher

- Every call except ``GET /health`` must carry ``X-Coach-Action-Secret`` (compared in
  constant time) and, when it has a body, ``Content-Type: application/json``; otherwise
  401 / 415 before the body is read. Rasa sends the header from ``endpoints.yml``
  (``action_endpoint: headers:``). The secret is ``ACTION_SERVER_SECRET``, or the one
  generated once into ``var/action-server.secret`` (see :mod:`bot.local_secret`), the
  same file the launcher and the Makefile read.
- It listens on ``ACTION_SERVER_HOST`` (or ``SANIC_HOST``), 127.0.0.1 by default.
- No CORS: only the Rasa server calls it, never a browser.
- An action's failure is answered without the tracker and logged by its type only
  (``bot/patches/rasa_sdk_errors.py``); texts in the tracker are kept out of every log
  line written while it is handled (``bot/log_redaction.py``).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Any

from bot import local_secret, log_redaction

SECRET_HEADER = "X-Coach-Action-Secret"
SECRET_VARIABLE = "ACTION_SERVER_SECRET"
SECRET_NAME = "action-server"
OPEN_PATHS = frozenset({"/health"})


def secret(env: dict[str, str] | None = None) -> str:
    return local_secret.get(SECRET_VARIABLE, SECRET_NAME, env)


def texts_in(body: Any) -> list[str]:
    """What people wrote, as far as a tracker in an action call shows it."""
    if not isinstance(body, dict) or not isinstance(body.get("tracker"), dict):
        return []
    tracker = body["tracker"]
    found = [(tracker.get("latest_message") or {}).get("text")] if isinstance(
        tracker.get("latest_message"), dict) else []
    found += [event.get("text") for event in tracker.get("events") or [] if isinstance(event, dict)]
    return [text for text in found if isinstance(text, str)]


def create_app(shared_secret: str, package: str = "actions") -> Any:
    from sanic import response

    from bot.channels import edge
    from bot.patches import rasa_sdk_errors

    rasa_sdk_errors.apply()  # done already where the import hook is installed (make setup)
    from rasa_sdk.endpoint import create_app as sdk_app

    if not shared_secret:
        raise ValueError("the action server needs a secret")
    app = sdk_app(package, cors_origins=None)
    expected = shared_secret.encode()

    @app.middleware("request")
    async def guard(request: Any) -> Any:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        given = request.headers.get(SECRET_HEADER) or ""
        if not hmac.compare_digest(given.encode(), expected):
            return response.json({"error": "unauthorized"}, status=401)
        if request.body and not edge.is_json(request.headers.get("content-type")):
            return response.json({"error": "Content-Type must be application/json"}, status=415)
        if request.body:
            try:
                log_redaction.mark(texts_in(request.json))
            except Exception:  # noqa: BLE001 - rasa_sdk answers a body it cannot read
                log_redaction.mark([])
        return None

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST") or os.environ.get(
        "SANIC_HOST") or "127.0.0.1", help="interface to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    log_redaction.install(rasa=False)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(), stream=sys.stdout,
                        format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    from rasa_sdk.utils import update_sanic_log_level

    update_sanic_log_level()
    app = create_app(secret(), args.actions)
    logging.getLogger(__name__).info("Action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
