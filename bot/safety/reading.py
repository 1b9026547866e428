"""How the words around a hit are read: negation, figures of speech, hedges and who is at risk.

These are the parts no single rule can say for itself, written once for every rule:

* negation: "I would never hurt myself" cancels a hit, "I'm not okay and I want to die"
  does not (a new clause ends the negation's reach), nor does "not gonna lie, ...";
* figures of speech: a thing doing the act ("this betrayal is killing me", "it hit me"),
  a simile ("felt like I got punched"), laughter beside an idiom ("lol she'll kill me");
* hedges: "maybe", "I don't know if" make a hit uncertain, never silent;
* who is at risk: the writer, another adult or a child, from the words before the hit.
"""

from __future__ import annotations

import re
from functools import cache

from bot import words
from bot.safety.patterns import list_regex
from bot.safety.text import tokens

SELF, OTHER, CHILD = "self", "other", "child"


@cache
def _w(name: str) -> frozenset[str]:
    for file in ("safety", "partners", "pronouns", "negations"):
        if name in words.load(file):
            return words.words(file, name)
    raise KeyError(name)


@cache
def _rx(*names: str) -> re.Pattern:
    return re.compile("|".join(list_regex(n) for n in names))


def _people() -> frozenset[str]:
    return _w("partner") | _w("other_people") | _w("someone") | _w("male") | _w("female")


_SELF_SUBJECT = frozenset("i i'm i've i'd i'll we we're we've we'd".split())
_SELF_TOKENS = _SELF_SUBJECT | {"me", "myself", "my", "us", "ourselves", "meself", "our"}
_THIRD = frozenset(
    "he she they him her them he's she's they're he'd she'd they'd he'll she'll they'll".split()
)
_HE = frozenset("he him his himself he's he'd he'll".split())
_SHE = frozenset("she her hers herself she's she'd she'll".split())
_AGE = re.compile(r"\d{1,2}(?:yo|y/o|yr|yrs)?")


# -- who ----------------------------------------------------------------------------------------

def _who_token(toks: list[str], k: int) -> str | None:
    w, prev = toks[k], toks[k - 1] if k else ""
    loose_child = w in {"boy", "girl", "boys", "girls"} and prev not in {"little", "our", "my", "baby"}
    if w in _w("child") and not loose_child:
        return CHILD
    if w in {"old", "olds"} and prev in {"year", "yr", "years"} or re.fullmatch(r"\d{1,2}(?:yo|y/o)", w):
        return CHILD
    if w in _SELF_TOKENS:
        return SELF
    if w in _THIRD or w in _people():
        return OTHER
    return None


def _is_object(toks: list[str], k: int) -> bool:
    """'letters to my kids', 'I told my wife': the person is not the one acting.

    An owner is never an object: "my son's diary", "on my daughters ipad".
    """
    if k + 1 < len(toks) and (toks[k + 1] == "'s" or toks[k + 1] in _w("possessed")):
        return False
    j = k - 1
    while j >= 0 and (toks[j] in _w("person_determiner") or toks[j] in _w("person_adjective")
                      or toks[j] in {"year", "old", "yr", "years"} or _AGE.fullmatch(toks[j])):
        j -= 1
    return j >= 0 and toks[j] in _w("preposition")


def _antecedent(toks: list[str], k: int) -> str:
    """A "he" or "she" stands for the nearest person before it that fits."""
    male, female = toks[k] in _HE, toks[k] in _SHE
    for j in range(k - 1, max(-1, k - 40), -1):
        w = toks[j]
        if (w in _THIRD or w in _SELF_TOKENS or w in _w("not_antecedent")
                or (male and w in _w("female")) or (female and w in _w("male"))):
            continue
        who = _who_token(toks, j)
        if who in (CHILD, OTHER) and not _is_object(toks, j):
            return who
    return OTHER


def object_antecedent(text: str) -> str:
    """Who the last "him"/"her"/"them" of ``text`` stands for. A person named with "his" or
    "her" in front ("his stepdad pins him down") is that pronoun's relative, not its referent."""
    toks = tokens(text[-600:])
    for k in range(len(toks) - 1, -1, -1):
        if toks[k] in ("him", "her", "them", "his", "their"):
            break
    else:
        return OTHER
    same = _HE if toks[k] in _HE else _SHE if toks[k] in _SHE else frozenset()
    for j in range(k - 1, max(-1, k - 60), -1):
        w, before = toks[j], toks[j - 1] if j else ""
        if w in _THIRD or w in _SELF_TOKENS or w in _w("not_antecedent") or before in ("his", "her", "their"):
            continue
        if same is _HE and w in _w("female") or same is _SHE and w in _w("male"):
            continue
        who = _who_token(toks, j)
        if who in (CHILD, OTHER):
            return who
    return OTHER


def speaker(prefix: str, context: str = "", default: str = SELF) -> str:
    """Who the clause is about: the nearest person before the hit who is not an object."""
    ctx = tokens(context[-300:]) if context else []
    toks = ctx + tokens(prefix)
    for k in range(len(toks) - 1, len(ctx) - 1, -1):
        who = _who_token(toks, k)
        if who is None or (who != SELF and _is_object(toks, k)):
            continue
        if toks[k] in {"me", "us"} and k and toks[k - 1] in _w("telling"):
            continue  # "he texted me a picture of a noose": the writer is told, not at risk
        if toks[k] in {"me", "us", "my", "our"} and who == SELF and k and toks[k - 1] in _w("preposition"):
            continue  # "she says to me she wants to die"
        if who == OTHER and toks[k] in _THIRD:
            return _antecedent(toks, k)
        return who
    return default


def who_is(phrase: str | None) -> str | None:
    """'me' -> self, 'my 15 year old' -> child, 'her' -> other."""
    toks = tokens(phrase or "")
    if not toks:
        return None
    if any(_who_token(toks, k) == CHILD for k in range(len(toks))):
        return CHILD
    if toks[0] in {"my", "our"} and len(toks) > 1:
        return OTHER
    return SELF if toks[0] in _SELF_TOKENS else OTHER


_THIRD_PARTY = None


def victim(prefix: str) -> str:
    """The writer is the one harmed unless the clause names someone else's partner first."""
    global _THIRD_PARTY
    if _THIRD_PARTY is None:
        people = list_regex("other_people")
        partner = list_regex("partner")
        child = list_regex("child")
        _THIRD_PARTY = (
            re.compile(rf"\b(?:my|our)\s+(?:\w+\s+)?{child}(?:'s)?\s+(?:{partner}|dad|father)"),
            re.compile(rf"\b(?:my|our|a|her|his)\s+{people}(?:'s)?\s+(?:{partner}|boss|dad|father|mom|mother)|"
                       rf"\b(?:my|our)\s+{people}\s+(?:is|was|has been|'s|keeps|says|said|told me)\b"),
        )
    if _THIRD_PARTY[0].search(prefix):
        return CHILD
    if _THIRD_PARTY[1].search(prefix):
        return OTHER
    return SELF


def reflexive(word: str, prefix: str, context: str) -> str:
    if word in _w("reflexive_self"):
        return SELF
    return CHILD if speaker(prefix, context, default=OTHER) == CHILD else OTHER


# -- the writer or a thing as the one acting -------------------------------------------------

_WRITER_SKIP = frozenset(
    "'m am are were be stop keep kept quit start started avoid how can should shouldn't can't need "
    "needs".split()
)


def _agent(prefix: str) -> str | None:
    toks = tokens(prefix)
    for k in range(len(toks) - 1, -1, -1):
        if toks[k] in _w("agent_skip") or toks[k] in _WRITER_SKIP:
            continue
        return toks[k]
    return None


def writer_acts(prefix: str) -> bool:
    """'I threatened to leave', 'I check his phone': the writer does it."""
    return _agent(prefix) in _SELF_SUBJECT


def figurative(prefix: str) -> bool:
    """'this betrayal is killing me', 'it hit me', 'felt like I got punched'."""
    tail = prefix[-60:]
    if re.search(rf"(?:{list_regex('simile')})(?:\s+\S+){{0,4}}\s*$", tail):
        return True
    toks = tokens(prefix)
    for k in range(len(toks) - 1, -1, -1):
        if toks[k] in _w("agent_skip"):
            continue
        return toks[k] in _w("figurative_agent")
    return False


def joking(clause: str) -> bool:
    return bool(_rx("laugh").search(clause))


def hedged(before: str) -> bool:
    return bool(_rx("hedge").search(before))


def quoted_speaker(before_quote: str, context: str) -> str:
    """Who speaks the words in quotation marks: 'my dad said "i won't need it"' -> other."""
    return speaker(before_quote, context, default=SELF)


# -- negation ---------------------------------------------------------------------------------

# After the negation, these show it governs another verb: "never thought I'd...",
# "can't stop thinking about...", "not gonna lie, I...", "not sure if I want to live".
_BREAKERS = frozenset(
    "thought think imagined expected knew know knows sure certain promise guarantee lie lying stop stopping "
    "help deny pretend if whether why how what when that until because since realize realise realized "
    "realised wonder mean say saying said tell telling told hide hiding ashamed admit afraid scared "
    "worried care matter matters anyone anybody one trust believe feel shake get understand handle explain "
    "bear see notice".split()
)
_SCOPE_END = _SELF_SUBJECT | _THIRD | {"and", "then", "so", "plus", "or"}
_CONDITION = frozenset({"if", "unless", "when", "whenever", "until"})
# "trying not to", "harder not to": the danger is asserted.
_STRUGGLE = frozenset(
    "harder hard difficult trying try tried tries struggling struggle fighting resisting managing managed "
    "barely "
    "impossible begging told promised reminding remind forcing".split()
)
_CANCELLERS = re.compile(
    r"\b(?:anymore|any more|yet|before|until|till|since|these days|lately|recently|as much|as often|"
    r"every day)\b"
)
_UNSURE = re.compile(
    r"\b(?:can't|can not|couldn't|won't|don't|not) (?:promise|guarantee|say|swear|be sure|trust myself)|"
    r"\bnot sure\b|\bdon't know (?:if|whether)"
)


def negated(prefix: str, suffix: str, window: int = 5) -> bool:
    """Is the hit denied ("I would never hurt myself", "I'm not suicidal")?"""
    tail = tokens(prefix)[-window:]
    for k in range(len(tail) - 1, -1, -1):
        if tail[k] in _w("negation") or tail[k] == "n't":
            if any(w in _STRUGGLE for w in tail[max(0, k - 2):k]):
                return False
            if any(w in _CONDITION for w in tail[max(0, k - 3):k]):
                return False  # "if i don't forgive him he'll hang himself": the "not" is the condition's
            if any(w in _BREAKERS or w in _SCOPE_END for w in tail[k + 1:]):
                return False
            return not (_UNSURE.search(prefix) or _CANCELLERS.search(suffix))
    return False
