from __future__ import annotations

import subprocess
import sys
import time

from bot.settings import masked


def test_unreachable_database_stops_quickly_and_masks_the_password():
    url = "postgresql://coach:s3cret-pw@127.0.0.1:1/coach"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot.launcher"],
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )
    assert time.monotonic() - started < 30
    assert result.returncode == 2
    assert "postgresql://coach:***@127.0.0.1:1/coach" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


def test_masked_hides_only_the_password():
    assert masked("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert masked("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_a_server_that_keeps_exiting_is_restarted_five_times_then_everything_stops():
    from bot.launcher import Supervisor, spawn

    exits = [sys.executable, "-c", "import sys; sys.exit(3)"]
    stays = [sys.executable, "-c", "import time; time.sleep(60)"]
    said: list[str] = []
    commands = {"flaky": exits, "steady": stays}
    processes = {name: spawn(command, {}) for name, command in commands.items()}
    supervisor = Supervisor(processes, commands, {}, {"flaky": "http://127.0.0.1:1/", "steady": "x"},
                            say=said.append)
    try:
        assert supervisor.run(lambda: False, interval=0.2) == 1
        assert len([line for line in said if "starting it again" in line]) == 5
        assert "STOPPING: the flaky exited (code 3) after 5 restarts" in said[-1]
        assert supervisor.processes["steady"] is processes["steady"], "the healthy one was left alone"
    finally:
        launcher_stop(supervisor.processes)


def test_restarts_older_than_the_window_do_not_count():
    from bot.launcher import Supervisor, spawn

    exits = [sys.executable, "-c", "import sys; sys.exit(0)"]
    said: list[str] = []
    supervisor = Supervisor({"flaky": spawn(exits, {})}, {"flaky": exits}, {}, {"flaky": "x"},
                            max_restarts=2, window_s=0.5, say=said.append)
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            assert supervisor.check(), said
            time.sleep(0.3)
        assert len(said) >= 4, "restarted more than twice in all, never twice in half a second"
    finally:
        launcher_stop(supervisor.processes)


def launcher_stop(processes):
    from bot.launcher import stop

    stop(processes)
