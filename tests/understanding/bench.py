"""The understanding benchmark: held-out messages judged by what the coach does over REST.

    python -m tests.understanding.bench [FILE ...]    # what `make bench-understanding` runs

Each case is a fresh conversation on the real Rasa and action servers (their own SQLite
file): its ``before`` messages, then the judged ``text``. What counts is observable from
outside, never an intent name (see tests/understanding/README.md for the schema):

- ``card``: an advice card with one of these topics arrives, and no card is for the other role;
- ``step`` / ``no_step``: a step newly done in a ``progress`` payload (after a typed "yes" when
  the coach asks to confirm it) / none, and no offer to mark one after a negative report;
- ``answer``: an ``answer`` payload arrives before any card, after at most one short reflection;
- ``language_notice``, ``restate``, ``remember``, ``asks_choice``, ``asks_step``: the English-only
  notice, a plainer restatement, the list of what is stored, the either/or question asked again,
  a yes/no question naming the step;
- always: no fallback ("I'm not sure I understood", "That's outside what I can help with", the
  topic menu) and no safety payload.

The benchmark sets are never training data (tests/test_understanding.py checks that none of
their messages is a near duplicate of a training example).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.texts import render
from bot.topics import CARD_TOPICS

HERE = Path(__file__).resolve().parent
STEPS = ("acknowledge", "apologize", "transparency", "boundaries")
ROLES = ("betrayed", "offender")
EXPECT_KEYS = frozenset({
    "card", "step", "no_step", "answer", "language_notice", "restate", "remember", "asks_choice",
    "asks_step",
})
# Patterns where an offer to mark a step is itself wrong when no step may be recorded.
NO_OFFER_PATTERNS = frozenset({"step_report_negative", "negation"})

Send = Callable[[str, str], list[dict]]


def fallback_texts() -> tuple[str, ...]:
    """What the coach says when it did not understand (the replies' own texts, not copies)."""
    return (render("did_not_understand")[0], render("topic_menu")[0], render("utter_out_of_scope")[0])


def notice_text() -> str:
    try:
        return render("english_only")[0]
    except KeyError:  # the system before this benchmark had no notice at all
        return "\0no notice\0"


def load_cases(paths: list[Path]) -> list[dict]:
    cases: list[dict] = []
    seen: set[str] = set()
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in document.get("cases") or []:
            problems = validate(case)
            if problems:
                raise ValueError(f"{path.name}: case {case.get('id')!r}: {'; '.join(problems)}")
            if case["id"] in seen:
                raise ValueError(f"{path.name}: duplicate id {case['id']!r}")
            seen.add(case["id"])
            cases.append(case)
    return cases


def validate(case: dict) -> list[str]:
    problems = []
    if not isinstance(case, dict):
        return ["a case must be a mapping"]
    for key in ("id", "pattern", "text"):
        if not isinstance(case.get(key), str) or not case[key].strip():
            problems.append(f"{key} must be non-empty text")
    before = case.get("before", [])
    if not isinstance(before, list) or not all(isinstance(b, str) for b in before):
        problems.append("before must be a list of texts")
    expect = case.get("expect") or {}
    if not isinstance(expect, dict):
        return problems + ["expect must be a mapping"]
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        problems.append(f"unknown expect keys {sorted(unknown)}")
    card = expect.get("card")
    if card is not None and (not isinstance(card, list) or not set(card) <= CARD_TOPICS):
        problems.append(f"card must be a list of card topics, got {card!r}")
    for key in ("step", "asks_step"):
        if key in expect and expect[key] not in STEPS:
            problems.append(f"{key} must be one of {STEPS}")
    if case.get("role") not in (None, *ROLES):
        problems.append(f"role must be one of {ROLES}")
    return problems


# -- reading the replies ------------------------------------------------------------------------

def customs(replies: list[dict], kind: str) -> list[dict]:
    return [r["custom"] for r in replies
            if isinstance(r.get("custom"), dict) and r["custom"].get("type") == kind]


def payloads(replies: list[dict]) -> set[str]:
    return {str(b.get("payload")) for r in replies for b in r.get("buttons") or []}


def step_question(replies: list[dict]) -> str | None:
    """The step a yes/no question asks about: its text names the step, its buttons are /affirm, /deny."""
    for reply in replies:
        buttons = {str(b.get("payload")) for b in reply.get("buttons") or []}
        if not {"/affirm", "/deny"} <= buttons:
            continue
        named = re.findall(r"\bthe (\w+) step\?", reply.get("text") or "", re.IGNORECASE)
        if named and named[-1] in STEPS:
            return named[-1]
    return None


def done_steps(replies: list[dict], before: frozenset[str]) -> frozenset[str]:
    """The steps done according to the last progress payload in the replies, else ``before``."""
    found = customs(replies, "progress")
    if not found:
        return before
    return frozenset(s["step"] for s in found[-1].get("steps") or [] if s.get("done"))


@dataclass
class Outcome:
    case: dict
    failures: list[str] = field(default_factory=list)
    replies: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def judge(case: dict, replies: list[dict], follow_up: list[dict] | None, done_before: frozenset[str],
          fallbacks: tuple[str, ...], notice: str) -> list[str]:
    expect = case.get("expect") or {}
    role = case.get("role")
    failures = []
    everything = replies + (follow_up or [])
    texts = [r.get("text") or "" for r in everything]

    if any(f in t for t in texts for f in fallbacks):
        failures.append("fallback")
    if customs(everything, "safety"):
        failures.append("safety alarm")

    cards = customs(everything, "advice_card")
    if "card" in expect:
        wanted = set(expect["card"])
        if not any(c.get("topic") in wanted and (role is None or c.get("role") in (role, "any"))
                   for c in cards):
            got = ", ".join(f"{c.get('topic')}/{c.get('role')}" for c in cards) or "no card"
            failures.append(f"card {sorted(wanted)} wanted, got {got}")
    if role is not None:
        other = [c for c in cards if c.get("role") not in (role, "any")]
        if other:
            failures.append(f"card for the other role ({other[0].get('topic')}/{other[0].get('role')})")

    done_after = done_steps(everything, done_before)
    new = done_after - done_before
    asked = step_question(replies)
    if "step" in expect and expect["step"] not in done_after:
        failures.append(f"step {expect['step']} not recorded" + (f" (asked about {asked})" if asked else ""))
    if expect.get("no_step"):
        if new:
            failures.append(f"step recorded: {sorted(new)}")
        elif asked and case.get("pattern") in NO_OFFER_PATTERNS:
            failures.append(f"offered to mark {asked}")
    if "asks_step" in expect and asked != expect["asks_step"]:
        failures.append(f"no question naming the {expect['asks_step']} step")

    if expect.get("answer"):
        answers = customs(replies, "answer")
        if not answers:
            failures.append("no direct answer")
        else:
            position = next(i for i, r in enumerate(replies)
                            if (r.get("custom") or {}).get("type") == "answer")
            first_card = next((i for i, r in enumerate(replies)
                               if (r.get("custom") or {}).get("type") == "advice_card"), len(replies))
            # The answer's own text comes right before its payload; one short reflection may lead.
            said_before = [r for r in replies[:max(position - 1, 0)] if r.get("text")]
            if position > first_card or len(said_before) > 1:
                failures.append("answer not first")
    if "language_notice" in expect:
        noticed = any(notice in t for t in texts)
        if noticed != bool(expect["language_notice"]):
            failures.append("no English-only notice" if expect["language_notice"]
                            else "needless language notice")
    if expect.get("restate") and not customs(replies, "restate"):
        failures.append("no plainer restatement")
    if expect.get("remember") and not customs(replies, "remembered"):
        failures.append("did not list what is stored")
    if expect.get("asks_choice") and not {"/i_broke_trust", "/i_was_betrayed"} <= payloads(replies):
        failures.append("either/or question not asked again")
    return failures


def run_case(send: Send, case: dict, sender: str, fallbacks: tuple[str, ...], notice: str) -> Outcome:
    done: frozenset[str] = frozenset()
    for message in case.get("before") or []:
        done = done_steps(send(sender, message), done)
    replies = send(sender, case["text"])
    follow_up = None
    expect = case.get("expect") or {}
    if "step" in expect and step_question(replies) and expect["step"] not in done_steps(replies, done):
        follow_up = send(sender, "yes")
    outcome = Outcome(case, replies=replies + (follow_up or []))
    outcome.failures = judge(case, replies, follow_up, done, fallbacks, notice)
    return outcome


def run(send: Send, cases: list[dict], tag: str = "und") -> list[Outcome]:
    fallbacks, notice = fallback_texts(), notice_text()
    stamp = int(time.time())
    return [run_case(send, case, f"{tag}-{stamp}-{i}", fallbacks, notice) for i, case in enumerate(cases)]


def scores(outcomes: list[Outcome]) -> tuple[float, dict[str, tuple[int, int]]]:
    by_pattern: dict[str, list[bool]] = defaultdict(list)
    for outcome in outcomes:
        by_pattern[outcome.case["pattern"]].append(outcome.ok)
    overall = sum(o.ok for o in outcomes) / len(outcomes) if outcomes else 0.0
    return overall, {p: (sum(v), len(v)) for p, v in sorted(by_pattern.items())}


def report(outcomes: list[Outcome], worst: int = 25) -> str:
    overall, patterns = scores(outcomes)
    lines = [f"{'pattern':<22} {'right':>6} {'cases':>6} {'share':>6}"]
    for pattern, (right, total) in patterns.items():
        lines.append(f"{pattern:<22} {right:>6} {total:>6} {right / total:>6.2f}")
    lines.append(f"{'overall':<22} {sum(o.ok for o in outcomes):>6} {len(outcomes):>6} {overall:>6.2f}")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        lines.append(f"\nworst cases ({min(worst, len(failed))} of {len(failed)} wrong):")
        for outcome in sorted(failed, key=lambda o: -len(o.failures))[:worst]:
            text = " ".join(outcome.case["text"].split())
            lines.append(f"- {outcome.case['id']} [{outcome.case['pattern']}] {'; '.join(outcome.failures)}")
            lines.append(f"    {text[:110]}{'...' if len(text) > 110 else ''}")
    return "\n".join(lines)


def default_files() -> list[Path]:
    return sorted(HERE.glob("*.yml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the understanding benchmark on real servers.")
    parser.add_argument("files", nargs="*", type=Path, help="case files (default: tests/understanding/*.yml)")
    parser.add_argument("--worst", type=int, default=25, help="how many wrong cases to list")
    parser.add_argument("--pattern", action="append", help="only these patterns")
    parser.add_argument("--case", action="append", help="only these case ids (shows the replies)")
    args = parser.parse_args(argv)
    cases = load_cases(args.files or default_files())
    if args.pattern:
        cases = [c for c in cases if c["pattern"] in args.pattern]
    if args.case:
        cases = [c for c in cases if c["id"] in args.case]
    if not cases:
        print("no cases found", file=sys.stderr)
        return 1

    from tests.ports import port
    from tests.servers import MODEL, Servers

    with tempfile.TemporaryDirectory(prefix="bench-und-") as folder:
        servers = Servers(f"sqlite:///{folder}/coach.db", Path(folder),
                          rasa_port=port(15205), action_port=port(15255))
        servers.start()
        try:
            started = time.monotonic()
            outcomes = run(servers.send, cases)
            took = time.monotonic() - started
        finally:
            servers.stop()
    print(report(outcomes, args.worst))
    if args.case:
        for outcome in outcomes:
            print(f"\n{outcome.case['id']}: {' '.join(outcome.case['text'].split())[:300]}")
            for reply in outcome.replies:
                custom = reply.get("custom") or {}
                shown = (reply.get("text") or "").replace("\n", " | ")[:160]
                extra = {k: custom.get(k) for k in ("type", "topic", "role", "card_id") if k in custom}
                buttons = [b.get("payload") for b in reply.get("buttons") or []]
                print(f"   {shown} {extra or ''} {buttons or ''}")
    print(f"\n{len(cases)} cases in {took:.0f} s, model {MODEL.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
