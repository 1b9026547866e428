"""Serves the web chat page: web/, the socket.io client from node_modules, /config.js, /health.

    python -m bot.webpage --port 8080     # `make run` starts it through bot.launcher

Nothing on the page comes from outside the machine: the only script besides the page's
own is socket.io-client, installed from package.json/package-lock.json by `make setup`.
Every response forbids other origins (Content-Security-Policy), sends no referrer and
is not cached, so nothing of the chat is left in the browser's cache.

Environment:
    RASA_PORT        where the Rasa server (socket.io channel) listens, 5005 by default;
                     the page connects to that port on the host it was loaded from.
    RASA_SOCKET_URL  overrides that, e.g. https://chat.example.org when behind a proxy.
    QUICK_EXIT_URL   where "Quick exit" goes (default: a weather site).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot import log_redaction
from bot.settings import PROJECT_DIR

WEB_DIR = PROJECT_DIR / "web"
NODE_MODULES = PROJECT_DIR / "node_modules"
DEFAULT_EXIT_URL = "https://weather.com/"

# URL path -> file. Only these are served: no directory listing, no path walking.
FILES: dict[str, Path] = {
    "/": WEB_DIR / "index.html",
    "/index.html": WEB_DIR / "index.html",
    "/app.js": WEB_DIR / "app.js",
    "/styles.css": WEB_DIR / "styles.css",
    "/vendor/socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js",
    "/vendor/socket.io.min.js.map": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js.map",
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}
HOST_NAME = re.compile(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")


def exit_url(env: dict[str, str]) -> str:
    url = env.get("QUICK_EXIT_URL") or DEFAULT_EXIT_URL
    return url if url == "about:blank" or urlsplit(url).scheme in ("http", "https") else DEFAULT_EXIT_URL


def socket_origin(env: dict[str, str], host_header: str | None) -> str:
    """Where the page's socket connects: RASA_SOCKET_URL, or RASA_PORT on the page's own host."""
    if env.get("RASA_SOCKET_URL"):
        parts = urlsplit(env["RASA_SOCKET_URL"])
        return f"{parts.scheme}://{parts.netloc}"
    hostname = "localhost"
    if host_header:
        candidate = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        if HOST_NAME.fullmatch(candidate):
            hostname = candidate
    return f"http://{hostname}:{int(env.get('RASA_PORT', '5005'))}"


def config_script(env: dict[str, str], host_header: str | None) -> str:
    config = {
        "socketUrl": socket_origin(env, host_header),
        "socketPath": "/socket.io",
        "exitUrl": exit_url(env),
    }
    return f"window.COACH_CONFIG = Object.freeze({json.dumps(config)});\n"


def security_headers(socket_url: str) -> dict[str, str]:
    parts = urlsplit(socket_url)
    ws = "wss" if parts.scheme == "https" else "ws"
    connect = f"'self' {socket_url} {ws}://{parts.netloc}"
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; connect-src {connect}; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "coach-web"
    sys_version = ""
    env: dict[str, str] = {}

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        self.respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self.respond(head=True)

    def respond(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/health":
            body, kind = b'{"status": "ok"}', "application/json"
        elif path == "/config.js":
            body, kind = config_script(self.env, self.headers.get("Host")).encode(), TYPES[".js"]
        elif path in FILES:
            file = FILES[path]
            try:
                body = file.read_bytes()
            except FileNotFoundError:
                hint = " (run `make setup`: it installs node_modules)" if NODE_MODULES in file.parents else ""
                self.send_error(HTTPStatus.NOT_FOUND, f"{file.name} is missing{hint}")
                return
            kind = TYPES[file.suffix]
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in security_headers(socket_origin(self.env, self.headers.get("Host"))).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the http.server signature
        # Paths only, never anything a person typed (the page sends chat text over the socket).
        if os.environ.get("WEBPAGE_ACCESS_LOG"):
            super().log_message(format, *args)


def serve(host: str, port: int, env: dict[str, str] | None = None) -> ThreadingHTTPServer:
    handler = type("ConfiguredHandler", (Handler,), {"env": dict(os.environ if env is None else env)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"),
                        help="interface to listen on (default 127.0.0.1: this machine only)")
    args = parser.parse_args(argv)
    log_redaction.install(rasa=False)
    missing = [str(path) for path in FILES.values() if path.suffix != ".map" and not path.exists()]
    if missing:
        print(f"Missing: {', '.join(missing)}. Run `make setup` (npm ci installs node_modules).",
              file=sys.stderr)
        return 1
    server = serve(args.host, args.port)
    print(f"Web chat page: http://localhost:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
