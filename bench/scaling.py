"""The scaling rows of `make bench` (issue #16): one Rasa server against the cluster, both behind nginx.

Both runs are ``bot.cluster.Cluster`` (the code of `make cluster`) on a private PostgreSQL
and Redis, so the only difference is the number of Rasa + action server pairs:
CLUSTER_SERVERS=1 against max(2, cores). Each is driven at 16 and 64 concurrent users with
the bench's script, and reports turns/s, p50/p95, each process's share of a core during the
load (CPU seconds / wall seconds, from /proc), and the peak memory of each Rasa server.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bot import cluster as cluster_module
from bot import launcher

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _cpu_s(pid: int, tree: dict[int, list[int]]) -> float:
    """CPU seconds of a process and every descendant alive now (postgres backends, nginx workers)."""
    total = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(tree.get(current, []))
    return total


def _groups(running: cluster_module.Cluster) -> dict[str, int]:
    groups = {name: process.pid for name, process in running.supervisor.processes.items()}
    if running.postgres is not None and running.postgres.process is not None:
        groups["postgresql"] = running.postgres.process.pid
    if running.redis is not None and running.redis.process is not None:
        groups["redis"] = running.redis.process.pid
    return groups


def measure_cluster(servers: int, turns: int, port_base: int, drive, peak_rss_mb, script: list[str],
                    users: tuple[int, ...] = (16, 64)) -> dict:
    root = Path(tempfile.mkdtemp(prefix="coach-bench-cluster-"))
    os.chmod(root, 0o755)
    env = launcher.environment()
    env.update(DATABASE_URL="", REDIS_URL="", CLUSTER_SERVERS=str(servers),
               CLUSTER_PORT=str(port_base), CLUSTER_BASE_PORT=str(port_base + 100))
    log = open(root / "cluster.log", "wb")  # noqa: SIM115 - lives with the processes
    running = cluster_module.Cluster(env, output=log, root=root / "run")
    result: dict = {"servers": servers}
    try:
        running.start(timeout=400)
        drive(port_base, script, 1, len(script) * 2, f"scale{servers}-warm")
        for count in users:
            groups = _groups(running)
            tree = _children()
            before = {name: _cpu_s(pid, tree) for name, pid in groups.items()}
            own_before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            figures = drive(port_base, script, count, turns, f"scale{servers}-{count}")
            elapsed = time.perf_counter() - started
            tree = _children()
            after = {name: _cpu_s(pid, tree) for name, pid in groups.items()}
            own_after = resource.getrusage(resource.RUSAGE_SELF)
            share = {name: round((after[name] - before[name]) / elapsed, 2) for name in groups}
            own = own_after.ru_utime + own_after.ru_stime - own_before.ru_utime - own_before.ru_stime
            share["load generator"] = round(own / elapsed, 2)
            figures["cpu_share"] = share  # cores used by each process during the load
            result[f"users{count}"] = figures
        rss = {name: round(peak_rss_mb(p.pid)) for name, p in running.supervisor.processes.items()
               if name.startswith("rasa server")}
        result["rasa_rss_mb"] = rss
        result["rasa_rss_total_mb"] = round(sum(rss.values()), 0)
        return result
    finally:
        running.stop()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def rows(scaling: dict, ratio) -> list[tuple]:
    one, many = scaling["one"], scaling["cluster"]
    n = many["servers"]
    out: list[tuple] = [("scaling (behind nginx)", "1 server", f"cluster ({n})", "cluster/1 server")]
    for count in (16, 64):
        a, b = one[f"users{count}"], many[f"users{count}"]
        for key in ("turns_per_s", "p50_ms", "p95_ms"):
            out.append((f"{count} users {key}", a[key], b[key], ratio(b[key], a[key])))
    per_server = round(many["rasa_rss_total_mb"] / n)
    out.append(("rasa server peak RSS MB (per server)", one["rasa_rss_total_mb"], per_server,
                ratio(per_server, one["rasa_rss_total_mb"])))
    out.append(("rasa servers peak RSS MB (total)", one["rasa_rss_total_mb"], many["rasa_rss_total_mb"],
                ratio(many["rasa_rss_total_mb"], one["rasa_rss_total_mb"])))
    return out


def stock_rows(scaling: dict, stock64: dict, ratio) -> list[tuple]:
    many = scaling["cluster"]["users64"]
    out: list[tuple] = [("64 users", f"cluster ({scaling['cluster']['servers']})", "stock Rasa alone",
                         "cluster/stock")]
    for key in ("turns_per_s", "p50_ms", "p95_ms"):
        out.append((key, many[key], stock64[key], ratio(many[key], stock64[key])))
    return out


def cpu_lines(scaling: dict) -> list[str]:
    lines = []
    for label, key in (("1 server", "one"), ("cluster", "cluster")):
        shares = scaling[key]["users64"]["cpu_share"]
        ordered = sorted(shares.items(), key=lambda item: -item[1])
        lines.append(f"cores used at 64 users, {label}: " + ", ".join(f"{name} {v}" for name, v in ordered))
    return lines
