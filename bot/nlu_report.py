"""Summarise a ``rasa test nlu`` intent report: macro-F1 and the weakest intents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def summary(report: dict, worst: int = 5) -> tuple[float, list[tuple[str, float]]]:
    per_intent = {name: v["f1-score"] for name, v in report.items() if name not in SUMMARY_KEYS}
    ranked = sorted(per_intent.items(), key=lambda item: item[1])[:worst]
    return report["macro avg"]["f1-score"], ranked


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:])[0])
    macro, ranked = summary(json.loads(path.read_text()))
    print(f"intent macro-F1: {macro:.3f}")
    print("worst intents:")
    for name, f1 in ranked:
        print(f"  {name:28s} {f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
