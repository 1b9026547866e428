"""Reads what a message says beyond its intent, and settles the intent where the wording decides.

Runs after the intent classifier and the role cue. It adds a ``reading`` to the parse data,
which the actions use (``bot/coach.py``):

- ``language``: another language was detected (``components/text_prep.py``): the intent becomes
  ``other_language`` and nothing else is read.
- ``denied``: breach phrases negated where they stand ("he didn't cheat, he just stopped talking
  to me"); their entities are removed. ``breach_type``: the breach by meaning when no phrase
  names one (a logistic regression on the MiniLM embedding, trained here on the annotated
  examples), read from the message without its denied clauses.
- ``sentences``: for a long message, each sentence is classified on its own (a second
  logistic regression on the embedding) and combined: who was hurt (role cue per sentence,
  quotes left out, and the sentences' intents), what happened, the question if there is one
  (then the message's intent is that question's), a step report.
- ``answers``: for a yes/no or "is it normal" question, the nearest questions of the answer bank
  (``data/answers/``) by cosine; ``bot.answers.choose`` picks the one for the person's side.
- ``step``: for a step report, the steps its words name, the nearest step examples by meaning
  (``data/cards/steps.yml``), and its polarity (``bot.steps``): done, or not done and why.
- ``hedge`` / ``yes``: whether a short answer is a real yes ("yep I did") or a hedge ("I guess?").

The embedding is the one MiniLMFeaturizer already computed; only a long message's sentences
are encoded again (one batch).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import answers, reading, steps
from bot.role_cue import speaker_role
from bot.sentence_encoder import encoder
from bot.topics import topic_for_intent

logger = logging.getLogger(__name__)

READING = "reading"
LANGUAGE = "language"
SITUATION = {"i_was_betrayed": "betrayed", "i_broke_trust": "offender", "express_hurt": "betrayed",
             "express_guilt": "offender"}
SAFETY_INTENTS = frozenset({"crisis_self_harm", "report_abuse"})
# Requests about the conversation or the plan itself: never re-read as a step report or a situation.
CONTROL = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "ask_capabilities", "ask_more",
    "ask_rephrase", "start_plan", "report_step_undone", "ask_progress", "ask_next_step", "reset_progress",
    "delete_my_data", "ask_data_kept", "other_language",
})
_WHAT_TO_DO = re.compile(r"\bwhat (?:should|do|can|shall|would) (?:i|we) do\b|\bwhat now\b|\bhelp me\b")
# Intents a person's own wording may be re-read from; a button payload or safety never is.
NEVER_OVERRIDDEN = SAFETY_INTENTS | {"report_safe", "inform_region", "delete_my_data", "ask_safety_plan"}


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-9)


def _fit(features: np.ndarray, labels: list[str]) -> dict[str, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    model.fit(features, labels)
    return {"coef": model.coef_, "intercept": model.intercept_, "classes": np.array(model.classes_)}


def _predict(model: dict[str, np.ndarray], features: np.ndarray) -> list[list[tuple[str, float]]]:
    """Class probabilities, best first, for each row (multinomial softmax, as sklearn computes)."""
    logits = features @ model["coef"].T + model["intercept"]
    if logits.shape[1] == 1:  # two classes: sklearn keeps one column
        logits = np.hstack([-logits, logits]) / 2
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    classes = model["classes"]
    return [sorted(zip(classes.tolist(), row.tolist(), strict=True), key=lambda x: -x[1])
            for row in probabilities]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MessageReader(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # A message of at least this many words and two sentences is read sentence by sentence.
            "long_words": 25,
            # A question sentence's topic counts from this probability (topics only).
            "min_question_confidence": 0.15,
            # The breach by meaning counts from this probability.
            "min_breach_confidence": 0.45,
            # Below this the classifier's intent is re-read: a situation by its breach, else the
            # classifier averaged with the embedding's own, counted from back_off_confidence.
            "unsure_below": 0.35,
            "back_off_confidence": 0.3,
            # Below this cosine a step example is no evidence of the step.
            "min_step_similarity": 0.45,
            "min_answer_score": answers.MIN_SCORE,
            # How much lower the match may be when the classifier's topic agrees with the answer's card.
            "agreement_margin": 0.1,
            # A safety intent the classifier is at least this sure of is never re-read
            # (SafetyGuard's own threshold for the classifier's guess).
            "safety_confidence": 0.7,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 models: dict[str, Any] | None = None) -> None:
        self.config = config
        self._storage = model_storage
        self._resource = resource
        self._models = models or {}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageReader:
        return cls(config, model_storage, resource)

    # -- training ----------------------------------------------------------------------------------

    @staticmethod
    def _embedding(message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            return None
        return _unit(np.asarray(sentence.features).reshape(-1))

    def train(self, training_data: TrainingData) -> Resource:
        from bot import nlp

        lexicon = nlp.load()
        vectors, intents, breach_vectors, breaches = [], [], [], []
        for example in training_data.intent_examples:
            vector = self._embedding(example)
            if vector is None:
                continue
            vectors.append(vector)
            intents.append(example.get(INTENT))
            # The breach an example names: annotated, or found by the lexicon and not denied.
            found = {e["value"] for e in example.get(ENTITIES) or [] if e.get("entity") == "breach_type"}
            text = example.get(TEXT) or ""
            found |= {ent.ent_id_ for ent in lexicon(text.lower()).ents
                      if ent.label_ == "breach_type"
                      and not reading.negated(text, ent.start_char, ent.end_char)}
            if len(found) == 1:
                breach_vectors.append(vector)
                breaches.append(found.pop())
        index = {}
        if vectors:
            index.update({f"intent_{k}": v for k, v in _fit(np.stack(vectors), intents).items()})
        if len(set(breaches)) > 1:
            index.update({f"breach_{k}": v for k, v in _fit(np.stack(breach_vectors), breaches).items()})
        asked = answers.questions()
        index["answer_vectors"] = _unit(encoder().encode([q for _, q in asked]))
        index["answer_ids"] = np.array([a for a, _ in asked])
        examples = steps.examples()
        index["step_vectors"] = _unit(encoder().encode([t for _, _, t in examples]))
        index["step_labels"] = np.array([f"{s}:{r}" for s, r, _ in examples])
        card_topics = _card_topics()
        topics = {a.id: card_topics.get(a.card_id) for a in answers.bank().values()}
        with self._storage.write_to(self._resource) as folder:
            np.savez(folder / "reader.npz", **index)
            (folder / "answer_topics.json").write_text(json.dumps(topics))
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> MessageReader:
        models: dict[str, Any] = {}
        try:
            with model_storage.read_from(resource) as folder:
                with np.load(folder / "reader.npz", allow_pickle=False) as stored:
                    flat = {k: stored[k] for k in stored.files}
                models["answer_topics"] = json.loads((folder / "answer_topics.json").read_text())
        except (ValueError, FileNotFoundError):
            logger.warning("MessageReader: no trained index found, reading nothing extra")
            return cls(config, model_storage, resource)
        for name in ("intent", "breach"):
            if f"{name}_coef" in flat:
                models[name] = {k: flat[f"{name}_{k}"] for k in ("coef", "intercept", "classes")}
        for key in ("answer_vectors", "answer_ids", "step_vectors", "step_labels"):
            models[key] = flat[key]
        return cls(config, model_storage, resource, models)

    # -- reading -------------------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
                continue
            try:
                found = self._read(message, text)
            except Exception:  # noqa: BLE001 - reading is extra; never lose the turn over it
                logger.exception("MessageReader failed; the classifier's reading stands")
                continue
            message.set(READING, found, add_to_output=True)
        return messages

    def _read(self, message: Message, text: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        language = message.get(LANGUAGE)
        if language:
            found["language"] = language["code"]
            if intent not in SAFETY_INTENTS:
                self._choose(message, "other_language", 1.0)
            return found
        words = len(text.split())
        spans = reading.sentences(text)
        long = len(spans) >= 2 and words >= self.config["long_words"]
        confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        # An unsure safety guess is re-read like any other ("he gave me all his passwords" is not
        # control; SafetyGuard would only turn it into a fallback). A confident one stands, and
        # the deterministic safety check runs after this on every message whatever it says.
        if intent in NEVER_OVERRIDDEN and not (intent in SAFETY_INTENTS and
                                               confidence < self.config["safety_confidence"]):
            return found
        self._deny_negated(message, text, found)
        if long:
            self._read_long(message, text, spans, found)
        else:
            self._read_short(message, text, found)
        return found

    def _deny_negated(self, message: Message, text: str, found: dict[str, Any]) -> None:
        kept, denied = [], []
        for entity in message.get(ENTITIES) or []:
            if entity.get("entity") == "breach_type" and reading.negated(
                    text, entity["start"], entity["end"]):
                denied.append(entity)
            else:
                kept.append(entity)
        if denied:
            message.set(ENTITIES, kept, add_to_output=True)
            found["denied"] = sorted({e["value"] for e in denied})
            found["_denied_spans"] = [(e["start"], e["end"]) for e in denied]

    def _breach_by_meaning(self, text: str, vector: np.ndarray | None, found: dict[str, Any],
                           strict: bool = False) -> str | None:
        model = self._models.get("breach")
        if model is None:
            return None
        if found.get("_denied_spans"):
            # Read what is left once the denied clauses are gone: "he just stopped talking to me".
            kept = _without_clauses(text, found["_denied_spans"])
            if not kept.strip():
                return None
            vector = _unit(encoder().encode([kept])[0])
        if vector is None:
            return None
        label, probability = _predict(model, vector[None, :])[0][0]
        needed = self.config["min_breach_confidence"] + (0.15 if strict else 0.0)
        return label if probability >= needed else None

    def _answers(self, vector: np.ndarray, topics: Collection[str] = frozenset()) -> list[dict[str, Any]]:
        """Nearest bank questions; a weaker match counts when its card is on the topic the
        classifier chose too (two readings agreeing)."""
        scores = self._models["answer_vectors"] @ vector
        best: dict[str, float] = {}
        for answer_id, score in zip(self._models["answer_ids"].tolist(), scores.tolist(), strict=True):
            best[answer_id] = max(best.get(answer_id, -1.0), score)
        ranked = sorted(best.items(), key=lambda x: -x[1])[:6]
        agreed = self.config["min_answer_score"] - self.config["agreement_margin"]
        return [{"id": a, "score": round(s, 4)} for a, s in ranked
                if s >= self.config["min_answer_score"]
                or s >= agreed and f"ask_{self._models['answer_topics'].get(a)}" in topics]

    def _step_scores(self, vector: np.ndarray) -> dict[str, float]:
        scores = self._models["step_vectors"] @ vector
        best: dict[str, float] = {}
        for label, score in zip(self._models["step_labels"].tolist(), scores.tolist(), strict=True):
            best[label] = max(best.get(label, -1.0), score)
        return {k: round(v, 4) for k, v in best.items()}

    def _step(self, text: str, vector: np.ndarray | None, entity_steps: list[str],
              whole: str | None = None) -> dict[str, Any]:
        """Which step a report is about (``text``), and whether ``whole`` says it happened."""
        named = list(dict.fromkeys(entity_steps + steps.named_steps(text)))
        scores = self._step_scores(vector) if vector is not None else {}
        by_step: dict[str, float] = {}
        for label, score in scores.items():
            name = label.split(":")[0]
            by_step[name] = max(by_step.get(name, -1.0), score)
        candidates = named or [s for s, v in by_step.items() if v >= self.config["min_step_similarity"]]
        ranked = sorted(candidates, key=lambda s: -by_step.get(s, 0.0))
        step = ranked[0] if ranked else None
        polarity = steps.polarity(whole or text, step)
        return {"step": step, "named": named, "scores": scores, "status": polarity.status,
                "why": polarity.why, "sure": bool(step and step in entity_steps)}

    def _read_short(self, message: Message, text: str, found: dict[str, Any]) -> None:
        vector = self._embedding(message)
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        question = reading.is_question(text)
        if question:
            found["question"] = True
        if steps.is_hedge(text) and len(text.split()) <= 5:
            found["hedge"] = True
        if steps.is_real_yes(text) and len(text.split()) <= 8:
            found["yes"] = True
        if vector is not None and reading.is_yes_no(text):
            ranking = message.get(INTENT_RANKING_KEY) or []
            candidates = self._answers(vector, {r.get(INTENT_NAME_KEY) for r in ranking[:2]})
            if candidates:
                found["answers"] = candidates
                topic = self._models["answer_topics"].get(candidates[0]["id"])
                confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                if topic and (not (intent or "").startswith("ask_") or confidence < 0.5):
                    self._choose(message, f"ask_{topic}", 0.9)
        entity_steps = [e["value"] for e in message.get(ENTITIES) or [] if e.get("entity") == "step"]
        if not question and intent not in CONTROL and self._is_step_report(
                message, text, vector, entity_steps):
            found["step"] = self._step(text, vector, entity_steps)
            ranking = message.get(INTENT_RANKING_KEY) or []
            found["step"]["sure"] |= bool(found["step"]["step"] and ranking and
                                          ranking[0].get(INTENT_NAME_KEY) == "report_step_done" and
                                          float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0) >= 0.5)
            if found["step"]["step"] is not None and intent != "report_step_done":
                self._choose(message, "report_step_done", 0.9)
        role = speaker_role(reading.without_quotes(text), strong_only=question)
        if role:
            found["role"] = role
        current = message.get(INTENT) or {}
        intent = current.get(INTENT_NAME_KEY)
        unsure = float(current.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self.config["unsure_below"]
        named = [e["value"] for e in message.get(ENTITIES) or [] if e.get("entity") == "breach_type"]
        if intent in SITUATION or intent == "inform_breach_type" or (unsure and not question):
            if not named and reading.broken_promise(text):
                found["breach_type"] = "broken_promises"
            elif not named:
                breach = self._breach_by_meaning(text, vector, found, strict=intent not in SITUATION)
                if breach:
                    found["breach_type"] = breach
        asks_for_help = bool(_WHAT_TO_DO.search(text.lower()))
        if unsure and intent not in set(SITUATION) | CONTROL and not found.get("answers") and (
                (named or found.get("breach_type")) and (not question or asks_for_help)):
            # The classifier is unsure, but the words tell a situation: "it's not the first time
            # she's lied, she lies about everything" is someone telling what happened.
            name = {"betrayed": "i_was_betrayed", "offender": "i_broke_trust"}.get(found.get("role") or "",
                                                                                  "inform_breach_type")
            self._choose(message, name, 0.6)
        elif unsure and intent not in CONTROL and vector is not None and "intent" in self._models:
            self._back_off(message, vector)
        found.pop("_denied_spans", None)

    def _back_off(self, message: Message, vector: np.ndarray) -> None:
        """The classifier is unsure: average its view with the embedding's own classifier."""
        ranking = {r.get(INTENT_NAME_KEY): float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                   for r in message.get(INTENT_RANKING_KEY) or []}
        embedded = dict(_predict(self._models["intent"], vector[None, :])[0])
        combined = {k: (ranking.get(k, 0.0) + embedded.get(k, 0.0)) / 2 for k in set(ranking) | set(embedded)}
        best, probability = max(combined.items(), key=lambda x: x[1])
        if probability >= self.config["back_off_confidence"] and best not in NEVER_OVERRIDDEN:
            self._choose(message, best, probability)

    def _is_step_report(self, message: Message, text: str, vector: np.ndarray | None,
                        entity_steps: list[str]) -> bool:
        ranking = message.get(INTENT_RANKING_KEY) or []
        if ranking and ranking[0].get(INTENT_NAME_KEY) == "report_step_done":
            return True
        if not (entity_steps or steps.named_steps(text)) or vector is None:
            return False
        # Words of a step's action, and either the classifier's second thought or a close example:
        # "we worked out rules about nights out", "he gave me his passwords without me asking".
        reported = next((float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in ranking[:4]
                         if r.get(INTENT_NAME_KEY) == "report_step_done"), 0.0)
        best = max(self._step_scores(vector).values(), default=0.0)
        return reported >= 0.08 or best >= self.config["min_step_similarity"] + 0.05

    def _read_long(self, message: Message, text: str, spans: list[tuple[int, int]],
                   found: dict[str, Any]) -> None:
        pieces = [text[s:e] for s, e in spans]
        vectors = _unit(encoder().encode(pieces))
        intents = (_predict(self._models["intent"], vectors) if "intent" in self._models
                   else [[]] * len(pieces))
        found["sentences"] = len(pieces)
        votes: dict[str, float] = defaultdict(float)
        quiet = reading.without_quotes(text)
        for (start, end), ranked in zip(spans, intents, strict=True):
            role = speaker_role(quiet[start:end])
            if role:
                votes[role] += 1.5
            if ranked and ranked[0][0] in SITUATION and ranked[0][1] >= 0.4:
                votes[SITUATION[ranked[0][0]]] += ranked[0][1]
        whole = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if whole in SITUATION:
            votes[SITUATION[whole]] += 1
        if votes:
            (role, score), *rest = sorted(votes.items(), key=lambda kv: -kv[1])
            if not rest or score - rest[0][1] >= 1:
                found["role"] = role
        named = Counter(e["value"] for e in message.get(ENTITIES) or [] if e.get("entity") == "breach_type")
        if named:
            found["breach_type"] = named.most_common(1)[0][0]
        else:
            breach = self._breach_by_meaning(text, self._embedding(message), found)
            if breach:
                found["breach_type"] = breach
        # The question, if any: the last sentence that asks something.
        for index in range(len(pieces) - 1, -1, -1):
            if not reading.is_question(pieces[index]):
                continue
            # The sentence's own topic, with the whole message's view as a second opinion.
            whole_topics = {r.get(INTENT_NAME_KEY): float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                            for r in message.get(INTENT_RANKING_KEY) or []}
            topics = [(i, p + 0.5 * whole_topics.get(i, 0.0)) for i, p in intents[index]
                      if topic_for_intent(i)]
            if reading.is_yes_no(pieces[index]):
                candidates = self._answers(vectors[index], {i for i, _ in intents[index][:2]})
                if candidates:
                    found["answers"] = candidates
                    topic = self._models["answer_topics"].get(candidates[0]["id"])
                    if topic:
                        topics.insert(0, (f"ask_{topic}", 1.0))
            topics.sort(key=lambda x: -x[1])
            if topics and topics[0][1] >= self.config["min_question_confidence"]:
                found["question"] = topics[0][0]
                break
        whole_report = next((float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
                             for r in message.get(INTENT_RANKING_KEY) or []
                             if r.get(INTENT_NAME_KEY) == "report_step_done"), 0.0)
        reports = [i for i, ranked in enumerate(intents)
                   if not reading.is_question(pieces[i]) and steps.named_steps(pieces[i])
                   and dict(ranked[:3]).get("report_step_done", 0.0) + whole_report >= 0.3]
        if reports and "question" not in found:
            index = reports[0]
            entity_steps = [e["value"] for e in message.get(ENTITIES) or []
                            if e.get("entity") == "step" and spans[index][0] <= e["start"] < spans[index][1]]
            # What follows the report can undo it: "She apologised. Then she said I drove her to it."
            found["step"] = self._step(pieces[index], vectors[index], entity_steps,
                                       whole=text[spans[index][0]:])
        # What the whole message is: its question; else a step report; else the situation.
        if "question" in found:
            self._choose(message, found["question"], 0.9)
        elif found.get("step", {}).get("step"):
            self._choose(message, "report_step_done", 0.9)
        elif whole not in SITUATION and (found.get("role") or found.get("breach_type")):
            name = {"betrayed": "i_was_betrayed", "offender": "i_broke_trust"}.get(found.get("role") or "",
                                                                                  "inform_breach_type")
            self._choose(message, name, 0.9)
        elif whole in SITUATION and found.get("role") and SITUATION[whole] != found["role"]:
            name = {"betrayed": "i_was_betrayed", "offender": "i_broke_trust"}[found["role"]]
            self._choose(message, name, 0.9)
        found.pop("_denied_spans", None)

    @staticmethod
    def _choose(message: Message, name: str, confidence: float) -> None:
        """Settle the intent; the others keep their order and share what probability is left."""
        current = message.get(INTENT) or {}
        if current.get(INTENT_NAME_KEY) == name:
            confidence = max(confidence, float(current.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [dict(r) for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        rest = sum(float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in ranking)
        if rest > 1.0 - confidence:
            for r in ranking:
                share = float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / rest
                r[PREDICTED_CONFIDENCE_KEY] = share * (1.0 - confidence)
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)


def _without_clauses(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each clause holding one of ``spans`` removed."""
    cuts = []
    for start, end in spans:
        left = max(text.rfind(c, 0, start) for c in ",;.!?") + 1
        rights = [i for i in (text.find(c, end) for c in ",;.!?") if i >= 0]
        cuts.append((left, min(rights) if rights else len(text)))
    kept, last = [], 0
    for left, right in sorted(cuts):
        kept.append(text[last:left])
        last = max(last, right + 1)
    kept.append(text[last:])
    return " ".join("".join(kept).split())


def _card_topics() -> dict[str, str]:
    from bot.cards import CARDS_DIR, read_cards

    return {card.id: card.topic for card in read_cards(CARDS_DIR.glob("*.yml"))}
