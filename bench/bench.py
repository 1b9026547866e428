"""Benchmark: the coach against stock Rasa 3.6.21 (`rasa init`), in one run, on this machine.

    python bench/bench.py            # full: 500+ turns per load, training, NLU cross-validation
    python bench/bench.py --quick    # a few minutes: fewer turns, no training or cross-validation

Both bots are served the same way (REST webhook, `rasa run`) and driven by a
fixed script over loopback; the coach includes its action server and SQLite.
Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import scaling  # noqa: E402  bench/scaling.py, beside this script (its folder is on sys.path)

from bot import cards, launcher  # noqa: E402

RESULTS = PROJECT / "bench" / "results"
BIN = Path(sys.executable).parent
# Several checkouts may bench (or test) at once on one machine: every port is shifted by
# BENCH_PORT_OFFSET, else TEST_PORT_OFFSET (see tests/ports.py), else not at all.
PORT_OFFSET = int(os.environ.get("BENCH_PORT_OFFSET") or os.environ.get("TEST_PORT_OFFSET") or 0)
COACH_PORT, COACH_ACTIONS_PORT, COACH_WEB_PORT, STOCK_PORT = (
    p + PORT_OFFSET for p in (25005, 25055, 25080, 25105)
)
# The scaling runs (bench/scaling.py): nginx on the first, internal ports from it + 100.
ONE_SERVER_PORT, CLUSTER_PORT = 25300 + PORT_OFFSET, 25600 + PORT_OFFSET
LONG_TURNS = 200  # one conversation this long: do its last turns cost what its early ones did?

# A person's way through the coach: role and breach, cards, the plan, progress.
COACH_SCRIPT = [
    "hi",
    "my husband cheated on me",
    "yes please",
    "why do I feel so insecure now",
    "tell me more",
    "how long does it take to heal from this",
    "I told him what it did to me, the acknowledge step is done",
    "what's next",
    "he apologized properly last night",
    "show my progress",
    "how do we set boundaries after cheating",
    "we agreed on boundaries last night",
    "can trust really be rebuilt",
    "thanks",
]
# A hurt partner's account of about 200 words in one message: read sentence by sentence, so
# the MiniLM encoder runs once for the message and once for its sentences.
LONG_MESSAGE = (
    "I honestly don't know how to start this. Two weeks ago I was looking for a charger in my wife's bag "
    "and found a second phone. I told myself it had to be for work but I opened it anyway. There were "
    "months of messages with a man from her running club, some of them really intimate, plans to meet "
    "when I was away with the kids, photos I wish I had never seen. When I asked her about it she said "
    "it was just a friendship that got out of hand and that nothing physical happened. Then two days "
    "later she admitted they had slept together twice. She cried and said she would end it, and she "
    "says she has. I want to believe her, but I keep checking her location and lying awake going over "
    "every late night she had this year. Our daughter keeps asking why I look so tired. Part of me "
    "wants to leave and part of me still loves her. Is it normal to feel this confused?"
)
# `rasa init`'s moodbot, driven through its own stories.
STOCK_SCRIPT = [
    "hi", "I am sad", "yes", "great", "hello", "I am feeling very good",
    "are you a bot?", "bye", "hey", "not good", "no", "good morning",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Client:
    """One keep-alive HTTP connection, like a channel front end holds."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, sender: str, text: str) -> list:
        body = json.dumps({"sender": sender, "message": text})
        self.connection.request("POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return json.loads(data)


def wait_first_answer(port: int, started: float, timeout: float = 300) -> float:
    while time.monotonic() - started < timeout:
        try:
            if Client(port).send("bench-warmup", "hi") is not None:
                return time.monotonic() - started
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError(f"no answer on port {port} within {timeout} s")


def drive(port: int, script: list[str], users: int, turns: int, tag: str) -> dict:
    """``users`` concurrent people, each walking the script in its own conversation."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_user = max(1, -(-turns // users))

    def person(index: int) -> None:
        client = Client(port)
        mine = []
        for turn in range(per_user):
            if turn % len(script) == 0:
                sender = f"{tag}-{index}-{turn}"
            text = script[turn % len(script)]
            t0 = time.perf_counter()
            client.send(sender, text)
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=person, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "users": users,
        "turns": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "turns_per_s": round(len(latencies) / elapsed, 1),
    }


def long_conversation(port: int, script: list[str], turns: int, tag: str) -> dict:
    """One person, one session, ``turns`` turns: turns 6-15 against the last 10."""
    client = Client(port)
    latencies = []
    for turn in range(turns):
        t0 = time.perf_counter()
        client.send(f"{tag}-long", script[turn % len(script)])
        latencies.append((time.perf_counter() - t0) * 1000)
    early, late = latencies[5:15], latencies[-10:]
    return {
        "turns": turns,
        "turns_6_15_mean_ms": round(statistics.fmean(early), 1),
        "last_10_mean_ms": round(statistics.fmean(late), 1),
        "turns_6_15_median_ms": round(statistics.median(early), 1),
        "last_10_median_ms": round(statistics.median(late), 1),
        "growth": round(statistics.fmean(late) / statistics.fmean(early), 2),
    }


def measure(port: int, script: list[str], turns: int, tag: str) -> dict:
    drive(port, script, 1, len(script) * 2, f"{tag}-warm")  # warm caches, compile graphs
    return {
        "single": drive(port, script, 1, turns, f"{tag}-one"),
        "concurrent16": drive(port, script, 16, turns, f"{tag}-many"),
        "long": long_conversation(port, script, LONG_TURNS, tag),
    }


def long_message(port: int, turns: int, tag: str) -> dict:
    """One person at a time sends the long account, each time as a new conversation."""
    return drive(port, [LONG_MESSAGE], 1, turns, f"{tag}-long")


def run_coach(workdir: Path, turns: int) -> dict:
    env = launcher.environment()
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'coach.db'}", RASA_PORT=str(COACH_PORT),
               WEB_PORT=str(COACH_WEB_PORT), ACTION_SERVER_PORT=str(COACH_ACTIONS_PORT))
    cards.load(env["DATABASE_URL"])
    log = open(workdir / "coach.log", "wb")  # noqa: SIM115
    started = time.monotonic()
    processes = {
        name: subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
        for name, command in launcher.commands(env, launcher.MODEL).items()
    }
    try:
        first = wait_first_answer(COACH_PORT, started)
        result = measure(COACH_PORT, COACH_SCRIPT, turns, "coach")
        result["long_message"] = long_message(COACH_PORT, max(turns // 10, 12), "coach")
        result["start_to_first_answer_s"] = round(first, 1)
        result["rss_mb"] = {name: round(peak_rss_mb(p.pid), 0) for name, p in processes.items()}
        return result
    finally:
        launcher.stop(processes)


def run_stock(workdir: Path, turns: int) -> dict:
    project = workdir / "stock"
    project.mkdir()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    log = open(workdir / "stock.log", "wb")  # noqa: SIM115
    started = time.monotonic()
    process = subprocess.Popen([str(BIN / "rasa"), "run", "--model", str(model), "--port", str(STOCK_PORT)],
                               cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        first = wait_first_answer(STOCK_PORT, started)
        result = measure(STOCK_PORT, STOCK_SCRIPT, turns, "stock")
        result["concurrent64"] = drive(STOCK_PORT, STOCK_SCRIPT, 64, turns, "stock-64")
        result["long_message"] = long_message(STOCK_PORT, max(turns // 10, 12), "stock")
        result["start_to_first_answer_s"] = round(first, 1)
        result["rss_mb"] = {"rasa server": round(peak_rss_mb(process.pid), 0)}
        return result
    finally:
        launcher.stop({"stock": process})


def full_training_seconds(workdir: Path) -> float:
    out = workdir / "train"
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(workdir / "empty-cache"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.monotonic()
    subprocess.run([str(BIN / "rasa"), "train", "--out", str(out), "--fixed-model-name", "bench"],
                   cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.monotonic() - started, 1)


def nlu_cross_validation(workdir: Path) -> dict:
    from bot.nlu_report import summary

    out = workdir / "nlu-cv"
    subprocess.run([str(BIN / "rasa"), "test", "nlu", "--nlu", "data/nlu",
                    "--config", "config.yml", "--cross-validation", "--folds", "5", "--out", str(out)],
                   cwd=PROJECT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    macro, worst = summary(json.loads((out / "intent_report.json").read_text()))
    return {"macro_f1": round(macro, 3), "worst": [[n, round(f, 3)] for n, f in worst]}


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def table(results: dict) -> str:
    c, s = results["coach"], results["stock"]
    rows = [("metric", "coach", "stock", "coach/stock")]
    for load, label in (("single", "1 user"), ("concurrent16", "16 users")):
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            rows.append((f"{label} {key}", c[load][key], s[load][key], ratio(c[load][key], s[load][key])))
    lc, ls = c["long"], s["long"]
    rows.append((f"{lc['turns']}-turn conversation, turns 6-15 mean ms", lc["turns_6_15_mean_ms"],
                 ls["turns_6_15_mean_ms"], ratio(lc["turns_6_15_mean_ms"], ls["turns_6_15_mean_ms"])))
    rows.append((f"{lc['turns']}-turn conversation, last 10 mean ms", lc["last_10_mean_ms"],
                 ls["last_10_mean_ms"], ratio(lc["last_10_mean_ms"], ls["last_10_mean_ms"])))
    rows.append((f"{lc['turns']}-turn conversation, last 10 / turns 6-15", lc["growth"], ls["growth"],
                 ratio(lc["growth"], ls["growth"])))
    if "long_message" in c and "long_message" in s:
        mc, ms = c["long_message"]["p50_ms"], s["long_message"]["p50_ms"]
        rows.append(("long message (~200 words) p50_ms", mc, ms, ratio(mc, ms)))
    rows.append(("16 users turns/s", c["concurrent16"]["turns_per_s"], s["concurrent16"]["turns_per_s"],
                 ratio(c["concurrent16"]["turns_per_s"], s["concurrent16"]["turns_per_s"])))
    rows.append(("rasa server peak RSS MB", c["rss_mb"]["rasa server"], s["rss_mb"]["rasa server"],
                 ratio(c["rss_mb"]["rasa server"], s["rss_mb"]["rasa server"])))
    rows.append(("action server peak RSS MB", c["rss_mb"]["action server"], "-", "-"))
    rows.append(("start to first answer s", c["start_to_first_answer_s"], s["start_to_first_answer_s"],
                 ratio(c["start_to_first_answer_s"], s["start_to_first_answer_s"])))
    if "train_s" in results:
        rows.append(("full rasa train s (empty cache)", results["train_s"], "-", "-"))
    if "nlu" in results:
        rows.append(("NLU intent macro-F1 (5-fold CV)", results["nlu"]["macro_f1"], "-", "-"))
    return markdown(rows)


def markdown(rows: list[tuple]) -> str:
    width = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["| " + " | ".join(str(v).ljust(width[i]) for i, v in enumerate(r)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in width) + "|")
    return "\n".join(lines)


def cluster_servers() -> int:
    return max(2, os.cpu_count() or 1)


def report(results: dict) -> str:
    parts = [table(results)]
    if "scaling" in results:
        parts.append(markdown(scaling.rows(results["scaling"], ratio)))
        if "concurrent64" in results["stock"]:
            stock64 = results["stock"]["concurrent64"]
            parts.append(markdown(scaling.stock_rows(results["scaling"], stock64, ratio)))
        parts.append("\n".join(scaling.cpu_lines(results["scaling"])))
    return "\n\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer turns, no training or cross-validation")
    parser.add_argument("--no-scaling", action="store_true", help="without the 1 server / cluster rows")
    parser.add_argument("--show", type=Path, help="print the tables of a saved result and stop")
    args = parser.parse_args()
    if args.show:
        print(report(json.loads(args.show.read_text())))
        return 0
    if not launcher.MODEL.exists():
        print("No trained model: run `make train` first.", file=sys.stderr)
        return 1
    turns = 120 if args.quick else 520
    workdir = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    results: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": args.quick,
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    try:
        print("coach ...", flush=True)
        results["coach"] = run_coach(workdir, turns)
        print("stock rasa init ...", flush=True)
        results["stock"] = run_stock(workdir, turns)
        if not args.no_scaling:
            print("scaling: 1 server behind nginx ...", flush=True)
            one = scaling.measure_cluster(1, turns, ONE_SERVER_PORT, drive, peak_rss_mb, COACH_SCRIPT)
            print("scaling: the cluster behind nginx ...", flush=True)
            many = scaling.measure_cluster(cluster_servers(), turns, CLUSTER_PORT, drive, peak_rss_mb,
                                           COACH_SCRIPT)
            results["scaling"] = {"one": one, "cluster": many}
        if not args.quick:
            print("full training from an empty cache ...", flush=True)
            results["train_s"] = full_training_seconds(workdir)
            print("NLU cross-validation ...", flush=True)
            results["nlu"] = nlu_cross_validation(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "latest-quick.json" if args.quick else "latest.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))
    if "nlu" in results:
        print("worst intents:", ", ".join(f"{n} {f}" for n, f in results["nlu"]["worst"]))
    print(f"written to bench/results/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
