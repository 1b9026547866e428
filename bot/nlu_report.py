"""Summarise a ``rasa test nlu`` intent report: macro-F1 and the weakest intents.

    python -m bot.nlu_report results/nlu-cv/intent_report.json
    python -m bot.nlu_report results/rasa-test/intent_report.json --fail-on-errors

``--fail-on-errors`` exits 1 if any example of the test set was misread (its intent, or an
entity the extractor's report lists), the NLU counterpart of ``--fail-on-prediction-errors``,
which ``rasa test`` only has for stories.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def summary(report: dict, worst: int = 5) -> tuple[float, list[tuple[str, float]]]:
    per_intent = {name: v["f1-score"] for name, v in report.items() if name not in SUMMARY_KEYS}
    ranked = sorted(per_intent.items(), key=lambda item: item[1])[:worst]
    return report["macro avg"]["f1-score"], ranked


def errors(folder: Path) -> list[str]:
    """Misread examples: intent errors and entity errors, from the files rasa test writes."""
    found = []
    for name in ("intent_errors.json", "LexiconEntityExtractor_errors.json"):
        path = folder / name
        if path.exists():
            found += [f"{name}: {e.get('text')}" for e in json.loads(path.read_text())]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--fail-on-errors", action="store_true")
    args = parser.parse_args(argv)
    macro, ranked = summary(json.loads(args.report.read_text()))
    print(f"intent macro-F1: {macro:.3f}")
    print("worst intents:")
    for name, f1 in ranked:
        print(f"  {name:28s} {f1:.3f}")
    if args.fail_on_errors:
        misread = errors(args.report.parent)
        for line in misread:
            print(f"  misread: {line}")
        if misread:
            return 1
        print("every test example read right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
