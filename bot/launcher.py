"""Starts the action server and the Rasa server, says READY, stops both on Ctrl-C.

    python -m bot.launcher          # what `make run` calls after setup and training

Before anything starts it checks the database (and stops within seconds,
naming the URL with its password masked, if it cannot be reached) and loads
the advice cards.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot import cards
from bot.db import DatabaseUnreachable, check_reachable
from bot.settings import DEFAULT_DATABASE_URL, PROJECT_DIR, masked

BIN = Path(sys.executable).parent
MODEL = PROJECT_DIR / "models" / "coach.tar.gz"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("ACTION_SERVER_PORT", "5055")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("WEB_PORT", "8080")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no network beyond loopback
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def commands(env: dict[str, str], model: Path) -> dict[str, list[str]]:
    rasa = str(BIN / "rasa")
    cors = ["--cors", "http://localhost:8080", "--cors", "http://127.0.0.1:8080"]
    return {
        "action server": [
            rasa, "run", "actions", "--actions", "actions", "--port", env["ACTION_SERVER_PORT"],
        ],
        "rasa server": [
            # `rasa run`, with its action-result check mended (see bot/rasa_server.py).
            str(BIN / "python"), "-m", "bot.rasa_server", "run",
            "--model", str(model), "--port", env["RASA_PORT"],
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml", *cors,
        ],
        "web page": [str(BIN / "python"), "-m", "bot.webpage", "--port", env["WEB_PORT"]],
    }


def health_urls(env: dict[str, str]) -> dict[str, str]:
    return {
        "action server": f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health",
        "rasa server": f"http://127.0.0.1:{env['RASA_PORT']}/",
        "web page": f"http://127.0.0.1:{env['WEB_PORT']}/health",
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(
    env: dict[str, str], model: Path = MODEL, timeout: float = 180, output=None
) -> dict[str, subprocess.Popen]:
    """Start both servers and wait until each answers its health check."""
    processes = {
        name: subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, start_new_session=True, stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        for name, command in commands(env, model).items()
    }
    deadline = time.monotonic() + timeout
    pending = dict(health_urls(env))
    while pending:
        for name, url in list(pending.items()):
            if processes[name].poll() is not None:
                stop(processes)
                raise RuntimeError(f"The {name} exited during start (code {processes[name].returncode}).")
            if answers(url):
                del pending[name]
        if pending and time.monotonic() > deadline:
            stop(processes)
            raise RuntimeError(f"Timed out waiting for: {', '.join(pending)}.")
        time.sleep(0.5)
    return processes


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    env = environment()
    os.environ.update(env)
    url = env["DATABASE_URL"]
    try:
        check_reachable(url)
    except DatabaseUnreachable as error:
        print(f"{error}\nSet DATABASE_URL to a reachable database and run again.", file=sys.stderr)
        return 2
    if cards.main([]) != 0:
        return 1
    if not args.model.exists():
        print(f"No trained model at {args.model}: run 'make run' (it trains first).", file=sys.stderr)
        return 1
    print(f"Database: {masked(url)}", flush=True)
    try:
        processes = start(env, args.model)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"READY  chat page: http://localhost:{env['WEB_PORT']}/  "
        f"REST: http://localhost:{env['RASA_PORT']}/webhooks/rest/webhook  (Ctrl-C stops everything)",
        flush=True,
    )
    stopping = []
    # Set explicitly: a shell that starts us in the background leaves SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    while not stopping and all(p.poll() is None for p in processes.values()):
        time.sleep(0.5)
    print("Stopping...", flush=True)
    stop(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
