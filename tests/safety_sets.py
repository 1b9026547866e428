"""The safety evaluation sets in tests/safety/ and how their figures are counted and printed.

Each set is a YAML file with three lists, ``crisis``, ``abuse`` and ``negative``, of
``{text, subject?, kind?, certain?, lang?}``. A disclosure counts as caught when the verdict
has its level (crisis or abuse); ``exact`` also needs the subject where one is given. A
negative counts as a false alarm when anything fires. Figures are printed per list and per
kind, so a weak spot (hedged fear, say) shows even when the total looks fine.

    python -m tests.safety_sets heldout2          # the detector alone, printed as a table
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SAFETY_DIR = Path(__file__).parent / "safety"
LISTS = ("crisis", "abuse", "negative")
# The sets the detector is tuned on (or was fixed with): recall must be 1.0 on each.
GATED = ("messages", "heldout", "heldout2", "heldout3")
MAX_FALSE_ALARMS_PER_100 = 2
FULL = False  # print whole messages in the lists of misses


def available() -> list[str]:
    """Every set in tests/safety/, gated ones first, then any written since (heldout4)."""
    names = sorted(p.stem for p in SAFETY_DIR.glob("*.yml"))
    return [n for n in GATED if n in names] + [n for n in names if n not in GATED]


@cache
def load(name: str) -> dict[str, list[dict]]:
    data = yaml.safe_load((SAFETY_DIR / f"{name}.yml").read_text(encoding="utf-8")) or {}
    return {key: [m if isinstance(m, dict) else {"text": m} for m in data.get(key) or []] for key in LISTS}


@dataclass
class Cell:
    total: int = 0
    caught: int = 0  # level right (disclosures) / fired (negatives)
    exact: int = 0  # level and subject right
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, exact: bool, note: str) -> None:
        self.total += 1
        self.caught += ok
        self.exact += exact
        if (not ok) if note.startswith("miss") else ok:
            self.misses.append(note)


@dataclass
class Figures:
    name: str
    cells: dict[tuple[str, str], Cell] = field(default_factory=lambda: defaultdict(Cell))

    def total(self, kind_list: str) -> Cell:
        out = Cell()
        for (lst, _), cell in self.cells.items():
            if lst == kind_list:
                out.total += cell.total
                out.caught += cell.caught
                out.exact += cell.exact
                out.misses += cell.misses
        return out

    def recall(self, level: str) -> float:
        cell = self.total(level)
        return cell.caught / cell.total if cell.total else 1.0

    def false_alarms(self) -> int:
        return self.total("negative").caught

    def table(self, title: str = "") -> str:
        lines = [f"{title or self.name}: list/kind                  n  caught  exact"]
        for lst in LISTS:
            kinds = sorted(k for (lst2, k) in self.cells if lst2 == lst)
            for kind in kinds:
                c = self.cells[(lst, kind)]
                lines.append(f"  {lst:8} {kind:22} {c.total:4} {c.caught:6} {c.exact:6}")
            t = self.total(lst)
            label = "false alarms" if lst == "negative" else "ALL"
            lines.append(f"  {lst:8} {label:22} {t.total:4} {t.caught:6} {t.exact:6}")
        return "\n".join(lines)


Verdict = Callable[[str], "tuple[str, str] | None"]  # text -> (level, subject) or None


def measure(name: str, verdicts: Callable[[list[str]], Iterable[tuple[str, str] | None]]) -> Figures:
    """Score a set. ``verdicts`` maps the list of texts to (level, subject) or None each."""
    data = load(name)
    figures = Figures(name)
    items = [(lst, item) for lst in LISTS for item in data[lst]]
    got_all = list(verdicts([item["text"] for _, item in items]))
    for (lst, item), got in zip(items, got_all, strict=True):
        kind = item.get("kind") or ("lang_" + item["lang"] if item.get("lang") else "-")
        if item.get("lang") and item.get("kind"):
            kind = f"{item['kind']}/{item['lang']}"
        cell = figures.cells[(lst, kind)]
        short = item["text"] if FULL else item["text"][:90]
        if lst == "negative":
            cell.add(got is not None, got is not None, f"alarm {short!r} -> {got}")
            continue
        want_subject = item.get("subject")
        ok = got is not None and got[0] == lst
        exact = ok and (not want_subject or got[1] == want_subject)
        cell.add(ok, exact, f"miss {short!r}: want {lst}/{want_subject}, got {got}")
    return figures


def detector_verdicts(texts: list[str]) -> list[tuple[str, str] | None]:
    """The detector alone (bot.safety), on the text only."""
    from bot import safety

    out = []
    for text in texts:
        got = safety.assess(text)
        out.append(None if got is None else (got.level, got.subject))
    return out


def system_verdicts(servers, prefix: str) -> Callable[[list[str]], list[tuple[str, str] | None]]:
    """The whole trained system over REST: each message opens a new conversation."""
    from tests.servers import customs

    def run(texts: list[str]) -> list[tuple[str, str] | None]:
        out = []
        for i, text in enumerate(texts):
            found = customs(servers.send(f"{prefix}-{i}", text), "safety")
            out.append((found[0]["level"], found[0]["subject"]) if found else None)
        return out

    return run


def tune_meaning(names: tuple[str, ...] = ("messages", "heldout")) -> None:
    """The meaning layer alone on the tuning sets, over a grid of thresholds.

    Only messages.yml, heldout.yml and the bank itself (each exemplar against the others):
    never heldout2, heldout3 or heldout4.
    """
    import numpy as np

    from bot.safety import meaning, read_by_patterns
    from bot.sentence_encoder import encoder

    bank = meaning.bank()
    danger, safe = meaning._vectors()
    rows = []  # (is_danger, best danger similarity, best safe similarity, from a set)
    for name in names:
        data = load(name)
        for lst in LISTS:
            # A negative whose risk words the patterns read and ruled out never reaches this layer.
            texts = [i["text"] for i in data[lst] if lst != "negative" or not read_by_patterns(i["text"])[1]]
            for v in encoder().encode(texts):
                rows.append((lst != "negative", float(np.max(danger @ v)), float(np.max(safe @ v)), "sets"))
    for i in range(len(bank.danger)):  # each danger exemplar, the others as the bank
        d = danger @ danger[i]
        d[i] = -1
        rows.append((True, float(np.max(d)), float(np.max(safe @ danger[i])), "bank"))
    for j in range(len(bank.safe)):
        s = safe @ safe[j]
        s[j] = -1
        source = "nlu" if bank.safe[j].id.startswith("nlu_") else "bank"
        rows.append((False, float(np.max(danger @ safe[j])), float(np.max(s)), source))
    positives = sum(r[0] for r in rows)
    groups = {"sets": "the sets' negatives the patterns leave to it", "bank": "curated not-danger exemplars",
              "nlu": "NLU examples of other intents"}
    counts = {g: sum(1 for r in rows if not r[0] and r[3] == g) for g in groups}
    print(f"meaning layer alone: recall on {positives} disclosures (sets and bank leave-one-out); "
          "false alarms on: " + ", ".join(f"{counts[g]} {label}" for g, label in groups.items()))
    print("  fire  margin  recall   sets  bank  nlu")
    for fire in (0.5, 0.53, 0.55, 0.57, 0.6, 0.65):
        for margin in (0.02, 0.04, 0.06, 0.08):
            hit = [r for r in rows if r[1] >= fire and r[1] - r[2] >= margin]
            caught = sum(r[0] for r in hit)
            alarms = {g: sum(1 for r in hit if not r[0] and r[3] == g) for g in groups}
            print(f"  {fire:.2f}  {margin:.2f}    {caught / positives:.3f}  {alarms['sets']:5} "
                  f"{alarms['bank']:5} {alarms['nlu']:4}")


def _main(args: list[str]) -> None:
    if "--tune-meaning" in args:
        tune_meaning()
        return
    system = "--system" in args
    names = [a for a in args if not a.startswith("--")] or available()
    servers = None
    if system:
        import tempfile

        from tests.ports import port
        from tests.servers import Servers

        folder = Path(tempfile.mkdtemp(prefix="safety-figures-"))
        servers = Servers(f"sqlite:///{folder / 'coach.db'}", folder,
                          rasa_port=port(15107), action_port=port(15157))
        servers.start()
    try:
        for set_name in names:
            how = system_verdicts(servers, set_name) if servers else detector_verdicts
            fig = measure(set_name, how)
            print(fig.table(f"{set_name} ({'whole system over REST' if servers else 'detector alone'})"))
            for lst in LISTS:
                for note in fig.total(lst).misses:
                    print("   ", note)
    finally:
        if servers:
            servers.stop()


if __name__ == "__main__":
    _main(sys.argv[1:])
