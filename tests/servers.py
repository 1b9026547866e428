"""Real Rasa + action servers for end-to-end tests, on their own ports and database."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

from bot import cards, launcher
from tests.ports import port

MODEL = launcher.MODEL


class Servers:
    """Both servers started the way `make run` starts them; logs kept for inspection."""

    def __init__(self, database_url: str, log_dir: Path, rasa_port: int = port(15005),
                 action_port: int = port(15055), extra_env: dict[str, str] | None = None) -> None:
        self.env = launcher.environment()
        self.env.update(
            DATABASE_URL=database_url,
            RASA_PORT=str(rasa_port),
            ACTION_SERVER_PORT=str(action_port),
            WEB_PORT=str(rasa_port + 2080),  # never the 8080 a running `make run` holds
            PYTHONUNBUFFERED="1",  # tests read the logs while the servers run
        )
        self.env.update(extra_env or {})
        self.database_url = database_url
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.url = f"http://127.0.0.1:{rasa_port}"
        self.starts = 0

    def start(self) -> None:
        cards.load(self.database_url)
        self.starts += 1
        log = open(self.log_dir / f"servers-{self.starts}.log", "wb")  # noqa: SIM115 - lives with the process
        self.processes = launcher.start(self.env, MODEL, output=log)

    def stop(self) -> None:
        launcher.stop(self.processes)
        self.processes = {}

    def restart(self) -> None:
        self.stop()
        self.start()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("servers-*.log")))

    def send(self, sender: str, message: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def texts(replies: list[dict]) -> list[str]:
    return [r["text"] for r in replies if "text" in r]


def customs(replies: list[dict], kind: str) -> list[dict]:
    return [r["custom"] for r in replies if (r.get("custom") or {}).get("type") == kind]
