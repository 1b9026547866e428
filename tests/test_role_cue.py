"""Who broke the trust, read from one sentence (bot.role_cue), and the NLU component using it.

Sentences are written the way people type: lowercase, no apostrophes, misspelt, run on.
"""

from __future__ import annotations

import pytest

from bot.role_cue import speaker_role

OFFENDER = [
    # The speaker did it, plainly.
    "I cheated on my wife",
    "i cheated on my husband last year",
    "i cheeted on my girlfriend",
    "i cheatd on her",
    "i lyed to my wife about money",
    "I CHEATED ON MY WIFE",
    "I Lied To My Husband",
    "I cheated on my wife.",
    "ive been lying to my husband",
    "ive ben lying to my gf for months",
    "i had an affair with a coworker",
    "i had a afair",
    "I was unfaithful",
    "i wasnt honest with her",
    "I havent been faithful to my wife",
    "I deceived my husband for years",
    "I gaslit my wife",
    "i slept with my wife's best friend",
    "me and my coworker hooked up",
    "I have a gambling problem",
    "im a gambling addict",
    "i lost 20k at the casino and didnt tell my wife",
    "i was playing poker with our rent money",
    "i hid our debts from my husband",
    "i opened a secret credit card",
    "i took out a loan without telling him",
    "i was on dating apps while engaged",
    "I sent nudes to someone on instagram",
    "ok so basically i cheated on my bf w his best friend",
    # Dropped subject: who it was done to is the partner.
    "cheated on my gf and she found out",
    "lied to my wife about money",
    # Object "me": the speaker was caught or found out.
    "my wife caught me sexting",
    "wife caught me sexting",
    "he caught me lying",
    "she found out I was gambling",
    "my husband caught me drinking again",
    "my gf caught me on tinder",
    "he caught me in a lie",
    "she caught me in bed with another man",
    "my wife caught me",
    "she found out what i did",
    "my husband forgave me for the affair",
    "she can't forgive me for the affair",
    "how do i get my wife to forgive me for cheating",
    # Possessives.
    "my affair",
    "my lies",
    "my gambling",
    "my affair ended six months ago",
    "my gambling destroyed our savings",
    "my husband found out about my affair",
    "my wifes found out about my afair",
    "she found my secret credit card",
    "my wife found tinder on my phone",
    "its all my fault",
    # "the one who".
    "im the one who cheated",
    "i'm the one who cheated",
    "im the 1 who cheated",
    "i am the one who had an affair",
    "I was the one who lied",
    "it was me who cheated",
    "it's me who had an affair",
    "i'm not the one who got cheated on",
    "im the cheater here",
    "i'm the unfaithful partner",
    "im the guilty one",
    "im the one at fault",
    # Corrections and negation.
    "actually, I was the one who lied",
    "actually i was the one who cheated",
    "no, he didnt cheat, i did",
    "it wasnt him, it was me",
    "i did it, not him",
    "i didn't mean to cheat",
    "i never meant to hurt her but i cheated",
    "I can't stop lying to my wife",
    # Trust cues and what followed.
    "she doesnt trust me anymore",
    "how can i make her trust me again",
    "i want to earn his trust back",
    "i broke my wifes trust",
    "i broke my promise to her again",
    "i went back on my word",
    "I kept secrets from my partner",
    "I kept it from her for years",
    "my wife feels so betrayed by me",
    "she feels betrayed",
    "my husband is devastated and hurt",
    "i hurt my wife",
    "i took her for granted",
    "i was emotionally distant for years",
    "i told my wife about the affair",
    "i feel so guilty about the affair",
    "i confessed the affair to my husband",
    "the lies i told her",
    "i messed up big time",
    "i let my husband down",
    "i ruined my marriage by cheating",
]

BETRAYED = [
    # The partner did it, plainly.
    "my husband lied about money",
    "she cheated on me",
    "he cheated on me with my sister",
    "my hubby cheated",
    "husband cheated",
    "my husbnd lied again",
    "he cheatd on me",
    "she lyed 2 me",
    "hes ben lying to me for months",
    "hes been cheating on me",
    "shes been lying to me",
    "My husband cheated on me.",
    "MY HUSBAND CHEATED ON ME",
    "my fiancé cheated",
    "my ex-husband cheated on me",
    "my wife had an affair",
    "he had a afair",
    "my husband is having an affair",
    "she has a secret credit card",
    "my husband has hidden debts",
    "he hid money from me",
    "she kept it from me for months",
    "he went behind my back",
    "my husband relapsed",
    "he's drinking again",
    "my husband lost our savings gambling",
    "how do I get him to stop gambling",
    "my best friend slept with my husband",
    "my bf and his ex hooked up",
    "my wife kissed another man",
    "my husband, who i trusted completely, cheated on me",
    "my husband who i trusted cheated on me",
    # "i caught him", "i found out she".
    "i caught him sexting",
    "i caught my wife texting her ex",
    "I found out she was cheating",
    "I discovered his secret account",
    "i found out hes been gambling",
    "i found tinder on his phone",
    "I found out about the affair",
    "i caught my husband in a lie",
    "i caught him in bed with another woman",
    "i walked in on her with someone",
    "i found out",
    # Possessives.
    "my husbands affair",
    "my wife's affair",
    "his lies",
    "her gambling debts",
    "my husband's gambling",
    "i just discovered my wifes secret credit card",
    "his lies ruined everything",
    "i want him to be transparent after his affair",
    # "the one who" and passives.
    "im the one who got cheated on",
    "i'm the one who was lied to",
    "im the 1 who got cheated on",
    "I was cheated on",
    "i was lied to for years",
    "im the one he cheated on",
    "i feel betrayed",
    "I've been deceived",
    "i was used",
    "my trust was betrayed",
    "I'm the one who got hurt",
    "i'm the betrayed partner",
    "im the victim here",
    "my husband is an alcoholic",
    "my wife is a compulsive liar",
    "my cheating husband",
    # Corrections and negation.
    "no, he did it, not me",
    "he did it, not me",
    "it wasn't me, it was him",
    "it was my husband who cheated",
    "actually, it was my wife who lied",
    "wait, no, he lied to me",
    "im not the one who cheated",
    "i never cheated on him, he cheated on me",
    "he thinks i'm cheating but he is the one cheating",
    # Trust cues and what followed.
    "how do i forgive him for cheating",
    "i can't forgive him for the affair",
    "how can i trust him again",
    "how can he earn my trust back",
    "he broke my heart",
    "she went back on her word",
    "he never follows through",
    "my husband ignores me",
    "he gives me the silent treatment",
    "my husband was never there for me",
    "what he did was unforgivable",
    "he hurt me",
    "she apologized for the affair",
    "the affair he had lasted two years",
    "the debts she hid from me",
]

NO_ROLE = [
    # Nobody is named as the one who did it.
    "it was an affair",
    "how do I rebuild trust",
    "how do i rebuild trust after an affair",
    "how do i rebuild trust after cheating",
    "there was cheating",
    "the affair ended",
    "trust was broken",
    "I feel broken",
    "lies and secrets everywhere",
    "what counts as cheating",
    "i lie awake at night",
    "i need a drink",
    "cheating",
    "",
    # Both, or someone else.
    "we both cheated",
    "we lied to each other",
    "my friend cheated on her husband",
    "my sister's husband cheated on her",
    "my dad cheated on my mom",
    # Accusations are not facts.
    "my wife thinks i'm cheating",
    "she accused me of lying",
    "he says i lied but i didn't",
]


@pytest.mark.parametrize("text", OFFENDER)
def test_offender(text):
    assert speaker_role(text) == "offender"


@pytest.mark.parametrize("text", BETRAYED)
def test_betrayed(text):
    assert speaker_role(text) == "betrayed"


@pytest.mark.parametrize("text", NO_ROLE)
def test_no_role(text):
    assert speaker_role(text) is None


def test_enough_cases():
    assert len(OFFENDER) + len(BETRAYED) + len(NO_ROLE) >= 60
    assert len(set(OFFENDER) | set(BETRAYED) | set(NO_ROLE)) == len(OFFENDER) + len(BETRAYED) + len(NO_ROLE)


def test_curly_apostrophes_and_hyphens():
    assert speaker_role("I’m the one who cheated") == "offender"
    assert speaker_role("she’s been lying to me") == "betrayed"
    assert speaker_role("my ex-wife’s lies") == "betrayed"


# -- the NLU component ---------------------------------------------------------------------------


def _message(text: str, intent: str, ranking: list[tuple[str, float]]):
    from rasa.shared.nlu.training_data.message import Message

    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": ranking[0][1]},
            "intent_ranking": [{"name": name, "confidence": conf} for name, conf in ranking],
        }
    )


@pytest.fixture(scope="module")
def role_cue():
    from components.role_cue import RoleCue

    return RoleCue({})


def test_component_swaps_to_the_role_the_sentence_names(role_cue):
    message = _message(
        "my wife caught me sexting",
        "i_was_betrayed",
        [("i_was_betrayed", 0.6), ("i_broke_trust", 0.3), ("greet", 0.1)],
    )
    role_cue.process([message])
    assert message.get("intent")["name"] == "i_broke_trust"
    assert message.get("intent_ranking")[0]["name"] == "i_broke_trust"


def test_component_keeps_a_classification_that_agrees_or_is_unclear(role_cue):
    agrees = _message("im the one who got cheated on", "i_was_betrayed", [("i_was_betrayed", 0.7)])
    unclear = _message("it was an affair", "i_broke_trust", [("i_broke_trust", 0.5)])
    role_cue.process([agrees, unclear])
    assert agrees.get("intent")["name"] == "i_was_betrayed"
    assert unclear.get("intent")["name"] == "i_broke_trust"


def test_component_leaves_other_intents_alone(role_cue):
    message = _message("he cheated on me", "ask_forgiveness", [("ask_forgiveness", 0.8)])
    role_cue.process([message])
    assert message.get("intent")["name"] == "ask_forgiveness"
