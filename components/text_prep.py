"""Spelling and language, before anything else reads the message; the original put back after.

``TextPrep`` runs first. A message in another language (``bot.language``) is marked
(``language`` in the parse data) and left as written: no correction runs on it. Otherwise typos
and chat spelling are corrected (``bot.spelling``) so the featurizers, the lexicon and the role
cue read "what should i do about his lying" for "wat shud i do abt his lyin". Its vocabulary,
the words it never corrects, is learnt at training time: every word of the training data, the
shared word lists, the cards and the replies.

``OriginalText`` runs after the classifiers and before the input and safety guards: it puts the
person's own text back (that is what Rasa stores, what export shows and what the safety check
reads) and maps entity offsets from the corrected text onto it.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import language, words
from bot.settings import PROJECT_DIR
from bot.spelling import Correction, Speller, vocabulary_of
from components.stateless import StatelessComponent

CORRECTION = "text_correction"  # kept on the message (not in the output) for OriginalText
LANGUAGE = "language"


def project_texts() -> list[str]:
    """Texts whose words are the project's own vocabulary, besides the training examples."""
    texts: list[str] = []
    for path in sorted((PROJECT_DIR / "data" / "words").glob("*.yml")):
        for file_words in words.load(path.stem).items():
            texts += [file_words[0], *file_words[1]]
    for path in sorted((PROJECT_DIR / "data" / "cards").glob("*.yml")):
        texts.append(path.read_text(encoding="utf-8"))
    replies = PROJECT_DIR / "data" / "replies.yml"
    if replies.exists():
        texts.append(replies.read_text(encoding="utf-8"))
    extra = PROJECT_DIR / "data" / "words" / "vocabulary.yml"
    if extra.exists():
        texts += [str(v) for v in (yaml.safe_load(extra.read_text(encoding="utf-8")) or {}).values()]
    return texts


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TextPrep(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"correct_spelling": True, "detect_language": True}

    @staticmethod
    def required_packages() -> list[str]:
        return ["symspellpy", "py3langid"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 vocabulary: list[str] | None = None) -> None:
        self.config = config
        self._storage = model_storage
        self._resource = resource
        self._speller = Speller(vocabulary or [])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TextPrep:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in training_data.training_examples if isinstance(m.get(TEXT), str)]
        vocabulary = sorted(vocabulary_of(texts + project_texts()))
        with self._storage.write_to(self._resource) as folder:
            (folder / "vocabulary.json").write_text(json.dumps(vocabulary))
        self._speller = Speller(vocabulary)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TextPrep:
        try:
            with model_storage.read_from(resource) as folder:
                vocabulary = json.loads((folder / "vocabulary.json").read_text())
        except (ValueError, FileNotFoundError):
            vocabulary = vocabulary_of(project_texts())
        return cls(config, model_storage, resource, sorted(vocabulary))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The same correction at training time: the featurizers learn the words they will see.
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if isinstance(text, str) and text and self.config["correct_spelling"]:
                share = self._speller.english_share(text)
                if self.config["detect_language"] and language.detect(text, share):
                    continue  # never "corrected" into English words
                corrected = self._speller.correct(text)
                if corrected.edits:
                    example.set(TEXT, corrected.text)
                    moved = _shift_entities(example.get(ENTITIES) or [], corrected, forward=True)
                    example.set(ENTITIES, moved)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
                continue
            if self.config["detect_language"]:
                found = language.detect(text, self._speller.english_share(text))
                if found is not None:
                    message.set(LANGUAGE, {"code": found.code, "confidence": round(found.confidence, 3)},
                                add_to_output=True)
                    continue
            if self.config["correct_spelling"]:
                # A word or two on its own ("merci", a name) is left as written, bar chat forms.
                corrected = self._speller.correct(text, chat_only=len(text.split()) <= 2)
                if corrected.edits:
                    message.set(CORRECTION, corrected)
                    message.set(TEXT, corrected.text)
        return messages


def _shift_entities(entities: list[dict], correction: Correction, forward: bool) -> list[dict]:
    """Entity offsets moved between the original and the corrected text."""
    if forward:  # original -> corrected, for annotated training examples
        def move(position: int) -> int:
            shift = 0
            for edit in correction.edits:
                if position <= edit.start:
                    break
                if position < edit.end:
                    return edit.new_start
                shift = edit.new_end - edit.end
            return position + shift
    else:
        move = correction.to_original
    moved = []
    for entity in entities:
        entity = dict(entity)
        if "start" in entity and "end" in entity:
            entity["start"], entity["end"] = move(entity["start"]), move(entity["end"])
        moved.append(entity)
    return moved


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OriginalText(StatelessComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            correction = message.get(CORRECTION)
            if not isinstance(correction, Correction):
                continue
            message.set(TEXT, correction.original)
            message.set(ENTITIES, _shift_entities(message.get(ENTITIES) or [], correction, forward=False),
                        add_to_output=True)
            message.data.pop(CORRECTION, None)
        return messages
