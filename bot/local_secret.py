"""Secrets the servers share: from the environment, else made once into ``var/`` and reused.

    python3 bot/local_secret.py ACTION_SERVER_SECRET action-server   # what the Makefile runs

The action server's shared secret and the web chat's session key must be the same for
every process that reads them (the Rasa server, the action server, ``make shell``,
``rasa test``), across restarts, without anyone having to set them. So: the environment
variable when it is set; otherwise a random value written once to ``var/<name>.secret``
with mode 0600 (created exclusively, so two processes starting at once agree on it).

Standard library only, and no import from ``bot``: the Makefile runs this file with any
Python 3 before the project's virtualenv exists.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import time
from collections.abc import Mapping
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def get(variable: str, name: str, env: dict[str, str] | None = None, folder: Path | None = None) -> str:
    """``env[variable]`` when set, else the content of ``folder/<name>.secret`` (made if missing)."""
    source: Mapping[str, str] = os.environ if env is None else env
    given = (source.get(variable) or "").strip()
    if given:
        return given
    return _from_file((folder or VAR_DIR) / f"{name}.secret")


def _from_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    value = secrets.token_urlsafe(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def _read(path: Path) -> str:
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o600)  # readable by others (copied around, say): tighten it
    for _ in range(50):  # another process may have created it and not written it yet
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and a new secret is made")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: local_secret.py VARIABLE name")
    print(get(sys.argv[1], sys.argv[2]))
