"""The understanding benchmark (tests/understanding/): held out from training, and a floor.

- No benchmark message may be a normalised duplicate, or a near duplicate by meaning (MiniLM
  cosine >= 0.9), of anything the coach learns from: NLU examples, the answer bank's questions,
  the step criteria's examples. Messages of three words or fewer ("yes", "ok thx", "si") are
  exempt: they are bound to match a training example and are tests of the dialogue, not of NLU.
- understanding.yml, run over REST on the real servers, must stay at or above the figures
  reached (overall and per pattern): the issue's CI floor. closing.yml is reported, not gated.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot import answers, steps
from tests.understanding import bench

PROJECT = Path(__file__).resolve().parent.parent
NEAR = 0.9
SHORT = 3
# The floor: what the benchmark reached when this was committed (tests/understanding/README.md),
# less about one case per pattern for run-to-run jitter (a retrained model, timing).
FLOOR_OVERALL = 0.80
FLOOR_PATTERN = {
    "confirmation": 0.97, "context": 0.97, "language": 0.92, "long_story": 0.42, "negation": 0.66,
    "plain": 0.84, "role": 0.69, "step_report_negative": 0.78, "step_report_positive": 0.80,
    "typos": 0.84, "yes_no": 0.70,
}
# A pattern a future set adds is held to the lowest floor.
FLOOR_NEW_PATTERN = min(FLOOR_PATTERN.values())
# The floor holds on the set it was reached on. The closing set (closing.yml), written blind
# after the work, is measured by `make bench-understanding` and reported, not gated: a floor
# set from its own figure would only invite tuning on it.
FLOOR_SET = bench.HERE / "understanding.yml"


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'").replace("'", "")).split())


def training_texts() -> list[str]:
    texts = []
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(re.sub(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))", r"\1", line[2:]))
    texts += [q for _, q in answers.questions()]
    for criteria in steps.criteria().values():
        texts += [t for examples in criteria.done_examples.values() for t in examples]
        texts += list(criteria.not_done_examples)
    return texts


def benchmark_texts() -> list[tuple[str, str]]:
    cases = bench.load_cases(bench.default_files())
    return [(c["id"], c["text"]) for c in cases if len(c["text"].split()) > SHORT]


def test_the_benchmark_parses_and_covers_every_pattern():
    cases = bench.load_cases(bench.default_files())
    patterns = {c["pattern"] for c in cases}
    assert len(cases) >= 400
    assert {"long_story", "negation", "role", "yes_no", "step_report_positive", "step_report_negative",
            "confirmation", "typos", "language", "context", "plain"} <= patterns
    assert all(sum(c["pattern"] == p for c in cases) >= 30 for p in patterns)


def test_no_benchmark_message_is_a_normalised_duplicate_of_training_data():
    seen = {normalised(t) for t in training_texts()}
    dupes = [case_id for case_id, text in benchmark_texts() if normalised(text) in seen]
    assert not dupes, f"benchmark messages found in the training data: {dupes}"


def test_no_benchmark_message_is_a_near_duplicate_of_training_data():
    from bot.sentence_encoder import encoder

    held_out = benchmark_texts()
    training = training_texts()
    a = encoder().encode([t for _, t in held_out])
    b = encoder().encode(training)
    similarity = a @ b.T
    worst = similarity.max(axis=1)
    near = [(held_out[i][0], training[int(similarity[i].argmax())], round(float(worst[i]), 3))
            for i in np.flatnonzero(worst >= NEAR)]
    assert not near, f"near duplicates (benchmark id, training text, cosine): {near}"


def test_the_near_duplicate_check_can_fail():
    from bot.sentence_encoder import encoder

    a, b = encoder().encode(["my husband cheated on me with his coworker",
                             "my husband cheated on me with a coworker"])
    assert float(a @ b) >= NEAR
    assert normalised("Was it MY fault?!") == normalised("was it my fault")


@pytest.mark.server
def test_understanding_stays_above_its_floor(tmp_path, capsys):
    from tests.ports import port
    from tests.servers import MODEL, Servers

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    servers = Servers(f"sqlite:///{tmp_path / 'coach.db'}", tmp_path,
                      rasa_port=port(15205), action_port=port(15255))
    servers.start()
    try:
        outcomes = bench.run(servers.send, bench.load_cases([FLOOR_SET]), tag="und-floor")
    finally:
        servers.stop()
    overall, patterns = bench.scores(outcomes)
    with capsys.disabled():
        print("\n" + bench.report(outcomes, worst=10))
    assert overall >= FLOOR_OVERALL
    low = {p: round(r / t, 2) for p, (r, t) in patterns.items()
           if r / t < FLOOR_PATTERN.get(p, FLOOR_NEW_PATTERN)}
    assert not low, f"patterns below their floor: {low}"
    # Never a step from a report that says it did not happen.
    wrong = [o.case["id"] for o in outcomes if o.case["pattern"] == "step_report_negative"
             and any(f.startswith("step recorded") for f in o.failures)]
    assert not wrong, f"steps recorded from negative reports: {wrong}"
