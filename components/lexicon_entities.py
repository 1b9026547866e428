"""Deterministic entity extraction from the spaCy entity ruler (see ``bot.nlp``).

Rasa's ``SpacyEntityExtractor`` reports the matched text ("hid our debts"); this
one reports the ruler's pattern id, i.e. the canonical value ("financial_secrecy"),
so slots and actions never see a surface form. It reuses the doc SpacyNLP
already made instead of running spaCy a second time.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class LexiconEntityExtractor(StatelessComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"dimensions": None}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._dimensions: list[str] | None = config.get("dimensions")


    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                if not message.get(TEXT):
                    continue
                doc = model.model(message.get(TEXT).lower())
            found = [
                {
                    "entity": ent.label_,
                    "value": ent.ent_id_ or ent.text,
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "confidence": 1.0,
                }
                for ent in doc.ents
            ]
            found = self.filter_irrelevant_entities(self.add_extractor_name(found), self._dimensions)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
