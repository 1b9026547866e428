"""Who may call the Rasa server's channels: host names, browser origins, the REST client.

One place for the lists every part uses: the launcher's ``--cors`` flag, the REST
channel's checks and the socket.io channel's origin check.

Environment:
    RASA_HOST      interface the Rasa server listens on (default 127.0.0.1)
    WEB_PORT       the chat page's port; its origins are allowed (default 8080)
    WEB_ORIGINS    further browser origins allowed to call, e.g. https://chat.example.org
                   (comma- or space-separated)
    ALLOWED_HOSTS  further host names the servers answer to (``Host`` header), besides
                   localhost, 127.0.0.1, ::1 and the hosts of WEB_ORIGINS,
                   RASA_SOCKET_URL and TELEGRAM_WEBHOOK_URL
    REST_TOKEN     bearer token for REST clients that are not on this machine; when
                   unset, only loopback clients may use REST
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Headers a relaying proxy adds. Only X-Real-IP is read, and only from a loopback peer
# (the nginx of docs/TELEGRAM.md sets it from $remote_addr); any of the others means a
# proxy we did not configure relayed the request, so it is not a loopback client.
FORWARDING_HEADERS = (
    "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-server", "x-original-forwarded-for",
    "via", "cf-connecting-ip", "true-client-ip", "x-client-ip", "x-cluster-client-ip", "fastly-client-ip",
)
REAL_IP_HEADER = "x-real-ip"
_SPLIT = re.compile(r"[\s,]+")


def _words(value: str | None) -> list[str]:
    return [word for word in _SPLIT.split(value or "") if word]


def web_origins(env: Mapping[str, str] | None = None) -> list[str]:
    """Every browser origin allowed to call the Rasa server, in a stable order."""
    env = os.environ if env is None else env
    port = int(env.get("WEB_PORT") or 8080)
    origins = [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    for origin in _words(env.get("WEB_ORIGINS")):
        parts = urlsplit(origin)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return list(dict.fromkeys(origins))


def host_names(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """Host names (no port) the Rasa server answers to: a defence against DNS rebinding."""
    env = os.environ if env is None else env
    names = set(LOOPBACK_NAMES)
    urls = [*web_origins(env), env.get("RASA_SOCKET_URL"), env.get("TELEGRAM_WEBHOOK_URL")]
    names.update(urlsplit(url).hostname or "" for url in urls if url)
    names.update(word.lower() for word in _words(env.get("ALLOWED_HOSTS")))
    names.discard("")
    return frozenset(names)


def host_of(header: str | None) -> str | None:
    """The name in a Host header, lower case, without port or IPv6 brackets."""
    if not header:
        return None
    try:
        return urlsplit(f"//{header.strip()}").hostname
    except ValueError:
        return None


def _is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def client_is_loopback(peer: str | None, headers: Mapping[str, str]) -> bool:
    """True only for a request from this machine, directly or through the project's nginx."""
    if not _is_loopback(peer):
        return False
    lowered = {name.lower() for name in headers}
    if any(name in lowered for name in FORWARDING_HEADERS):
        return False
    real_ip = next((value for name, value in headers.items() if name.lower() == REAL_IP_HEADER), None)
    return real_ip is None or _is_loopback(real_ip)


@dataclass(frozen=True)
class Access:
    hosts: frozenset[str]
    origins: tuple[str, ...]
    rest_token: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Access:
        env = os.environ if env is None else env
        return cls(host_names(env), tuple(web_origins(env)), (env.get("REST_TOKEN") or "").strip() or None)

    def host_ok(self, header: str | None) -> bool:
        return host_of(header) in self.hosts

    def origin_ok(self, origin: str | None) -> bool:
        """No Origin (curl, Telegram, a server) is fine; a browser's must be on the list."""
        return origin is None or origin.lower() in self.origins

    def token_ok(self, authorization: str | None) -> bool:
        if not self.rest_token or not authorization:
            return False
        scheme, _, given = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), self.rest_token.encode())

    def rest_refusal(self, peer: str | None, headers: Mapping[str, str]) -> tuple[int, str] | None:
        """(status, error) when a REST request may not go on, else None."""
        get = {name.lower(): value for name, value in headers.items()}.get
        if not self.host_ok(get("host")):
            return 400, "unknown host"
        if not self.origin_ok(get("origin")):
            return 403, "origin not allowed"
        authorization = get("authorization")
        if authorization is not None:
            return None if self.token_ok(authorization) else (401, "invalid token")
        if client_is_loopback(peer, headers):
            return None
        return 401, "a token is needed" if self.rest_token else "REST is open to this machine only"
