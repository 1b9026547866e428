"""Starts the action server, the Rasa server and the chat page, says READY, keeps them up.

    python -m bot.launcher          # what `make run` calls after setup and training

Before anything starts it checks the database (and stops within seconds, naming the URL
with its password masked, if it cannot be reached) and loads the advice cards. A server
that fails during start stops everything. Once READY, a server that exits unexpectedly
is started again, at most 5 times in 5 minutes each; after that the launcher stops
everything and says why. Ctrl-C (or SIGTERM) stops all three.

Every server listens on 127.0.0.1 unless RASA_HOST, ACTION_SERVER_HOST or WEB_HOST say
otherwise (see docs/SECURITY.md before changing them).
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
from collections import deque
from collections.abc import Callable
from pathlib import Path

from bot import cards, local_secret
from bot.channels.access import web_origins
from bot.db import DatabaseUnreachable, check_reachable
from bot.settings import DEFAULT_DATABASE_URL, PROJECT_DIR, masked

BIN = Path(sys.executable).parent
MODEL = PROJECT_DIR / "models" / "coach.tar.gz"
MAX_RESTARTS = 5
RESTART_WINDOW_S = 300
REQUEST_MAX_BYTES = 1024 * 1024  # Sanic answers 413 above this


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("ACTION_SERVER_PORT", "5055")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("WEB_PORT", "8080")
    for host in ("RASA_HOST", "ACTION_SERVER_HOST", "WEB_HOST"):
        env.setdefault(host, "127.0.0.1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no network beyond loopback
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(REQUEST_MAX_BYTES))
    # Rasa renders its structured logs as JSON lines (never console tracebacks with
    # locals), which the log redaction can read: see bot/log_redaction.py.
    env.setdefault("FORCE_JSON_LOGGING", "1")
    env["ACTION_SERVER_SECRET"] = local_secret.get("ACTION_SERVER_SECRET", "action-server", env)
    env["WEB_SESSION_SECRET"] = local_secret.get("WEB_SESSION_SECRET", "web-session", env)
    return env


def commands(env: dict[str, str], model: Path) -> dict[str, list[str]]:
    python = str(BIN / "python")
    return {
        "action server": [
            python, "-m", "bot.action_server", "--port", env["ACTION_SERVER_PORT"],
            "--host", env["ACTION_SERVER_HOST"],
        ],
        "rasa server": [
            # `rasa run` with the project's patches and log redaction (see bot/rasa_server.py).
            python, "-m", "bot.rasa_server", "run",
            "--model", str(model), "--interface", env["RASA_HOST"], "--port", env["RASA_PORT"],
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            # One flag with every origin: Rasa keeps only the last of repeated --cors flags.
            "--cors", *web_origins(env),
        ],
        "web page": [python, "-m", "bot.webpage", "--host", env["WEB_HOST"], "--port", env["WEB_PORT"]],
    }


def health_urls(env: dict[str, str]) -> dict[str, str]:
    def local(host: str) -> str:  # a wildcard address is reached on loopback
        return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host

    return {
        "action server": f"http://{local(env['ACTION_SERVER_HOST'])}:{env['ACTION_SERVER_PORT']}/health",
        "rasa server": f"http://{local(env['RASA_HOST'])}:{env['RASA_PORT']}/",
        "web page": f"http://{local(env['WEB_HOST'])}:{env['WEB_PORT']}/health",
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def spawn(command: list[str], env: dict[str, str], output=None) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, start_new_session=True, stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


class StartAborted(RuntimeError):
    pass


def start(
    env: dict[str, str], model: Path = MODEL, timeout: float = 180, output=None,
    abort: Callable[[], bool] | None = None,
) -> dict[str, subprocess.Popen]:
    """Start the servers and wait until each answers its health check."""
    processes = {name: spawn(command, env, output) for name, command in commands(env, model).items()}
    deadline = time.monotonic() + timeout
    pending = dict(health_urls(env))
    while pending:
        if abort is not None and abort():
            stop(processes)
            raise StartAborted("Stopped during start.")
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
            process.wait()


class Supervisor:
    """After READY: restarts a server that exits, within a budget, until told to stop."""

    def __init__(self, processes: dict[str, subprocess.Popen], commands: dict[str, list[str]],
                 env: dict[str, str], urls: dict[str, str], output=None, max_restarts: int = MAX_RESTARTS,
                 window_s: float = RESTART_WINDOW_S, say: Callable[[str], None] | None = None) -> None:
        self.processes = processes
        self.commands = commands
        self.env = env
        self.urls = urls
        self.output = output
        self.max_restarts = max_restarts
        self.window_s = window_s
        self.restarts: dict[str, deque[float]] = {name: deque() for name in processes}
        self.coming_back: set[str] = set()
        self.envs: dict[str, dict[str, str]] = {}  # a process's own environment, when not ``env``
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))

    def check(self) -> bool:
        """One look at every server; False once one has used up its restarts."""
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                if name in self.coming_back and answers(self.urls[name]):
                    self.coming_back.discard(name)
                    self.say(f"The {name} is back.")
                continue
            recent = self.restarts[name]
            while recent and now - recent[0] > self.window_s:
                recent.popleft()
            if len(recent) >= self.max_restarts:
                self.say(
                    f"STOPPING: the {name} exited (code {process.returncode}) after "
                    f"{len(recent)} restarts in {self.window_s / 60:g} minutes. Its log above says why."
                )
                return False
            recent.append(now)
            self.say(f"The {name} exited unexpectedly (code {process.returncode}); starting it again "
                     f"({len(recent)} of {self.max_restarts} in {self.window_s / 60:g} minutes).")
            self.processes[name] = spawn(self.commands[name], self.envs.get(name, self.env), self.output)
            self.coming_back.add(name)
        return True

    def run(self, stopping: Callable[[], bool], interval: float = 0.5) -> int:
        while not stopping():
            if not self.check():
                return 1
            time.sleep(interval)
        return 0


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
    stopping: list[bool] = []
    # Set explicitly: a shell that starts us in the background leaves SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    try:
        processes = start(env, args.model, abort=lambda: bool(stopping))
    except StartAborted:
        return 0
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"READY  chat page: http://localhost:{env['WEB_PORT']}/  "
        f"REST: http://localhost:{env['RASA_PORT']}/webhooks/rest/webhook  (Ctrl-C stops everything)",
        flush=True,
    )
    supervisor = Supervisor(processes, commands(env, args.model), env, health_urls(env))
    code = supervisor.run(lambda: bool(stopping))
    print("Stopping...", flush=True)
    stop(supervisor.processes)
    return code


if __name__ == "__main__":
    sys.exit(main())
