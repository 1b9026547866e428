"""Deterministic safety check that runs on every user message before anything else.

``assess(text)`` returns an :class:`Assessment` when a message discloses danger and
``None`` otherwise:

* level ``"crisis"``: risk of suicide or self-harm;
* level ``"abuse"``: violence, threats, fear of a partner, monitoring or isolation,
  financial control, sexual coercion, a child at risk.

``subject`` says who is at risk: ``"self"`` (the writer), ``"other"`` (someone else,
e.g. a partner threatening suicide) or ``"child"``. ``reason`` is a fixed label of the
rule that fired, never text from the message.

How it works (pure Python, no Rasa):

1. The text is normalised: lowercased, apostrophes unified, letters repeated three or
   more times squeezed ("soooo" -> "so"), chat slang expanded ("kms" -> "kill myself",
   "unalive" -> "kill", "thinking of unaliving" -> "suicide", "wanna" -> "want to",
   "dont" -> "don't", "abt" -> "about", "disapear" -> "disappear").
2. Regular expressions look for crisis and abuse phrases, including misspellings
   ("suicidel", "kil myself", "choaked").
3. A spaCy ``Matcher`` on the project's own pipeline (``bot.nlp.load``, lookup lemmas)
   finds physical violence whatever the inflection ("hits", "hitting", "has beaten").
   If spaCy cannot be loaded, a token fallback with the same verb forms does the job.
4. Each hit is checked in its clause (split at sentence ends and at "but"/"though"):
   negations ("I would never hurt myself", "I'm not suicidal") cancel hits that assert
   danger, up to the next clause ("I'm not okay and I want to die" still fires),
   figurative agents ("this betrayal is killing me", "it hit me", "that text hit me")
   and similes ("I felt like I got punched in the gut") cancel violence, and the
   subject is resolved from the words around the hit (the "me" of "he texted me a
   picture of a noose" is the one told, not the one at risk).
5. The most serious hit wins: crisis before abuse; within crisis self, child, other;
   within abuse child, self, other.

Design decisions on borderline messages (when in doubt the detector fires, because
missing a disclosure costs more than a false alarm):

* Figurative, NOT fired: "this betrayal is killing me", "my feet are killing me",
  "I'm dying to know", "I'm dying inside from the guilt" (a figure of speech for guilt),
  "I feel dead inside" (numbness is neither a wish nor a plan to die), "I could kill him
  for lying", "she killed it", "kill the vibe", "it hit me that...", "she pushed me
  away", "I shot myself in the foot", "I'd rather die than go to his family barbecue".
* Distress without a disclosure, NOT fired: "I can't live like this", "I can't do this
  anymore", "I can't take it anymore", "I just want the pain to stop", "I don't feel
  emotionally safe with him" (therapy language, not physical danger).
* Fired although sometimes meant loosely: "I just want to disappear", "I can't live with
  myself", "everyone would be better off without me", "I feel like a burden", "I'm in a
  dark place", "I don't want to live like this anymore", "he'd kill me if he found out"
  and "she's going to kill me when she sees the bill" (a real threat and the idiom cannot
  be told apart), "my husband is so controlling", a past suicide of someone close ("my
  dad killed himself when I was 12").
* Phone checking: a single past check ("he checked my phone once and apologized", "she
  went through my phone and found the texts") is not fired; habitual or imposed
  monitoring is ("he checks my phone every night", "reads my messages", "tracks my
  location", "demands my passwords"). Monitoring and money control done by the writer
  ("I track his location since the affair") is left to the coach's boundaries advice.
* "I'm afraid he'll hurt me again" is read as fear of another betrayal; "I'm scared he'll
  hurt me", "he said he'd hurt me" and "he threatened to..." fire. Threats to leave,
  divorce, call off the wedding or tell someone about the affair do not.
* A partner threatening suicide to control the writer is level crisis, subject other.
* "He told me to kill myself", "he told me to go die", "he says I should just die" are
  abuse (subject self), not the writer's own ideation; "he said he'd slit my throat"
  (a method aimed at the writer's body by someone else) is a threat, not self-harm.
* Children fighting each other ("my son punched a kid at school", "she hit her
  brother") is not a child at risk.
* "I'll be dead by morning" fires; "I'll be gone by morning" does not (leaving home is
  as likely).
* Asking how to make a safety plan is left to its own intent (``ask_safety_plan``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Assessment", "assess", "warm_up"]


@dataclass(frozen=True)
class Assessment:
    level: str  # "crisis" | "abuse"
    subject: str  # "self" | "other" | "child"
    reason: str  # machine-readable label of the rule that fired


CRISIS, ABUSE = "crisis", "abuse"
SELF, OTHER, CHILD = "self", "other", "child"

_RANK = {
    (CRISIS, SELF): 0,
    (CRISIS, CHILD): 1,
    (CRISIS, OTHER): 2,
    (ABUSE, CHILD): 3,
    (ABUSE, SELF): 4,
    (ABUSE, OTHER): 5,
}

_WINDOW = 300  # characters of clause looked at around a hit
_MAX_CHARS = 200_000  # longer input is checked in full, in chunks, by the regex layer
_SPACY_CHUNK = 50_000

# --------------------------------------------------------------------------- vocab


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first ("best friend" before "friend")."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


# Every list of people is written once; the regexes (_PARTNER, _RELATIVE, _PERSON_AGENT)
# and token sets (_OTHER_TOKENS, _VICTIM_OTHER) are built from these lists.
_PRONOUNS = frozenset(
    "he she they him her them he's she's they're he'd she'd they'd he'll she'll they'll "
    "himself herself themselves themself".split()
)
_PARTNER_WORDS = (
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancee",
    "fiancé",
    "fiancée",
    "spouse",
    "ex",
    "hubby",
    "man",
    "other half",
    "missus",
    "mrs",
    "fella",
    "bloke",
    "wifey",
)
_IN_LAWS = ("mother", "father", "sister", "brother", "daughter", "son")
_RELATIVE_WORDS = (
    "friend",
    "best friend",
    "sister",
    "brother",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "cousin",
    "aunt",
    "uncle",
    "nephew",
    "niece",
    "roommate",
    "flatmate",
    "housemate",
    "coworker",
    "colleague",
    "neighbor",
    "neighbour",
    "bestie",
    "bff",
    "sibling",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "stepdad",
    "stepmom",
    "stepmum",
    "in-law",
    *(f"{w}-in-law" for w in _IN_LAWS),
)
_MALE = frozenset(
    {
        "husband",
        "boyfriend",
        "fiance",
        "fiancé",
        "hubby",
        "fella",
        "bloke",
        "man",
        "guy",
        "brother",
        "dad",
        "father",
        "stepdad",
        "grandpa",
        "grandfather",
        "uncle",
        "nephew",
        "son",
        "sons",
        "stepson",
        "boy",
        "boys",
    }
)
_FEMALE = frozenset(
    {
        "wife",
        "wifey",
        "girlfriend",
        "fiancee",
        "fiancée",
        "missus",
        "mrs",
        "woman",
        "sister",
        "mom",
        "mum",
        "mother",
        "stepmom",
        "stepmum",
        "grandma",
        "grandmother",
        "aunt",
        "niece",
        "daughter",
        "daughters",
        "stepdaughter",
        "girl",
        "girls",
    }
)
_PARTNER = _alt(_PARTNER_WORDS)
_RELATIVE = _alt(_RELATIVE_WORDS)

_CHILD_NOUN = (
    r"(?:sons?|daughters?|kids?|kiddos?|child(?:ren)?|bab(?:y|ies)|toddlers?|infants?|"
    r"newborns?|teens?|teenagers?|step(?:son|daughter|kid|child)s?|step-(?:son|daughter|kids?)|"
    r"little ones?|youngest|eldest|oldest|twins|\d{1,2} ?(?:yo|y/o|year[- ]olds?|yr olds?))"
)
_CHILD_REF = (
    rf"(?:(?:my|our|his|her|their|the|a|your)\s+(?:(?:little|baby|teenage|young|\d{{1,2}}"
    rf"(?:[- ]year[- ]old| ?yo))\s+)?{_CHILD_NOUN}|(?:our|my) little (?:boys?|girls?)|"
    rf"(?:our|the) (?:boys|girls)\b(?=\s+(?:are|were|is)\s+(?:scared|afraid|terrified))|"
    rf"kids|children)"
)

# The writer: as the subject of a verb ("i", "we're"), and in every form.
_SELF_SUBJECTS = frozenset("i i'm im i've i'd i'll we we're we've we'd".split())
_SELF_TOKENS = _SELF_SUBJECTS | {"me", "myself", "my", "mine", "us", "ourselves", "meself"}
_OTHER_TOKENS = (
    _PRONOUNS
    | {w for w in _PARTNER_WORDS + _RELATIVE_WORDS if " " not in w}
    | {"someone", "somebody", "person", "mate", "woman", "guy", "relative"}
)

_CHILD_TOKENS = frozenset(
    {
        "son",
        "sons",
        "daughter",
        "daughters",
        "kid",
        "kids",
        "kiddo",
        "kiddos",
        "child",
        "children",
        "baby",
        "babies",
        "toddler",
        "toddlers",
        "infant",
        "newborn",
        "teen",
        "teens",
        "teenager",
        "teenagers",
        "stepson",
        "stepdaughter",
        "stepkid",
        "stepkids",
        "stepchild",
        "stepchildren",
        "twins",
        "youngest",
        "eldest",
    }
)

_FIGURATIVE_AGENTS = frozenset(
    {
        "it",
        "this",
        "that",
        "reality",
        "truth",
        "news",
        "realization",
        "realisation",
        "fact",
        "guilt",
        "grief",
        "shame",
        "memory",
        "memories",
        "wave",
        "feeling",
        "feelings",
        "emotion",
        "emotions",
        "thought",
        "thoughts",
        "panic",
        "anxiety",
        "sadness",
        "loneliness",
        "depression",
        "pain",
        "everything",
        "something",
        "life",
        "karma",
        "what",
        "which",
        "nothing",
        "betrayal",
        "affair",
        "lie",
        "lies",
        "lying",
        "situation",
        "waiting",
        "silence",
        "stress",
        "work",
        "job",
        "heat",
        "cold",
        "flu",
        "hangover",
        "song",
        "movie",
        "words",
        "question",
        "idea",
        "wind",
        "rain",
        "ball",
        "car",
        "bus",
        "door",
        # what was found out: "that text hit me like a ton of bricks"
        "text",
        "texts",
        "message",
        "messages",
        "email",
        "emails",
        "photo",
        "photos",
        "picture",
        "pictures",
        "receipt",
        "receipts",
        "screenshot",
        "screenshots",
        "letter",
        "voicemail",
        "video",
        "comment",
        "discovery",
        "confession",
        "revelation",
        "sight",
    }
)
# "I felt like I got punched in the gut", "it was like being stabbed": a simile.
_SIMILE = re.compile(
    r"\b(?:felt|feel|feels|feeling|was|is|it's|that's) (?:like|as if|as though)"
    r"(?: (?:i|i'd|i've|i'm|i had|had|have|been|got|gotten|was|were|being|just|literally|"
    r"someone|somebody|you|we|had just|'d))*\s*$"
)
_AGENT_SKIP = frozenset(
    {
        "finally",
        "really",
        "just",
        "suddenly",
        "then",
        "once",
        "twice",
        "actually",
        "literally",
        "always",
        "sometimes",
        "often",
        "even",
        "also",
        "has",
        "had",
        "have",
        "'s",
        "'ve",
        "been",
        "was",
        "is",
        "would",
        "will",
        "'d",
        "'ll",
        "could",
        "might",
        "did",
        "does",
        "do",
        "totally",
        "basically",
        "completely",
        "physically",
        "repeatedly",
        "still",
        "again",
        "all",
        "kind",
        "of",
        "kinda",
        "sorta",
        "never",
        "ever",
        "not",
        "n't",
        "hard",
        "almost",
        "nearly",
        "allegedly",
        "apparently",
        "practically",
        "randomly",
        "constantly",
        "and",
        "used",
        "to",
        "gon",
        "na",
        "going",
        "tried",
        "try",
        "tries",
        "wanted",
        "wants",
        "want",
        "would've",
        "could've",
        "should've",
        "must",
        "may",
    }
)

_NEG_CUES = frozenset(
    {"not", "never", "no", "n't", "cannot", "nope", "nah", "neither", "nor", "without"}
)
# Words after the negation that show it governs another verb ("never thought I'd...",
# "can't stop thinking about...", "not gonna lie, I...", "not sure if I want to live").
_NEG_BREAKERS = frozenset(
    {
        "thought",
        "think",
        "imagined",
        "expected",
        "knew",
        "know",
        "knows",
        "sure",
        "certain",
        "promise",
        "guarantee",
        "lie",
        "lying",
        "stop",
        "stopping",
        "help",
        "deny",
        "pretend",
        "if",
        "whether",
        "why",
        "how",
        "what",
        "when",
        "that",
        "until",
        "because",
        "since",
        "realize",
        "realise",
        "realized",
        "realised",
        "wonder",
        "mean",
        "say",
        "saying",
        "said",
        "tell",
        "telling",
        "told",
        "hide",
        "hiding",
        "ashamed",
        "admit",
        "afraid",
        "scared",
        "worried",
        "care",
        "matter",
        "matters",
        "anyone",
        "anybody",
        "one",
        "trust",
        "believe",
        "feel",
        "shake",
        "get",
        "understand",
        "handle",
        "explain",
        "bear",
        "see",
        "notice",
    }
)
# A new clause between the negation and the hit ends its scope: "I'm not okay and I want
# to die", "he got angry I wasn't grateful enough and shoved me".
_NEG_SCOPE_END = _SELF_SUBJECTS | {"and", "then", "so", "plus", "he", "she", "they"}
# "trying not to", "harder not to", "fighting the urge not to": the danger is asserted
_STRUGGLE = frozenset(
    {
        "harder",
        "hard",
        "difficult",
        "trying",
        "try",
        "tried",
        "tries",
        "struggling",
        "struggle",
        "fighting",
        "resisting",
        "managing",
        "managed",
        "barely",
        "impossible",
        "begging",
        "told",
        "promised",
        "reminding",
        "remind",
        "forcing",
    }
)
_NEG_CANCELLERS = re.compile(
    r"\b(?:anymore|any more|yet|before|until|till|since|these days|lately|recently|"
    r"as much|as often|every day)\b"
)
_UNCERTAIN_BEFORE = re.compile(
    r"\b(?:can't|cannot|can not|couldn't|won't|don't|not) (?:promise|guarantee|say|swear|"
    r"be sure|trust myself)|\bnot sure\b|\bdon't know (?:if|whether)|\bidk\b"
)

# --------------------------------------------------------------------------- normalise

_APOSTROPHES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "—": " - ",
        "–": " - ",
        "\u00a0": " ",
    }
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t\f\v]+")

_SLANG: tuple[tuple[str, str], ...] = (
    (
        r"(?<![\d.,])(?<![\d.,] )\bkms+\b(?! (?:away|from|to|per|an hour|a day|of|north|south|"
        r"east|west|long|drive|walk|run|ride))",
        "kill myself",
    ),
    (r"\bkys+\b", "kill yourself"),
    (r"\bctb\b", "kill myself"),
    (r"\bself[- ]?delet(?:e|ing)\b", "kill myself"),
    (r"\bun-?aliv(?:e|ing|ed)\s+(my|him|her|them)\s?sel(?:f|ves)\b", r"kill \1self"),
    # "thinking of unaliving", "wants to unalive": no object, so suicide (whoever says it)
    (
        r"\bun-?aliv(?:e|ing)\b(?!\s+(?:him|her|them|you|me|us|my|his|their|our|the|a|an|"
        r"someone|somebody|people|everyone|anyone|anybody|this|that|it)\b)",
        "suicide",
    ),
    (r"\bun-?aliving\b", "killing"),
    (r"\bun-?alived\b", "killed"),
    (r"\bun-?alive\b", "kill"),
    (r"\bsewer[- ]?slide\w*\b", "suicide"),
    (r"\bsu+ey?cide\w*\b", "suicide"),
    (r"\b(?:commit|commiting|committing) sudoku\b", "commit suicide"),
    (r"\bngl\b", "not going to lie"),
    (r"\bidk\b", "i don't know"),
    (r"\bidc\b", "i don't care"),
    (r"\btbh\b", "to be honest"),
    (r"\babt\b", "about"),
    (r"\btho\b", "though"),
    (r"\bthru\b", "through"),
    (r"\bppl\b", "people"),
    (r"\b(?:tonite|2nite|2night)\b", "tonight"),
    (r"\b(?:bc|bcuz|becuz|bcos)\b", "because"),
    (r"\bsmth\b", "something"),
    (r"\bdunno\b", "don't know"),
    (r"\bim+a\b(?= )", "i'm going to"),
    (r"\bfinna\b", "going to"),
    (r"\bw/o\b", "without"),
    (r"\brn\b", "right now"),
    (r"\bcuz\b|\bcoz\b", "because"),
    (r"\bw/", "with "),
    (r"\bwanna\b", "want to"),
    (r"\bwana\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgona\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\btryna\b", "trying to"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\bbf\b", "boyfriend"),
    (r"\bgf\b", "girlfriend"),
    (r"\bhubby\b", "husband"),
    (r"\bwifey\b", "wife"),
    (r"\bim\b", "i'm"),
    (r"\bive\b", "i've"),
    (r"\bi ?ll\b(?= (?:kill|hurt|end|do|die|be|never|just))", "i'll"),
    (r"\b(do|does|did|is|was|are|were|have|has|had|would|could|should|ai|wo|ca)n'?t\b", r"\1n't"),
    (r"\bdnt\b", "don't"),
    (r"\bcant\b", "can't"),
    (r"\bwont\b", "won't"),
    (r"\bcannot\b", "can not"),
    (r"\bm[yi] ?s(?:elf|lef|ef|lf|eld|elv)\b", "myself"),
    (r"\bme ?self\b", "myself"),
    (r"\bma ?self\b", "myself"),
    (r"\bhim ?sel(?:f|v)\b", "himself"),
    (r"\bher ?sel(?:f|v)\b", "herself"),
    (r"\bthem ?sel(?:ves|f)\b", "themselves"),
    (r"\byour ?self\b", "yourself"),
    (r"\bkil+\b", "kill"),
    (r"\bk[i1!*]l+(?=\s+(?:my|him|her|them|your))", "kill"),
    (r"\bk[i1!*]l+ing\b", "killing"),
    (r"\bdis+ap+e+a?r", "disappear"),
    (r"\bd[i1!*]e\b", "die"),
    (r"\bd+i+e+\b", "die"),
    (r"\bdye\b(?= (?:already|tonight|soon|now|$))", "die"),
)
_SLANG_RE = tuple((re.compile(p), r) for p, r in _SLANG)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_APOSTROPHES)
    text = _ZERO_WIDTH.sub("", text).lower()
    text = _REPEATS.sub(r"\1", text)
    for pattern, replacement in _SLANG_RE:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text)


# --------------------------------------------------------------------------- clauses

_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n\r]+|\(|\)|\s-\s|\b(?:but|though|although|however|except|whereas|"
    r"still|anyway|otherwise)\b|,\s*(?=(?:and )?(?:i|he|she|they|we|my|his|her)\b)"
)


class _Text:
    """The normalised text, its clause boundaries and cheap token helpers."""

    def __init__(self, text: str):
        self.text = text
        self.breaks = [0]
        for m in _CLAUSE_BREAK.finditer(text):
            self.breaks.append(m.start())
            self.breaks.append(m.end())
        self.breaks.append(len(text))
        self.breaks.sort()

    def clause(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.breaks, start) - 1
        j = bisect.bisect_left(self.breaks, end)
        lo = self.breaks[max(i, 0)]
        hi = self.breaks[min(j, len(self.breaks) - 1)]
        return lo, max(hi, end)

    def before(self, start: int, end: int) -> str:
        """The clause up to the hit (at most _WINDOW characters)."""
        lo, _ = self.clause(start, end)
        return self.text[max(lo, start - _WINDOW) : start]

    def context(self, start: int, end: int) -> str:
        """Up to 300 characters before the clause (to resolve pronouns)."""
        lo, _ = self.clause(start, end)
        return self.text[max(0, lo - 300) : lo]

    def after(self, start: int, end: int) -> str:
        """The clause after the hit (at most _WINDOW characters)."""
        _, hi = self.clause(start, end)
        return self.text[end : min(hi, end + _WINDOW)]


_WORD = re.compile(r"[a-z0-9][a-z0-9'\-/]*")


def _tokens(fragment: str) -> list[str]:
    out = []
    for w in _WORD.findall(fragment):
        if w.endswith("'s") and w not in {"he's", "she's", "it's", "that's", "what's", "let's"}:
            out.append(w[:-2])
            out.append("'s")
            continue
        out.append(w)
    return out


def _who_token(tokens: list[str], k: int) -> str | None:
    w = tokens[k]
    prev = tokens[k - 1] if k > 0 else ""
    if w in _CHILD_TOKENS or re.fullmatch(r"\d{1,2}(?:yo|y/o)", w):
        return CHILD
    if w in {"old", "olds"} and prev in {"year", "yr", "years"}:
        return CHILD
    if w in {"boy", "girl", "boys", "girls", "one", "ones"} and prev in {"little", "our", "baby"}:
        return CHILD
    if w in _SELF_TOKENS:
        return SELF
    if w in _OTHER_TOKENS:
        return OTHER
    return None


_PREPOSITIONS = frozenset(
    {
        "to",
        "for",
        "with",
        "about",
        "at",
        "from",
        "of",
        "on",
        "in",
        "into",
        "towards",
        "toward",
        "around",
        "near",
        "by",
        "than",
        "like",
        "without",
        "against",
        "told",
        "tell",
        "tells",
        "telling",
        "asked",
        "asks",
        "texted",
        "texts",
        "called",
        "calls",
        "left",
        "leave",
        "leaves",
        "miss",
        "love",
        "loves",
        "hate",
        "hates",
        "saw",
        "see",
        "sees",
        "found",
        "find",
    }
)
_DETERMINERS = frozenset(
    {
        "my",
        "our",
        "the",
        "his",
        "her",
        "their",
        "a",
        "an",
        "little",
        "baby",
        "teenage",
        "young",
        "poor",
        "own",
        "best",
        "year",
        "old",
        "yr",
        "years",
        "new",
    }
)


def _is_object_position(tokens: list[str], k: int) -> bool:
    """'letters to my kids', 'I told my wife': the person word is not the subject.

    A possessor ("my son's note") is never an object here.
    """
    if k + 1 < len(tokens) and tokens[k + 1] == "'s":
        return False
    j = k - 1
    while j >= 0 and (tokens[j] in _DETERMINERS or re.fullmatch(r"\d{1,2}(?:yo|y/o)?", tokens[j])):
        j -= 1
    return j >= 0 and tokens[j] in _PREPOSITIONS


def _resolve_pronoun(tokens: list[str], k: int) -> str:
    """A third-person pronoun refers to the nearest compatible person noun before it."""
    pronoun = tokens[k]
    male = pronoun.startswith(("he", "him"))
    female = pronoun.startswith(("she", "her"))
    for j in range(k - 1, max(-1, k - 40), -1):
        w = tokens[j]
        if w in _PRONOUNS or w in _SELF_TOKENS:
            continue
        if male and w in _FEMALE or female and w in _MALE:
            continue
        who = _who_token(tokens, j)
        if who == CHILD:
            return CHILD
        if who == OTHER:
            return OTHER
    return OTHER


# Verbs whose "me" is the one told or shown something, never the one at risk.
_TELLING = frozenset(
    "told tells tell telling texted texts texting messaged messages wrote writes emailed emails "
    "showed shows called calls warned asked asks snapchatted dmed dm'd".split()
)


def _nearest_subject(prefix: str, default: str = SELF, context: str = "") -> str:
    """Who the clause is about: the nearest person word before the hit.

    ``context`` is the text before the clause; it is only used to find what a pronoun
    ("he", "she") refers to ("my son ... he wants to die" is about a child).
    """
    ctx_tokens = _tokens(context[-300:]) if context else []
    tokens = ctx_tokens + _tokens(prefix)
    first = len(ctx_tokens)
    for k in range(len(tokens) - 1, first - 1, -1):
        who = _who_token(tokens, k)
        if who is None:
            continue
        if who in {CHILD, OTHER} and _is_object_position(tokens, k):
            continue
        if tokens[k] in {"me", "us"} and k > 0 and tokens[k - 1] in _TELLING:
            continue  # "he texted me a picture of a noose": the writer is told, not the agent
        if who == OTHER and tokens[k] in _PRONOUNS:
            return _resolve_pronoun(tokens, k)
        return who
    return default


def _who_phrase(phrase: str | None) -> str | None:
    if not phrase:
        return None
    phrase = phrase.strip()
    if re.search(_CHILD_REF, phrase) or re.fullmatch(_CHILD_NOUN, phrase):
        return CHILD
    tokens = _tokens(phrase)
    if not tokens:
        return None
    first = tokens[0]
    if first in {"my", "our"}:
        rest = tokens[1:]
        if any(w in _CHILD_TOKENS for w in rest):
            return CHILD
        if any(w in _OTHER_TOKENS for w in rest):
            return OTHER
        return SELF
    return SELF if first in _SELF_TOKENS else OTHER


def _writer_is_agent(prefix: str) -> bool:
    """True when the writer ('I', 'we') performs the act right before the hit."""
    tokens = _tokens(prefix)
    for k in range(len(tokens) - 1, -1, -1):
        w = tokens[k]
        if w in _AGENT_SKIP or w in {
            "'m",
            "am",
            "are",
            "were",
            "be",
            "stop",
            "keep",
            "kept",
            "quit",
            "start",
            "started",
            "avoid",
            "how",
            "can",
            "should",
            "shouldn't",
            "can't",
            "need",
            "needs",
        }:
            continue
        return w in _SELF_SUBJECTS
    return False


def _figurative_agent(prefix: str) -> bool:
    if _SIMILE.search(prefix):
        return True
    tokens = _tokens(prefix)
    for k in range(len(tokens) - 1, -1, -1):
        w = tokens[k]
        if w in _AGENT_SKIP:
            continue
        return w in _FIGURATIVE_AGENTS
    return False


_THIRD_PARTY_VICTIM = re.compile(
    rf"\b(?:my|our|a|her|his)\s+{_RELATIVE}(?:'s)?\s+(?:{_PARTNER}|boss|dad|father|mom|mother)|"
    rf"\b(?:my|our)\s+{_RELATIVE}\s+(?:is|was|has been|'s|keeps|says|said|told me)\b"
)
_CHILD_VICTIM_CONTEXT = re.compile(rf"{_CHILD_REF}(?:'s)?\s+(?:{_PARTNER}|boyfriend|dad|father)")


def _victim_from_context(prefix: str) -> str:
    if _CHILD_VICTIM_CONTEXT.search(prefix):
        return CHILD
    if _THIRD_PARTY_VICTIM.search(prefix):
        return OTHER
    return SELF


def _negated(prefix: str, suffix: str, window: int = 5) -> bool:
    """Is the hit denied ("I would never hurt myself", "I'm not suicidal")?"""
    tokens = _tokens(prefix.replace("n't", " n't"))
    tail = tokens[-window:]
    for k in range(len(tail) - 1, -1, -1):
        if tail[k] in _NEG_CUES or tail[k].endswith("n't"):
            if any(w in _STRUGGLE for w in tail[max(0, k - 2) : k]):
                return False  # "it's getting harder not to hurt myself", "trying not to..."
            between = tail[k + 1 :]
            if any(w in _NEG_BREAKERS or w in _NEG_SCOPE_END for w in between):
                return False
            if _UNCERTAIN_BEFORE.search(prefix):
                return False
            if _NEG_CANCELLERS.search(suffix):
                return False
            return True
    return False


# --------------------------------------------------------------------------- rules

Check = Callable[[re.Match, _Text], str | None]


@dataclass(frozen=True)
class _Rule:
    reason: str
    level: str
    pattern: re.Pattern
    subject: str = "agent"  # self|other|child|agent|refl|obj|victim
    negatable: bool = False
    not_after: re.Pattern | None = None
    not_before: re.Pattern | None = None
    writer_agent_drops: bool = False
    figurative_drops: bool = False
    agent_other_is_abuse: bool = False
    extra: Check | None = field(default=None)


def _r(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _refl_subject(word: str) -> str:
    if word in {"myself", "yourself", "ourselves", "meself"}:
        return SELF
    return OTHER


_REFL = r"(?P<refl>myself|himself|herself|themselves|themself|yourself|ourselves)"
_HARM_VERBS = (
    r"(?:kill|killing|killed|kills|killin|murder|murdering|hang|hanging|hung|hangs|shoot|"
    r"shooting|shot|drown|drowning|hurt|hurting|hurts|harm|harming|harmed|cut|cutting|cuts|"
    r"cuttin|burn|burning|burned|burnt|off|offing|offed|top|topping|end|ending|ended|"
    r"overdose|overdosing|od|starve|starving|poison|poisoning|poisoned|stab|stabbing|"
    r"delete|deleting|neck|necking|suffocate|suffocating|strangle|strangling|choke|choking|"
    r"gas|gassing|electrocute|slit|slitting|slash|slashing|scratch|scratching|punish|"
    r"punishing|hit|hitting|punch|punching|bite|biting|injure|injuring|mutilate|mutilating|"
    r"destroy|destroying|finish|finishing|rope|roping)"
)

_FUT = (
    r"(?:will|'ll|would|'d|going to|gonna|about to|is going to|was going to|wants? to|"
    r"wanted to|tried to|tries to|try to|trying to|threaten(?:s|ed|ing)? to|swore to|swears|"
    r"swore|could|might|may|promised to|plans? to|planning to|intends? to|is gonna|will "
    r"one day|said he'?d|said she'?d|says he'?ll|says she'?ll|s going to)"
)
_PERSON_BASE = rf"(?:he|she|they|{_PARTNER}|{_RELATIVE})"
_PERSON_AGENT = _alt(
    [p for p in _PRONOUNS if not p.endswith(("self", "selves"))]
    + [*_PARTNER_WORDS, *_RELATIVE_WORDS]
)

# "suicide", "suicidal" and their misspellings ("sucide", "suiside", "suicidel", "sucidal")
_SUICIDE = (
    r"\bs[uo]{1,2}i?(?:c|s|ss|cs|sc|z)[iy]?d"
    r"(?:e|al|el|ial|ale|ail|le|il|ality|es|ed|ing|s|ally)?s?\b"
)


# Medicines an overdose is taken with (one list for every rule that needs it).
_PILLS = (
    r"(?:(?:sleeping |blood pressure |heart |anxiety |pain )?(?:pills|tablets)|meds|medications?|"
    r"medicine|pain ?killers|sleepers|tylenol|paracetamol|acetaminophen|ibuprofen|aspirin|advil|"
    r"insulin|anti-?depressants|xanax|valium|benzos|opioids|oxy\w*|codeine|tramadol|lithium|"
    r"prescriptions?)"
)
_PILLS_CONTEXT = re.compile(rf"\b(?:pill|tablet|{_PILLS}|sleeping|prescription|bottle)\b")
_HEIGHT_CONTEXT = re.compile(
    r"\b(?:bridge|roof|rooftop|ledge|building|cliff|balcony|tracks|train|window|edge|"
    r"overpass|tower|parking garage|car park|railway|platform|motorway|highway)\b"
)


def _method_extra(m: re.Match, t: _Text) -> str | None:
    groups = m.groupdict()
    around = t.text[max(0, m.start() - 500) : m.end() + 500]
    if groups.get("pillctx") is not None and not _PILLS_CONTEXT.search(around):
        return None
    if groups.get("jumpctx") is not None and not _HEIGHT_CONTEXT.search(around):
        return None
    if any(groups.get(g) in {"his", "her", "their"} for g in ("poss", "poss2", "poss3")):
        return OTHER
    if groups.get("refl2") and groups["refl2"] != "myself":
        return OTHER
    if groups.get("me"):
        return SELF  # "I sat in the bathroom with a razor blade"
    return ""


_TOPIC_WORDS = re.compile(
    r"\b(?:movie|film|show|series|tv|book|novel|article|documentary|podcast|episode|"
    r"storyline|story line|plot|course|training|class|lecture|statistics|stats|awareness|"
    r"charity|fundraiser|fundraising|research|essay|thesis|news|volunteer\w*|donat\w*|"
    r"(?:works?|worked|working|job|shift|career) (?:at|for|in|with)|officer|nurse|"
    r"counsel(?:l)?or|social worker|calls all the time)\b"
)


def _topic_only(m: re.Match, t: _Text) -> str | None:
    """'the movie had a domestic violence storyline', 'I volunteer at a women's shelter'.

    Only the generic abuse words are skipped in such clauses; a concrete act ("he hit me")
    is caught by its own rule whatever the topic.
    """
    lo, hi = t.clause(m.start(), m.end())
    if _TOPIC_WORDS.search(t.text[max(lo, m.start() - _WINDOW) : min(hi, m.end() + _WINDOW)]):
        return None
    return ""


_CRISIS_CONTEXT = re.compile(
    r"\b(?:die|dying|dead|death|suicid\w*|kill|killing|hurt myself|hurting myself|harm myself|"
    r"end it|end my life|pills|tablets|overdose|cut|cutting|jump|bridge|rope|gun|alive|"
    r"living|live|wake up|goodbye|note|plan|method|attempt\w*|tried before|last time i tried)\b"
)


def _plan_extra(m: re.Match, t: _Text) -> str | None:
    phrase = m.group(0)
    if re.search(r"\b(?:do it|act on (?:it|them)|go through with it)\b", phrase):
        after = t.text[m.end() : m.end() + 30]
        prefix = t.before(m.start(), m.end())
        if _nearest_subject(prefix, default=SELF) != SELF:
            return None  # "she's scared I'll do it again" (cheat again)
        context = _CRISIS_CONTEXT.search(
            t.text[max(0, m.start() - 1000) : m.start()] + " " + t.text[m.end() : m.end() + 1000]
        )
        urgent = re.search(
            r"\b(?:actually|this time|finally|tonight|right now|soon|today)\b|when (?:the house is"
            r" empty|nobody'?s (?:home|around)|no one'?s (?:home|around)|no one is (?:home|around)|"
            r"everyone'?s asleep|everyone is asleep|i'?m alone|i am alone|the kids are (?:asleep|"
            r"gone|at school|away))",
            phrase + t.text[m.end() : m.end() + 60],
        )
        if re.match(r"\s*again\b", after) and not context:
            return None
        if not (context or urgent):
            return None
    return ""


def _self_harm_extra(m: re.Match) -> str:
    """Whose body: 'my daughter is cutting', 'cuts on my husband's arms', 'her wrists'."""
    if m.group("child1") or m.group("child2"):
        return CHILD
    poss, whose = m.group("poss") or "", m.group("whose")
    if whose:
        return _who_phrase(f"{poss} {whose}") or OTHER
    return OTHER if poss in {"his", "her", "their"} else ""


def _reported_death_wish(m: re.Match, t: _Text) -> str | None:
    """'he says we'd be better off without him' is about the speaker, not the writer.

    The pronoun after "without"/"if" must fit the speaker: "my mom said we'd be better off
    without him" (about the partner) is not a death wish.
    """
    pronoun = m.group("tp") or m.group("tp2")
    prefix = t.before(m.start(), m.end())
    speaker = _nearest_subject(prefix, default="", context=t.context(m.start(), m.end()))
    if speaker in {"", SELF}:
        return None
    words = [w for w in _tokens(prefix) if w in _OTHER_TOKENS or w in _CHILD_TOKENS]
    last = words[-1] if words else ""
    if pronoun in {"he", "him"} and (last in _FEMALE or last in {"she", "she's"}):
        return None
    if pronoun in {"she", "her"} and (last in _MALE or last in {"he", "he's"}):
        return None
    return speaker


def _check_kill_me(m: re.Match, t: _Text) -> str | None:
    """'he will kill me' (threat) vs 'this is killing me' (figurative)."""
    prefix = t.before(m.start(), m.end())
    verb = m.group("verb")
    if verb in {"killing", "killin"}:
        return None  # progressive: "this betrayal is killing me", "he's killing me"
    if _figurative_agent(prefix):
        return None
    toks = _tokens(prefix)[-8:]
    if not any(w in _OTHER_TOKENS for w in toks):
        return None  # "you're going to kill me", "I could kill me a burger"
    return SELF


# "he says I should just die": someone else wishing the writer dead (abuse, not ideation)
# "dead tired", "dead serious", "dead wrong": not death
_NOT_DEAD = (
    r"(?! (?:tired|serious|wrong|set|on|right|last|meat|broke|beat|inside|asleep|ringer|end|"
    r"weight|center|centre|honest|sure|bored|against|to (?:the world|me|him|her)))"
)
_TOLD_I_SHOULD = (
    r"\b(?:told|tells|telling|said|says|saying|texted|yelled|yells|screamed|screams|wrote)\s+"
    r"(?:me\s+)?(?:that\s+)?i\s+(?:should|ought to|need to|deserve to|'d better|better)\s+"
    r"(?:just\s+)?(?:go\s+)?"
)

_CRISIS_RULES: tuple[_Rule, ...] = (
    # "he told me to kill myself" / "she said I should just kys": the writer is abused.
    _Rule(
        "suicide_baiting",
        ABUSE,
        _r(
            r"\b(?:told|tells|telling|tell|said|says|saying|texted|texts|yelled|yells|screamed|"
            r"screams|wrote|keeps telling|kept telling|dared|dares|wants|wanted|wished) me "
            r"(?:that |i should |to |that i should |i'd be better off |i would be better off "
            r")?(?:just |go |to go |go and |should )*(?:(?:kill|hang|off|end) (?:myself|yourself)|"
            r"die|drop dead|jump off (?:a|the) (?:bridge|cliff|roof|building))\b"
            r"(?! (?:my|your|her|his|it|the)\b)|"
            r"\b(?:told|tells|said|says|texted|yelled) (?:me )?(?:to )?(?:go )?kill yourself\b|"
            r"\b(?:told|tells|said|says) (?:me )?i(?:'d| would) be better off dead\b|"
            rf"{_TOLD_I_SHOULD}(?:die|drop dead|kill myself)\b(?! (?:my|your|her|his|it|the)\b)"
        ),
        subject="self",
    ),
    _Rule(
        "self_harm_intent",
        CRISIS,
        _r(rf"\b{_HARM_VERBS}\s+(?:(?:\w+\s+){{0,3}}?)?{_REFL}"),
        subject="refl",
        negatable=True,
        not_after=_r(
            r"^\s*(?:some slack|a break|off from|off\b|loose|short|out\b|up over|laughing|"
            r"to sleep|a piece|free|in half|together|in the foot|up about|up over|a favou?r|a "
            r"drink|"
            r"a treat|some time|a chance|first|to (?:the gym|work|a))"
        ),
        not_before=_r(
            r"\b(?:killing|hurting|killin) $|\bkill(?:ing)? (?:the vibe|time)|\bwork(?:ing)? $|"
            r"\b(?:told|tells|telling|tell|said|says|saying|texted|texts|yelled|yells|screamed|"
            r"screams|wrote|dared|dares|wants|wanted|wished) me (?:that )?(?:i should |to |i'd be "
            r"better off |i would be better off )?(?:just |go |to go |go and |should )*$"
        ),
        extra=lambda m, t: (
            None
            if re.match(
                r"\s*(?:trying|working|at work|to (?:make|keep|pay|please|get|finish|"
                r"fix|save|provide|prove)|over (?:work|nothing))",
                t.text[m.end() :],
            )
            and m.group(0).startswith(("killing", "killin", "working"))
            else ""
        ),
    ),
    _Rule(
        "self_harm_intent",
        CRISIS,
        _r(
            r"\bdo (?P<refl>myself|himself|herself|themselves) in\b|"
            r"\b(?:take|taking|took|takes) (?P<poss>my|his|her|their) (?:own )?life\b|"
            r"\b(?:end|ending|ended|ends|take|taking|took) (?P<poss2>my|his|her|their) (?:own )?"
            r"(?:life|lives|existence)\b"
        ),
        subject="agent",
        negatable=True,
        extra=lambda m, t: (
            OTHER
            if (m.group("poss") or m.group("poss2") or "") in {"his", "her", "their"}
            or (m.group("refl") or "myself") != "myself"
            else ""
        ),
    ),
    _Rule(
        "suicidal_ideation",
        CRISIS,
        _r(_SUICIDE),
        negatable=True,
        not_after=_r(
            r"^\s*(?:squad|bomb(?:er|ing)?s?|doors?|mission|run|king|rates? (?:are|in|among))"
        ),
    ),
    _Rule(
        "suicidal_ideation",
        CRISIS,
        _r(
            r"\b(?:want|wants|wanted|wanting|wish|wishes|wished|wishing|ready|going|about|plan|"
            r"plans|planning|deserve|deserves|deserved|need|needs|rather|prefer|prefers|longing|"
            r"long|hope|hoping|praying|pray|decided|choose|chose|trying|try|tried|'d like|would "
            r"like|like|love|willing)\s+(?:to\s+|2\s+)?(?:just\s+|honestly\s+|really\s+|"
            r"literally\s+|"
            r"simply\s+|fucking\s+|fking\s+|fkn\s+|all\s+|finally\s+|quietly\s+|peacefully\s+|"
            r"already\s+|actually\s+|go\s+and\s+|lay down and\s+|lie down and\s+)*"
            r"(?:die|dy|be dead|not (?:be )?(?:alive|here|exist|around)|stop (?:living|"
            r"existing|breathing)|not wake up|never wake up|sleep (?:forever|and never wake up)|"
            r"disappear(?! (?:when|into|for a|for the|for some|from|to (?:a|the|my|another)|on|"
            r"somewhere|with))|vanish (?:forever|for good)|end it(?: all)?|end everything|be gone|"
            r"cease to exist|go to sleep forever|not exist(?: anymore)?|(?:join|be with|see|meet) "
            r"(?:him|her|them|my \w+(?: \w+)?|\w+) (?:again )?in heaven|go to heaven|be in heaven)\b"
            r"(?! (?:one day|someday|some day|eventually|when (?:i'm|we're|i am|we are) old))"
        ),
        negatable=True,
        not_after=_r(
            r"^\s*(?:of|from|laughing|alone|in (?:my|his|her) arms|a little inside|for (?:a|the) "
            r"(?:weekend|day|week|while|bit|few)|somewhere|with (?:him|her|my)|on (?:a|an) "
            r"(?:island|"
            r"holiday|trip)|into|than (?!live|living|face|facing|be\b|being|go on|going on|keep|"
            r"lose|"
            r"losing|stay|staying|go back|going back|return|spend (?:another|the rest|my life)))"
        ),
        not_before=_r(
            r"\b(?:hair|clothes|shirt|dress|color|colour)\s+\w*\s*$|"
            r"\b(?:told|tells|said|says|texted|yelled|screamed|wrote)\s+(?:me\s+)?(?:that\s+)?i\s+$"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\bwish (?:i|that i) (?:was|were|could|would|could just|would just)\s+(?:just\s+|"
            r"already"
            r"\s+|simply\s+)?(?:dead|gone|die|disappear|be dead|be gone|vanish|cease to exist|"
            r"sleep "
            r"forever|never (?:be )?born|never have been born|not (?:be )?born|not exist|not be "
            r"here|"
            r"stop existing|not wake up|stop breathing|stop living)\b|"
            r"\bwish (?:i|that i) (?:wasn't|weren't|had never been|'d never been|hadn't been|was "
            r"never|were never|didn't|never|did not|had not been)\s+(?:even\s+)?(?:born|alive|here|"
            r"around|exist|existed|wake up|woken up|been born)\b|"
            r"\b(?:hope|hoping|pray|praying|wish|wishing) (?:that )?i (?:just |simply |finally |"
            r"won't |will )?(?:don't|do not|never|won't|will not|wouldn't|not) (?:ever )?wake up\b|"
            r"\b(?:hope|hoping|pray|praying) (?:that )?i (?:just |simply |finally )?(?:die|"
            r"don't make it|get hit by a|never wake|die in my sleep)\b|"
            r"\b(?:life|my life|living|existence) (?:has|holds|have) (?:no|zero|lost (?:all|its)) "
            r"(?:meaning|point|purpose|value)\b|"
            r"\b(?:sleep|go to sleep|fall asleep|close my eyes|lie down|lay down)(?: forever)? and "
            r"(?:never|not|don't|didn't) (?:ever )?wake(?: up)?\b|"
            r"\b(?P<p>he|she|they) (?:\w+ )?wish(?:es|ed)? (?P=p) (?:was|were|could be|had never "
            r"been|"
            r"'d never been|wasn't|weren't) (?:dead|gone|never born|not alive|not here|alive)\b"
        ),
        not_after=_r(
            r"^\s*(?:for (?:a|the|some|an|one|two|few)|to (?:a|the|another|somewhere)|on (?:a|an)|"
            r"somewhere|from (?:this|here|work|the)|into (?:the|a)|with (?:him|her|the kids|them)|"
            r"of embarrassment|of shame|of laughter|in (?:the|a) (?:crowd|hole|corner))"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:better off|be better|happier|easier for everyone) (?:dead|gone|without me|if i "
            r"(?:was|were|wasn't|weren't|had never|'d never|never|just|died|disappeared|left for "
            r"good|killed myself)|with me (?:dead|gone)|not (?:existing|alive|being alive|here|"
            r"being here|around|breathing)|never (?:having been |being )?born|in the ground|six "
            r"feet under|with (?:my|the) (?:life )?insurance)\b|"
            r"\bworth more (?:to (?:them|everyone|everybody|my \w+) )?dead\b|"
            r"\bif i (?:was|were) (?:in the ground|six feet under|in a box|under the ground)\b|"
            r"\bif i (?:just )?(?:vanished|disappeared|died|was gone|were gone|wasn't here|weren't "
            r"here)(?: tomorrow| today| tonight)?,? (?:no ?one|nobody|noone|not a soul) (?:would|"
            r"will|"
            r"'d) (?:even |really )?(?:care|notice|miss me|mind)\b|"
            r"\bbetter off dead\b|"
            r"\b(?:no ?one|nobody|noone|no body|not a soul|who) (?:would|will|'d|'ll|even|really)?"
            r"\s*(?:\w+\s+)?(?:care|notice|miss me|mourn|cry|come to my funeral)(?:\s+\w+){0,3}?\s+"
            r"if i (?:died|was dead|were dead|was gone|were gone|disappeared|killed myself|wasn't "
            r"here|weren't here|wasn't around|died tomorrow|ended it)\b|"
            r"\b(?:no ?one|nobody|noone|not a soul) (?:would|will|'d|'ll|is going to|gonna) "
            r"(?:even |"
            r"really |ever )?(?:miss|notice|care about|mourn) (?P<obj>me|him|her|them)(?: if| "
            r"when| "
            r"once)? ?(?:(?:i|he|she|they) (?:was|were|'s|is) gone|(?:i|he|she|they) died)?\s*(?=$|"
            r"[,.!?]|\band\b|\bif\b|\banyway\b|\banymore\b)|"
            r"\bwhat if i (?:just )?(?:died|disappeared|was gone|wasn't here|ended it|killed)\b|"
            r"\bif i (?:just )?(?:died|was dead|were dead|was gone|were gone|ended it|killed "
            r"myself|"
            r"wasn't around anymore|weren't around anymore|wasn't here anymore|disappeared forever)"
            r"\b(?! (?:of|in|from) (?:old age|a car|an accident|covid|cancer|cold|the))"
        ),
        negatable=True,
        extra=lambda m, t: (
            SELF
            if re.search(r"\b(?:without me|if i|with me|miss me|when i|insurance)\b", m.group(0))
            else ""
        ),
    ),
    _Rule(
        # "my 12 year old said everyone would be better off if he was never born"
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:said|says|saying|told (?:me|us|\w+)|tells (?:me|us)|thinks|feels|wrote|writes|"
            r"texted|keeps saying|kept saying)\s+(?:that\s+)?(?:\w+\s+){0,4}?(?:better off|"
            r"happier|easier|better) (?:without (?P<tp>him|her|them)\b|if (?P<tp2>he|she|they) "
            r"(?:was|were|wasn't|weren't|had|'d|just)?\s*(?:never (?:been )?born|not born|dead|"
            r"gone|not here|not around|died|disappeared|never existed|didn't exist)\b)"
        ),
        negatable=True,
        extra=lambda m, t: _reported_death_wish(m, t),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:don't|do not|dont|no longer|didn't|did not|doesn't|does not|never|not|won't) "
            r"(?:really |even |honestly |actually |truly |wanna |want to )?(?:want|wants|wish|"
            r"wanna|"
            r"feel like|feel the need|see (?:the|any|a) (?:point|reason)|have (?:the )?(?:will|"
            r"strength|energy|reason)|care about|care (?:if|whether) i)\s*(?:to\s+)?(?:live|"
            r"living|be alive|being alive|stay alive|exist|existing|wake up|waking up|go on|going "
            r"on|keep going|keep living|continue living|continue|carry on|survive|see tomorrow|see "
            r"another day|make it through (?:the night|tonight))\b"
        ),
        subject="agent",
        not_after=_r(
            r"^\s*(?:with (?:him|her|them|you|my|his|her|their|that|this|the|a)|without (?:him|her|"
            r"them)|together|in (?:this|that|the|a|his|her|their) (?:same )?(?:house|city|town|country|"
            r"place|area|state|flat|apartment|home)|there|here|near|next to|apart|alone|like that|"
            r"a lie|in fear|in sin|a double life|in denial|the same life|his life|her life|my life "
            r"with|under the same roof|as roommates|as a couple|as if|the way|with this (?:secret|"
            r"guilt|lie))"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:don't|do not|dont|no longer|didn't|doesn't|never|not|won't) (?:really |even |"
            r"honestly )?(?:want|wanna|wish) (?:to )?(?:be here|be around|be on this earth|be in "
            r"this world|wake up tomorrow|be here tomorrow)\s*(?=$|anymore|any more|tomorrow|at "
            r"all|,|\.|!|\?|and |or |\))"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:can't|can not|cannot|couldn't|unable to|not able to) (?:go on|keep going|carry "
            r"on|"
            r"live with myself|live with what i did|live with (?:the|this) guilt|face another day|"
            r"face tomorrow|survive (?:this|another)|see a future|see any future|keep living|"
            r"stay alive|make it through (?:the night|tonight))\b"
        ),
        not_after=_r(
            r"^\s*(?:like this|like that|this way|in this|with (?:him|her|them|the|this|these|his|"
            r"her|all)|pretending|lying|a lie|lies|a double life|in (?:a|the|this|that|his|her|my|"
            r"our) |under|without (?:him|her|knowing|answers)|the way|as if|ignoring|"
            r"not knowing|hiding|being|doing|living (?:like|with|in)|together|as a couple|in a "
            r"marriage|in this marriage|in the marriage|in a relationship|in this relationship)"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:no|not any|not a single|zero|nothing|any|the|what(?:'s| is)? the|no more) "
            r"(?:reason|point|purpose|will|need|use|sense)s? (?:to|in|of|for|for me to)? ?(?:me |my )?"
            r"(?:live|living|go on|going on|being alive|stay alive|staying alive|be alive|life|"
            r"keep "
            r"going|keeping going|keep living|keep on living|continue living|wake up|waking up|"
            r"exist|"
            r"existing|being here|be here|carry on|"
            r"carrying on|me being here|my life|trying to live|continuing|anything anymore|it "
            r"all)\b|"
            r"\bnothing (?:left )?(?:to live for|to stay for|worth living for|keeping me here)\b|"
            r"\b(?:life|living|my life|existence|being alive|this life|it) (?:isn't|is not|'s not|"
            r"ain't|wasn't|was not|just isn't|doesn't feel|does not feel|doesn't seem|no longer "
            r"feels|is no longer|isn't even) (?:really |even )?worth (?:living|it anymore|being "
            r"alive|staying alive|going on|sticking around)\b|"
            r"\b(?:life|living|my life|existence|being alive|this life) (?:is|feels|seems|has "
            r"become|became|is just) (?:so |just |completely |totally |utterly )?(?:not worth "
            r"(?:it|"
            r"living|anything)|worth ?less|pointless|meaningless|unbearable|hopeless)\b|"
            r"\bnot worth (?:living|being alive|staying alive)\b|"
            r"\b(?:don't|dont|do not|can't|cannot|can not) see (?:the|any) point(?: in| of)? "
            r"(?:anything|living|life|being alive|going on|waking up|existing|it all|anymore|any "
            r"more|in anything)\b|"
            r"\b(?:don't|dont|do not) see (?:the|any) point\s*(?:anymore|any more)?\s*(?=$|[.!?,])"
        ),
    ),
    _Rule(
        "passive_death_wish",
        CRISIS,
        _r(
            r"\b(?:i'm|i am|i feel|feel|feeling|i've been|i have been|am)\s+(?:(?:so|just|such|"
            r"really|completely|totally|like|kind of) )*(?:done with (?:life|living|"
            r"everything|it all|being "
            r"alive|this life|existing)|done (?:living|being alive|existing|breathing)|tired of "
            r"(?:living|life|being alive|existing|waking up|"
            r"breathing|everything|it all)|sick of (?:living|life|being alive|existing|waking up)|"
            r"over (?:living|life|being alive)|ready to (?:go|leave this world|be done|check out)|"
            r"a burden(?! to (?:the|our) (?:budget|finances))|such a burden|in (?:a |such a |a "
            r"really |a very |a )?(?:dark|black|bad) (?:place|hole)(?! (?:as a couple|with))|"
            r"at (?:the|my) end of (?:my|the) (?:rope|tether)(?! with| over| about| because| "
            r"when| at work)|beyond help|at rock bottom and "
            r"(?:can't|want)|empty and (?:want|ready)|numb and (?:want|ready))\b|"
            r"\bgive up on (?:life|living|everything)\b|"
            r"\b(?:don't|do not|dont) (?:think|know if|know whether|feel like) i (?:really |even )?"
            r"(?:want|wanna) (?:to )?(?:be alive|live|stay alive|exist|wake up|go on|be here|keep "
            r"living|keep going)\b|"
            r"\bnot sure (?:if |whether |that )?i (?:want|wanna) (?:to )?(?:be alive|live|stay "
            r"alive|exist|wake up|go on|keep living|keep going)\b|"
            r"\b(?:saying|said|say|been saying) (?:my )?goodbyes? to (?:people|everyone|everybody|"
            r"my (?:friends|family|kids|children|loved ones))\b|"
            r"\bhate (?:being alive|existing|waking up|that i'm alive|that i woke up|living)\b|"
            r"\b(?:whether|if) i (?:live or die|lived or died|am alive or dead|was alive or dead|'m "
            r"alive or dead)\b|"
            r"\battempted\b(?=\s*(?:$|[.!?;]|again|before|last|twice|once|recently|\w+ (?:years?|"
            r"months?|weeks?) ago|in (?:\d|january|february|march|april|may|june|july|august|"
            r"september|october|november|december)))|"
            r"\b(?:my|his|her|a|previous|past) (?:last |first |second |previous |suicide )?attempts?\b"
            r"(?= (?:left|landed|put)|\s*$|[.!?])|"
            r"\b(?:i'm|i am|im) (?:\w+ )?(?:on|at|by|near|up on|over) (?:a |the |this )?(?:edge of "
            r"(?:a |the |this )?)?(?:bridge|ledge|roof|rooftop|edge|railway|train tracks|tracks|cliff|"
            r"balcony railing|overpass)\b(?=.{0,30}\b(?:right now|now|tonight|at the moment|and|"
            r"thinking|ready)\b|\s*$)|"
            r"\b(?:can't|cannot|can not|don't) (?:see|picture|imagine) myself (?:being )?(?:alive|"
            r"here|around|living) (?:next|in|by|much|for|at|this time)\b|"
            r"\b(?:wish|hope|hoping|pray|praying) (?:that )?(?:a|the|some) (?:car|bus|truck|lorry|"
            r"train|plane|drunk driver) (?:would |will |just |could )*(?:hit|hits|kill|kills|run "
            r"me over|runs me over|takes me out|crash)\b|"
            r"\b(?:wish|hope|hoping|pray|praying) (?:that )?i (?:just |would |will )?(?:get|got|catch|"
            r"develop) (?:\w+ ){1,3}and die\b|"
            r"\b(?:want|wanna|need) (?:out of|to (?:get out of|escape|leave)) (?:this|my) (?:life|"
            r"world|existence)\b(?! (?:with|together))|\b(?:a )?danger to myself\b|"
            r"\b(?:imagin\w*|picturing|picture|planning|planned|plan|dream\w* (?:of|about)|"
            r"fantasi\w* "
            r"about) (?:my )?(?:own )?funeral\b|"
            r"\b(?:why|what's the point of|what is the point of|no point) (?:even "
            r")?(?:bother(?:ing)?|"
            r"keep) (?:living|going on|waking up|being alive|trying to live|breathing|existing)\b|"
            r"\b(?:want|wish|need|wanting|wishing|needing) (?:for )?(?:everything|it all|my life|"
            r"life|"
            r"all of (?:it|this)|the world) to (?:end|stop|be over|just stop|just end)\b(?! "
            r"(?:between|"
            r"with))|"
            r"\b(?:tired|sick|exhausted|weary) of (?:living|being alive|existing|waking up|"
            r"breathing|"
            r"being here)\b|"
            r"\b(?:won't|will not|wont) be (?:here|around|alive|a (?:problem|burden)) (?:much "
            r"longer|for long|anymore|any more|tomorrow|by (?:morning|tomorrow|monday|the weekend|"
            r"then)|to see)\b|"
            r"\bnot going to be (?:here|around|alive) (?:much longer|for long|anymore|tomorrow)\b|"
            r"\b(?:i'll|i will|i'm going to|i am going to) be (?:gone forever|six feet under|in the "
            r"ground|in a box)\b|"
            rf"\b(?:i'll|i will|i'm going to|i am going to) be dead\b(?! (?:if|unless|when))"
            rf"{_NOT_DEAD}|"
            r"\bhow (?:much )?longer (?:i can|i'll be able to|can i|i'm able to) (?:keep (?:myself )?"
            r"(?:alive|going)|stay alive|hold on|hang on|keep living|survive|go on)\b(?! (?:to|with|"
            r"in|like|at|for|\w+ing)\b)|\b(?:keep|keeping|kept) myself alive\b|"
            r"\bthis is (?:my |a )?(?:final |last )?goodbye\b(?!\s*(?:for now|to (?:you|this|the|"
            r"my "
            r"(?:old|ex|affair))|bot|app|chat|[,.!]?\s*(?:thanks|thank you|cheers|see you|bye)|"
            r"(?:to|for) (?:the|this) (?:affair|relationship|marriage|app)))|\bgoodbye (?:forever|"
            r"world|everyone|cruel)\b|"
            r"\b(?:goodbye|farewell|final|last) (?:letters?|notes?|messages?|texts?|words?|"
            r"videos?)\b|\bsaid (?:my )?goodbyes\b|\bwrote (?:letters|notes|goodbyes?) (?:to|for) "
            r"(?:everyone|my|the)\b|"
            r"\b(?:wrote|written|writing) (?:a |my )?note (?:to|for) (?:everyone|my (?:whole )?(?:family|"
            r"parents|loved ones))\b(?!')|"
            r"\b(?:wrote|written|writing|write) (?:a |my )?(?:\w+ )?(?:letters?|notes?) (?:to|for) "
            r"(?:each|all|every one|everyone|every single one) (?:of )?|"
            r"\b(?:wrote|written|writing|made|making|finished|updated|drew up|drafted) (?:out )?my "
            r"will\b(?=[^.!?]{0,40}\b(?:letters?|notes?|goodbyes?)\b)|\b(?:put|putting|getting|"
            r"got|sorting|sorted) (?:all )?my affairs in order\b|"
            r"\b(?=[dbn])(?<!his )(?<!her )(?<!their )(?<!'s )(?:death|dying|being dead|not waking up|not "
            r"existing)\s+(?:\w+\s+)?(?:seems?|sounds?|feels?|looks?|would be|will be|is|'d be)\s+"
            r"(?:like\s+)?(?:a |the |such a |so |more )?(?:relief|peaceful|better|easier|the (?:only )?"
            r"(?:answer|way out|solution|option|escape)|appealing|tempting|nice|welcome|freedom|an "
            r"escape|the easy way|a release)\b|"
            r"\bgiv(?:e|ing|en) away (?:all )?(?:my|of my) (?:stuff|things|belongings|possessions|"
            r"clothes|pets?|cat|dog|savings)\b"
        ),
        subject="agent",
        not_before=_r(r"\bwe(?:'re| are)? (?:\w+ )?$"),
    ),
    _Rule(
        "suicide_method",
        CRISIS,
        _r(
            r"\b(?:stockpil\w*|hoard\w*|sav(?:e|ing|ed)(?: up)?|collect\w*|count(?:ed|ing)?|"
            r"got|have|bought|buy|buying|get|getting)\s+(?:all\s+)?(?:my\s+|the\s+|enough\s+|a lot "
            rf"of\s+|a bunch of\s+|loads of\s+|lots of\s+)*(?:{_PILLS}|rope|a rope|a noose|a gun|"
            r"a firearm|razor blades?|blades)\b(?=.{0,40}\b(?:to|and|so|for (?:when|if|tonight|"
            r"later|it|that|this)|enough|end|die|take|tonight|overdose|swallow|kill|hang|done|it)\b)|"
            r"\bi(?:'ve| have| had| was| am|'m)?\s+(?:been\s+|secretly\s+)*(?:hid|hiding|hidden|"
            r"stash\w*|stockpil\w*|hoard\w*)\s+(?:all\s+)?(?:my\s+|the\s+|some\s+|extra\s+)*"
            rf"{_PILLS}\b|"
            r"\b(?:stash|stockpile|supply|hoard|collection) of (?:\w+ )?(?:pills|tablets|meds|"
            r"painkillers|sleeping pills)\b|"
            rf"\b(?:{_PILLS}|razor blades?|blades|razors|a rope|the rope|a noose)\s+(?:\w+\s+)?"
            r"(?:saved|stashed|stockpiled|hoarded|hidden|put aside|set aside)(?: up| away)?\b|"
            r"\b(?:took|take|taking|swallow(?:ed|ing)?|down(?:ed|ing)?|takes|swallowed|"
            r"chug(?:ged)?)"
            r"\s+(?:all|a bunch|a handful|handfuls|a lot|the whole|a whole|the rest|too many|loads|"
            r"a load|a ton|tons|a fistful|a pile|an entire|a full|lots|every(?:thing)?|twenty|"
            r"thirty|forty|fifty|\d{2,})\s+(?:of\s+)?(?:my\s+|the\s+|his"
            r"\s+|her\s+)?(?:bottle of\s+|pack of\s+|box of\s+)?(?:\w+\s+)?"
            rf"(?:{_PILLS}|bottle|pack|box)\b|"
            r"(?<!died of an )(?<!died from an )(?<!died of )(?<!died from )\boverdos(?:e|ed|es|"
            r"ing)"
            r"\b(?! (?:patients?|deaths?|crisis|epidemic|rates?|prevention|awareness|victims?|"
            r"cases?|"
            r"calls?|reversal|training|statistics|kit))|\bod(?:'d|ed|ing)?\s+on\b|"
            r"\b(?:take|taking|took|swallow(?:ing)?|down(?:ing)?|chug(?:ging)?)\s+(?:all|every "
            r"(?:one|last one|single one)|the (?:whole|entire|rest of the) (?:lot|bottle|box|pack|"
            r"packet|strip))(?: of (?:them|it|the (?:pills|tablets|meds)))?\b(?=.{0,20}(?:$|[,.!?]|"
            r"\band\b|\btonight\b|\bnow\b|\bat once\b))(?P<pillctx>)|"
            r"\b(?:whether|if|thinking (?:of|about)|want|going|tempted|urge|about|ready|"
            r"planning)\s+"
            r"(?:to )?jump(?:ing)?\b(?P<jumpctx>)|"
            r"\b(?:jump|jumping|jumped|throw (?:myself|himself|herself)|step|stepping|stepped|walk|"
            r"walking|walked|lie|lay|lying|laying)\s+(?:off|from|in front of|into|onto|under|down "
            r"on|on)\s+(?:a|the|that|this|some|my|our)?\s*(?:bridge|building|roof|rooftop|cliff|"
            r"train|tracks|railway|bus|truck|lorry|balcony|overpass|car park|parking garage|"
            r"traffic|sea|ocean|river|lake|highway|motorway|freeway|tower|window|ledge|edge)\b|"
            r"\b(?:locked|shut|barricaded) (?P<refl2>myself|himself|herself|themselves) "
            r"in\b(?=.{0,50}"
            r"\b(?:razor|knife|gun|pills|rope|blade|tablets|bottle)\b)|"
            r"\b(?:pills|tablets|meds|painkillers|sleeping pills|razor blades?|the rope|a rope|"
            r"the noose|the gun|a gun)\b(?:\s+\w+){0,3}?\s+(?:lined up|counted out|laid out|"
            r"sorted out|in front of me|in my hand|in my lap|next to me|ready(?! for| to take "
            r"with))"
            r"\b|"
            r"\bnoose\b|\bhang(?:ing)? rope\b|\b(?:bought|buying|got|ordered|have|tied|tying) "
            r"(?:a |"
            r"some |the )?(?:rope|noose)\b(?! (?:ladder|swing|for (?:the|a) (?:boat|climbing|"
            r"camping|tent|swing)))|"
            r"\b(?:think|thinking|thought|want|wanted|tempted|urges?|fantasi\w*|imagin\w*|dream\w*|"
            r"considered|considering|going|planning|plan|about|ready)\s+(?:about\s+|of\s+|to\s+)?"
            r"(?:just\s+)?(?:driving|drive|"
            r"crashing|"
            r"crash|swerving|swerve|steering|steer|veering)\s+(?:my\s+|the\s+)?(?:car\s+)?(?:off|"
            r"into|"
            r"in front of)\s+(?:the|a|an|some|oncoming)?\s*(?:road|bridge|cliff|tree|wall|traffic|"
            r"truck|lorry|river|lake|barrier|median|overpass|train)\b|"
            r"\b(?:stood|standing|stand|sat|sitting|climbed|climbing|leaning|leaned) (?:on|onto|"
            r"over|"
            r"at) (?:the )?(?:ledge|edge|railing|parapet|rail)\b(?=.{0,40}\b(?:balcony|bridge|roof|"
            r"building|window|cliff|platform|floor|tower|car park|overpass)\b)|"
            r"\b(?:slit|slice|slash|cut|open)(?:ting|ing)?\s+(?P<poss>my|his|her|their)\s+"
            r"(?:wrists?|throat|veins?|arms? open)\b|"
            r"\bblow (?P<poss2>my|his|her|their) brains out\b|"
            r"\b(?P<me>i) (?:\w+ )?(?:sat|sit|sitting|stood|standing|lay|lying|laid|spent (?:the|an|"
            r"all|hours)(?: \w+)?)\b(?:\s+\w+){0,5}?\s+(?:with|holding) (?:a|the|my|some|a bottle of|"
            r"a handful of|a bunch of)\s+(?:razor(?: blades?)?|blades?|knife|gun|pistol|rope|noose|"
            rf"{_PILLS})\b(?! and fork|,? (?:and )?(?:cutting|chopping|slicing|peeling|carving|"
            r"cleaning|to (?:cut|chop|slice|peel|open|carve)))|"
            r"\b(?:gun|pistol|rifle|barrel|shotgun|knife|blade|razor)\s+(?:to|in|against|into)\s+"
            r"(?P<poss3>my|his|her|their)\s+(?:head|mouth|temple|chest|throat|wrists?)\b|"
            r"\b(?:drive|driving|drove|crash|crashing|crashed|steer|steering|swerve|swerving|"
            r"swerved)\s+(?:my|the|our|his|her)?\s*(?:car|truck|van|bike|motorbike)?\s*(?:into|off|"
            r"in front of)\s+(?:a|the|an|some|oncoming)?\s*(?:tree|wall|bridge|cliff|pole|river|"
            r"lake|traffic|truck|lorry|train|barrier|overpass|embankment|ravine|road)\b(?=.{0,40}\b"
            r"(?:on purpose|deliberately|intentionally|end|die|so|and never|myself|himself|"
            r"herself|(?:look|looks|seem|seems) like an accident|never come (?:back|home))\b|\s*$)|"
            r"\b(?:crash|crashing|drive|driving|drove)\s+(?:my|the|his|her)?\s*(?:car|truck)?\s*"
            r"(?:on purpose|deliberately|intentionally)\b|"
            r"\b(?:fantasi\w*|dream\w*|imagin\w*|tempted|urges?|think\w*|thought) (?:about|of|to) "
            r"(?:just )?(?:crash\w*|wreck\w*|total\w*) (?:my|the) (?:car|truck|van)\b|"
            r"\bdrink(?:ing)? (?:myself|himself|herself) to death\b|"
            r"\b(?:going to|gonna|want to|about to|should|might|will|'ll|ready to|planning to) rope"
            r"\b|"
            r"\b(?:i|he|she) (?:put|held|pointed|pressed|had) (?:a|the|his|her|my|a loaded) "
            r"(?:gun|pistol|knife) (?:to|at|against|in) (?:my|his|her) (?:head|mouth|temple|chest|"
            r"throat)\b"
        ),
        negatable=True,
        agent_other_is_abuse=True,
        extra=lambda m, t: _method_extra(m, t),
    ),
    _Rule(
        "self_harm",
        CRISIS,
        _r(
            r"\bself[- ]?(?:harm\w*|injur\w*|mutilat\w*|destruct(?:ive|ion|ing))\b|\bsh\b(?= "
            r"(?:again|relapse|scars?|urges?|wounds?))|"
            r"\b(?:started|start|been|keep|kept|stop|stopped|back to|relapsed (?:on|into)|"
            r"resisting)"
            r"\s+(?:cutting|burning myself|hurting myself|scratching myself|self harming)\b|"
            rf"\b(?:caught|found|saw|noticed|discovered)\s+(?P<child1>{_CHILD_REF})\s+(?:cutting|"
            r"self[- ]?"
            r"harming|hurting (?:himself|herself|themselves)|burning (?:himself|herself))\b|"
            rf"\b(?P<child2>{_CHILD_REF})\s+(?:is|has been|'s been|was|keeps|started|has started|"
            r"is "
            r"still)"
            r"\s+(?:\w+\s+)?(?:cutting|self[- ]?harming)\b|"
            r"\bcutting again\b|\bcut again\b|\brelapsed (?:on|with|into) (?:cutting|self[- "
            r"]?harm)\b|"
            r"\b(?:(?:fresh|new|deep|self[- ]inflicted|more) (?:cuts|scars|burns|marks|wounds|"
            r"slashes|scratches)|(?:cuts|scars|burns|marks|wounds)(?=[^.!?]{0,70}\b(?:myself|himself|"
            r"herself|themselves|did|made|from (?:cutting|self|harming|a razor|the razor|a blade)|"
            r"fresh|new|again)\b)) (?:on|all over|up and down) "
            r"(?P<poss>my|his|her|their)(?: (?P<whose>[a-z0-9]+(?:-[a-z]+)*)'s)? (?:arms?|wrists?|"
            r"thighs?|legs?|stomach|body|skin|forearms?|hips?)\b|"
            r"\b(?:i|i've|i have|i just|i had)\s+(?:(?!fell\b|tripped\b|slipped\b)\w+\s+){0,3}?"
            r"(?:cut|burned|burnt|scratched|carved|"
            r"sliced|slashed|hit|punched|bit|bruised)\s+(?:into\s+)?my (?:arms?|legs?|thighs?|"
            r"wrists?|skin|stomach|hips?|forearms?)\b(?! (?:on|in|at|while|cooking|shaving|by "
            r"accident|accidentally|playing|falling))|"
            r"\bmake (?:myself|himself|herself) bleed\b|\buntil (?:i|he|she|it|they) (?:bleed|bled|"
            r"bleeds)"
            r"\b|\bbang(?:ing|ed)? my head (?:on|off) (?:the|a) (?:floor|ground|sink|counter)\b|"
            r"\b(?:hitting|punching|slapping|biting|scratching|burning|pinching|starving|cutting) "
            r"(?:myself|my (?:arms?|legs?|thighs?|wrists?|face|skin))\b"
        ),
        negatable=True,
        extra=lambda m, t: _self_harm_extra(m),
    ),
    _Rule(
        "suicide_plan",
        CRISIS,
        _r(
            r"\b(?:end|ending|finish|finishing) (?:it|everything|my life|it all)\s+"
            r"(?:tonight|today|tomorrow|this week|this weekend|right now|now|soon|for good|"
            r"permanently|forever|once and for all)\b(?! with)|"
            r"\bend(?:ing)? it all\b|\bend(?:ing)? everything\b(?! (?:with|between))|"
            r"\b(?:i'm|i am|i'll|i will|going to|gonna|want to|about to|ready to|thinking of|"
            r"thinking "
            r"about|planning to|plan to|considering)\s+(?:just\s+)?(?:do|doing)\s+something\s+"
            r"(?:drastic|permanent|stupid to myself|i can't take back|i won't come back from|"
            r"final|irreversible)\b|"
            r"\b(?:scared|afraid|worried|terrified|frightened|think|feel like) (?:that )?i(?:'ll|"
            r" will| might| could| would|'d| am going to|'m going to| may) (?:actually |really )?"
            r"(?:do it|act on (?:it|them|these thoughts|those thoughts)|go through with it|not "
            r"survive|not make it through|do something to myself|hurt myself|kill myself|end it|"
            r"not be able to stop myself)\b|"
            r"\b(?:my plan is|i plan|i'm planning|i am planning|i've planned|i have planned|i've "
            r"decided|i have decided|i'm going|i am going|i'll|i will)\s+(?:\w+\s+)?to do it\b|"
            r"\b(?:don't|do not|can't|cannot|can not) trust myself (?:right now|tonight|anymore|"
            r"alone|not to|around|with)\b|"
            r"\bi(?:'m| am) not safe (?:from|with|around) myself\b|"
            r"\bi (?:don't|do not|no longer|never) feel safe (?:with|from|around|by) myself\b|"
            r"\b(?:my plan is|i plan|i'm planning|i am planning|i've decided|i have decided|"
            rf"i'm ready|i am ready) to (?:take|swallow|down|overdose on) (?:all )?(?:the|my|those|"
            rf"these) {_PILLS}\b|"
            r"\b(?:going|about|ready|want|wanna|gonna) to jump(?=\s*(?:now|tonight|today|off|$|[.!]))|"
            r"\b(?:thoughts|thinking|think|thought) (?:of|about) (?:ending it|ending my life|not "
            r"being here|not waking up|dying|death|being dead|disappearing|killing myself|hurting "
            r"myself|taking my life|my funeral|how to die|ways to die)\b|"
            r"\b(?:how|easiest way|best way|quickest way|painless way|ways?) to (?:die|end my life|"
            r"kill yourself|kill myself|kill oneself|end it(?! with| between)|overdose|hang|not wake "
            r"up)\b|"
            rf"\b(?:how many|how much)\s+(?:\w+\s+){{0,3}}{_PILLS}\s+"
            r"(?:\w+\s+){0,3}(?:to die|to kill|would kill|is lethal|is fatal|to overdose|to not "
            r"wake up|it takes|does it take|would it take|it would take|it'd take|would be enough|"
            r"is enough|is too much|"
            r"would do it)\b|"
            r"\b(?:only|the|one|best|easiest) (?:way out|option left|solution|answer|escape|exit)"
            r"(?: left)? (?:is|would be|seems|feels like|i can see is) (?:to )?(?:die|death|dying|"
            r"suicide|not be here|not being here|not exist|not existing|end it|ending it|end my "
            r"life|"
            r"ending my life|disappear|kill myself|killing myself|be gone)\b|"
            r"\b(?:only|one) (?:way|thing|option|solution)\b[^.!?]{0,40}\b(?:is|would be|will be|"
            r"seems) (?:if i(?:'m| am| was| were)? (?:not here|gone|dead|die|died|disappear\w*|"
            r"weren't here|wasn't here)|(?:to |for me to )?(?:die|end it|kill myself|not be here|"
            r"disappear forever))\b(?! for (?:a|the|some|one|two|few))|"
            r"\b(?:painless|peaceful|quiet|least painful) (?:way|ways|method|methods) (?:to|of) (?:go|"
            r"die|dying|do it|end it|check out|going)\b(?! (?:about|forward|ahead|on|back|through|to|"
            r"from|with|for|into|over|after))|"
            r"\b(?:quick|quickest|easy|easiest|fastest) (?:way|ways|method|methods) (?:to|of) (?:die|"
            r"dying|check out)\b|"
            r"\bfeel(?:ing)? like (?:dying|i want to die|i should die|ending it|ending my life|"
            r"killing myself)\b|"
            r"\b(?:knife|blade|razor|gun|pills|rope|tablets)\b(?:\s+\w+){0,3}\s+and\s+(?:\w+\s+)?"
            r"(?:think|thought|thinking)\s+about\s+(?:it|doing it|using it|using them|taking them|"
            r"what it would|ending)\b|"
            r"\blethal dose\b|\bpainless (?:death|way out)\b|\bway out of (?:this|it) "
            r"(?:life|for good|permanently)\b|\bpermanent (?:solution|way out|exit|sleep)\b"
        ),
        negatable=True,
        extra=lambda m, t: _plan_extra(m, t),
    ),
    _Rule(
        "suicidal_ideation",
        CRISIS,
        _r(
            r"\b(?:quiero|voy a|me voy a|quisiera) (?:morir(?:me)?|matarme|suicidarme)\b|"
            r"\bme quiero (?:morir|matar)\b|\bje veux (?:mourir|me tuer|me suicider)\b|"
            r"\bich (?:will|möchte|moechte) (?:sterben|mich umbringen|nicht mehr leben)\b|"
            r"\bquero (?:morrer|me matar)\b|\bvoglio morire\b|\bik wil dood\b"
        ),
        subject="self",
    ),
)

_ISOLATION_OBJ = (
    r"(?:(?:my|her|his|their|our|any|any of (?:my|her|his)|other) )?(?:own )?(?:friends?|"
    r"family|families|mom|mum|mother|dad|father|parents|sisters?|brothers?|siblings|relatives|"
    r"grandparents?|grandma|grandpa|aunts?|uncles?|cousins?|neighbou?rs?|anyone|anybody|"
    r"other people|people|doctor|therapist|counsel(?:l)?or|coworkers outside|church|best "
    r"friend|bestie|girlfriends|mates|folks|loved ones)"
)
_MONEY = (
    r"(?:money|paychecks?|pay|wages|salary|earnings|income|tips|benefits|checks?|cash|"
    r"savings|bank cards?|debit cards?|credit cards?|cards|bank accounts?|accounts?|finances|"
    r"pension|inheritance|child benefit|allowance)"
)

_ABUSE_RULES: tuple[_Rule, ...] = (
    _Rule(
        "abuse_disclosure",
        ABUSE,
        _r(
            r"\b(?:domestic|family|intimate partner|partner|relationship|dating|spousal) "
            r"(?:violence|abuse|abuser)\b|\bdv\b|\bipv\b|\bcoercive(?:ly)? control\w*\b|"
            rf"\b(?P<obj3>(?:my|our|a|her|his) (?:{_RELATIVE}|{_CHILD_NOUN})|she|he|they)(?:'s| "
            r"is| was| has been| had been| are| were|'re)\s+(?:still\s+|stuck\s+|trapped\s+)?in "
            r"(?:an?"
            r" )?(?:\w+ )?(?:abusive|violent|controlling) (?:relationship|marriage|situation|"
            r"home)\b|"
            r"\babusive (?:\w+ )?(?:relationship|husband|wife|partner|boyfriend|girlfriend|"
            r"marriage|ex|man|home|household|father|dad|stepdad|mother|situation)\b|"
            rf"\b{_PERSON_BASE}(?:'s|'re| (?:is|are|was|were|has been|had been|can be|gets|got|"
            r"became|becomes|becoming|getting|turned|turns|is being|was being|being))\s+(?:\w+\s+)"
            r"{0,2}?(?:abusive|violent|physical with me|rough with (?:me|us)|physical with (?:me|"
            r"us))\b|"
            r"\b(?:abuses|abused|abusing|abuse) (?P<obj>me|us|her|him|them|the (?:kids|children|"
            r"baby)|(?:my|our) (?!trust|position|kindness|generosity|privilege|credit|account|"
            r"power|"
            r"patience|good nature|hospitality|faith|love|confidence|friendship|time|card)\w+)\b"
            r"(?! (?:trust|position|kindness|generosity|privilege|credit|account|power|patience|"
            r"good nature|hospitality|faith|confidence))|"
            r"\b(?P<obj2>i|we)(?:'m| am|'ve been| have been| was| were| got| get| are|'re)? "
            r"(?:being |been |still being |getting )?(?:abused|battered|beaten up|beat up)\b|"
            r"\b(?:emotionally|verbally|physically|sexually|financially|psychologically)\s+"
            r"(?:abus(?:ive|ing|ed|es)|violent)\b|"
            r"\b(?:victim|survivor) of (?:domestic|abuse|violence|rape|assault|sexual)\b|"
            r"\b(?:battered|beaten) (?:wife|woman|women|husband)\b|\bwife beater\b|"
            r"\b(?=[gbt])(?<!\bi )(?<!\bwe )(?:gets|got|getting|becomes|became|turns|turned) (?:really |so |"
            r"very |physically )?(?:violent|physical with (?:me|us)|rough with (?:me|us))\b"
        ),
        subject="obj",
        negatable=True,
        not_after=_r(r"^\s*(?:trust|of trust|of power)\b"),
        extra=lambda m, t: _topic_only(m, t),
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            r"\bthreat(?:en|ens|ened|ening|ning|end|ed)\b(?P<rest>[^.!?;\n]{0,80})|"
            r"\b(?:death|violent|physical) threats?\b|"
            r"\b(?:get|have|got|getting|having) me deported\b|\b(?:call|calls|called|report|"
            r"reports|reported)(?: me to)? (?:immigration|ice|the home office|border force)(?: on "
            r"me)?\b(?=.{0,60}\b(?:if|unless|deport\w*|when|me)\b|\s*$)|\b(?:cancel|revoke|"
            r"withdraw) (?:my|her) (?:visa|sponsorship|residency|green card)\b(?=.{0,60}\b(?:if|"
            r"unless)\b)|\bmak(?:es|ing|e) threats\b|\bthreats? "
            r"(?:to|against) (?:me|my|hurt|kill)\b|"
            # "he said I'd be dead if I left", "she told me I'd end up in hospital"
            r"\b(?:said|says|told me|tells me|swore|swears|warned|warns|texted|yelled|screamed)\s+"
            r"(?:me\s+)?(?:that\s+)?i(?:'ll|'d| will| would) (?:\w+ )?(?:be dead(?! tired| serious| "
            r"wrong| set| on| right| asleep| honest| sure| bored)|end up dead|"
            r"end up in (?:the |a )?(?:hospital|grave|ground)|be in (?:a|the) (?:box|grave|ground|"
            r"hospital)|never (?:see|leave) (?:this house|the house|here) alive)\b"
        ),
        subject="threat",
        negatable=True,
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            rf"\b(?P<agent>{_PERSON_BASE})(?:'ll|'d|\s+(?:\w+\s+){{0,3}}?{_FUT})\s+(?:\w+\s+)?"
            r"(?P<verb>kill|murder|hurt|beat|shoot|stab|strangle|choke|hit|slap|punch|kick|"
            r"destroy|ruin|bury|end|break|burn|smash|slit|knock out|put me in (?:the |a "
            r")?hospital|put "
            r"me in (?:a|the|an early) (?:grave|ground|wheelchair)|put me six feet under|make me "
            r"(?:pay|regret|suffer|disappear|vanish|sorry)|come after|hunt|find|track)\b\s*"
            r"(?P<obj>me|us|you|my \w+|our \w+|the "
            r"(?:kids|children|baby|dog|cat)|them|her|him|"
            r"everyone|my family|myself)?(?P<tail>\s+(?:down|if|when|in|for|and|or|before|after|"
            r"the|again|one day|someday|too))?"
        ),
        subject="obj",
        negatable=True,
        extra=lambda m, t: _threat_check(m, t),
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            r"\b(?P<verb>kill|killin|killing|killed|kills|murder|murders|murdered|murdering)\s+"
            r"(?P<obj>me|us)\b(?! (?:laughing|with (?:kindness|love)|softly))"
        ),
        subject="self",
        extra=_check_kill_me,
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            r"\b(?:said|says|told me|tells me|swore|swears|promised|warned|warns|yelled|screamed|"
            r"texted|wrote)\s+(?:me\s+|us\s+)?(?:that\s+)?(?:he|she|they)(?:'d|'ll| would| will|"
            r" is going to| was going to|'s going to| are going to| gonna| were going to)?\s+"
            r"(?:\w+\s+)?(?P<verb>kill|hurt|beat|shoot|stab|strangle|choke|hit|destroy|ruin|take|"
            r"make)\s+(?P<obj>me|us|my \w+|our \w+|the (?:kids|children|baby)|everything|them)?"
        ),
        subject="obj",
        negatable=True,
        extra=lambda m, t: _said_threat_check(m, t),
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            r"\b(?:take|taking|took) (?:away )?(?:the|my|our) (?:kids|children|son|daughter|baby|"
            r"boys|girls|kid)(?: away)?\b(?=.{0,60}\b(?:if|unless|when|and i'?ll never|i'll never|"
            r"never see)\b)"
        ),
        subject="self",
        writer_agent_drops=True,
    ),
    _Rule(
        "threat",
        ABUSE,
        _r(
            r"\b(?:make sure|swore|swears|said|says|told me|tells me|threaten\w*|warned|promised|"
            r"guarantee[sd]?)\b[^.!?;\n]{0,60}\b(?:i|i'll|i will|i'd|you'?ll|you "
            r"will)\s+(?:\w+\s+)?"
            r"(?:never|not|won't|will not|wouldn't)\s+(?:ever\s+|be able to\s+|get to\s+)?see "
            r"(?:the|"
            r"my|our|your) (?:kids|children|son|daughter|baby|boys|girls)(?: again| ever again)?\b"
        ),
        subject="self",
    ),
    _Rule(
        # "she'd ruin my life and hurt me if I left": the threat is the second verb
        "threat",
        ABUSE,
        _r(
            rf"\b(?P<agent>{_PERSON_BASE})(?:'ll|'d|\s+(?:\w+\s+){{0,3}}?{_FUT})\s+(?:\w+\s+){{1,4}}?"
            r"(?:and|or)\s+(?:then\s+)?(?P<verb>kill|murder|hurt|beat|shoot|stab|strangle|choke|hit|"
            r"slap|punch|kick|burn)\s+(?P<obj>me|us|the (?:kids|children|baby)|my (?:kids|children|"
            r"son|daughter|baby))\b(?! up| back)(?P<tail>\s+(?:if|when|unless|before|one day|"
            r"someday))?"
        ),
        subject="obj",
        negatable=True,
        extra=lambda m, t: (
            None if m.group("verb") == "hurt" and not m.group("tail") else _threat_check(m, t)
        ),
    ),
    _Rule(
        # "he keeps a gun in the nightstand and reminds me it's there"
        "weapon_intimidation",
        ABUSE,
        _r(
            rf"\b(?:{_PERSON_AGENT})\s+(?:\w+\s+){{0,2}}?(?:keeps|kept|has|had|got|bought|carries|"
            r"carried|brought|showed|shows|cleans|cleaned|cleaning|loads|loaded|loading|leaves|left|"
            r"puts|put|sharpens|sharpened|sharpening|waves|waved|waving|points|pointed|brandish\w*|"
            r"flash\w*|pulls|pulled|took out|takes out|gets out|got out)\s+(?:out\s+)?(?:a|an|his|"
            r"her|the|their|my)\s+(?:\w+\s+)?(?:gun|guns|pistol|rifle|shotgun|firearm|knife|knives|"
            r"machete|baseball bat|bat|axe|hammer|crowbar|weapon)\b(?=[^.!?]{0,80}\b(?:remind\w* "
            r"(?:me|us)|show\w* (?:me|us)|at me|at us|in front of (?:me|us|the kids)|so (?:i|we) "
            r"(?:can )?(?:see|know)|where i can see|on the table|when(?:ever)? (?:we|i) (?:argue|"
            r"fight|disagree|talk back)|during (?:our |the |every )?(?:fights?|arguments?)|scare|"
            r"threat\w*|warn\w*|or else|if i (?:ever |even )?(?:leave|talk|tell|say|go|try|don't|"
            r"disagree|argue|call|look))\b)"
        ),
        subject="victim",
        negatable=True,
        writer_agent_drops=True,
    ),
    _Rule(
        "fear_of_partner",
        ABUSE,
        _r(
            r"\b(?:scared|afraid|frightened|terrified|fearful|petrified|scard|skared|afriad|"
            r"feared|fear|fearing|scare|terrifed|frighten)\s+(?:\w+\s+)?(?:of|about)\s+(?:what|how "
            r"far|how bad|how violent|what else)\s+(?:he|she|they|my \w+)(?:'ll|'d|'s|\s+(?:will|"
            r"might|could|would|is|can|may|are|was|does|did|do|gets|get|is capable of|is going to))"
            r"\b(?!\s*(?:think|say|feel|believe|decide|find out|tell|react|choose|want|make of "
            r"it))|"
            rf"\b(?:scared|afraid|frightened|terrified|fearful|petrified|scard|skared|afriad|"
            r"terrifed)\s+(?:\w+\s+)?of\s+(?P<obj>him|her|them|(?:my|her|his|our|"
            rf"the)\s+(?:{_PARTNER}|"
            rf"dad|father|stepdad|mom|mother|stepmom|stepmum))\b(?!(?:'s| (?:\w+ing|\w+in'|finding|"
            r"cheating|leaving|lying|going|being|not|ever|again|will|would|might|coming back|"
            r"having|"
            r"seeing|talking|texting|meeting|reading|knowing|getting|telling|saying|thinking|"
            r"falling|moving|taking|loving|losing|hating|judging|asking|doing it again|"
            r"relapsing)\b))|"
            r"\b(?:scared|afraid|frightened|terrified|fearful|petrified)\s+(?:\w+\s+)?of\s+(?:his|"
            r"her|their|my \w+'s)\s+(?:temper|anger|rage|violence|fists?|outbursts?|moods?|drinking"
            r" and|hands|threats|belt|gun|guns|knife|knives|friends)\b|"
            r"\b(?:scared|afraid|frightened|terrified|fear|fearing|feared|fearful)\s+(?:\w+\s+)?"
            r"for\s+(?:my|our)\s+(?:life|lives|safety|physical safety|own safety)\b|"
            r"\b(?:scared|afraid|terrified|frightened|petrified)\s+(?:\w+\s+)?(?:to go home|to be "
            r"home|to be at home|to go back home|to be alone with (?:him|her)|to sleep (?:in the "
            r"same|"
            r"next to)|to fall asleep|to say no|to tell (?:him|her) no|to disagree|to speak up|to "
            r"argue with (?:him|her)|to make (?:him|her) (?:mad|angry)|to leave (?:him|her) "
            r"because|to call the police|to report (?:him|her)|to be in the same room)\b|"
            r"\b(?:scared|afraid|terrified|frightened)\s+(?:that\s+)?(?:he|she|they|my \w+)"
            r"(?:'ll|'d|'s going to| will| would| might| could| may| is going to| is gonna| going "
            r"to)\s+(?:\w+\s+)?(?:hurt|kill|hit|beat|harm|attack|come after|find|track|snap|lose "
            r"it|explode|go after|do something to|strangle|choke|slap|punch|shoot|stab|follow)\b"
            r"(?!(?: me)? again\b)|"
            r"\bwalk(?:ing|s|ed)? on egg ?shells\b|"
            r"\b(?:live|living|lived|lives) in (?:constant |complete |total )?(?:fear|terror)\b|"
            r"\btip ?-?toe(?:s|d|ing)? around (?P<obj4>him|her|them|my \w+)\b|"
            r"\bso (?:he|she|they) (?:won't|doesn't|does not|will not|wouldn't|don't) (?:blow up|"
            r"explode|lose it|snap|go off|kick off|get violent|hit me|hurt me|rage)\b|"
            r"\b(?:flinch|flinches|flinched|flinching|"
            r"cower|cowering|cowered)\b|"
            rf"\b(?:{_PERSON_AGENT})\s+(?:\w+\s+)?(?:scares|scared|frightens|frightened|terrifies|"
            r"terrified|intimidates|intimidated|threatens|menaces)\s+(?P<obj2>me|us|the kids|the "
            r"children|my \w+|our \w+|her|him)\b(?! (?:away|off|into (?:being|doing)|with (?:his|"
            r"her) "
            r"(?:driving|snoring|silence|words|honesty|plans|ideas)))|"
            r"\b(?:his|her|their|my \w+'s)\s+(?:temper|anger|rage|violence|outbursts?|moods?|"
            r"drinking|behaviou?r)\s+(?:\w+\s+)?(?:scares|frightens|terrifies|scared|frightened|"
            r"terrified)\s+(?:me|us|the kids|the children|my \w+)\b|"
            r"\b(?:to|trying to|just to|wants to|wanted to|in order to)\s+(?:scare|frighten|"
            r"intimidate|terrify|threaten|control|punish)\s+(?P<obj3>me|us|the kids|the children|"
            r"my \w+|her)\b|"
            r"\bi (?:don't|do not|no longer|never) feel safe\b(?! (?:emotionally|sharing|talking|"
            r"opening|telling|being honest|being vulnerable|to share|to talk|to open|to be honest|"
            r"to be vulnerable|with my feelings|in (?:this|our|the) relationship emotionally|"
            r"trusting))|"
            r"\b(?:it's|it is|it isn't|it is not|it's not|isn't|not) (?:safe|a safe place) (?:for "
            r"(?:me|us|the kids|my kids) )?(?:to (?:go home|be home|stay|be there|leave|go back|"
            r"be alone|be at home)|at home|in (?:my|our|this) (?:own )?(?:home|house))\b|"
            r"\bi(?:'m| am) not safe\b(?! (?:emotionally|to (?:share|talk|open|be honest)))|"
            r"\b(?:hide|hiding|hid|hidden)\s+(?:from|away from)\s+(?:him|her|them|my \w+)\b|"
            rf"\b{_PERSON_BASE}(?:'ll|'d|\s+(?:\w+\s+)?(?:will|'ll|would|'d|might|is going to|"
            r"could))\s+"
            r"(?:\w+\s+)?(?:find|track|hunt|come for|come after) (?:me|us)\b|"
            r"\bif (?:he|she|they|my \w+) (?:finds|found|find|ever finds|knew|knows|sees|saw) "
            r"(?:out )?(?:where i (?:am|live|went|'m staying)|that i (?:talked|told|called|reached|"
            r"left|'m leaving|am leaving|contacted)|i (?:talked|told|called|reached out|left|'m "
            r"talking|am talking|'m leaving|am leaving|contacted)|i'?m (?:talking|writing) to you|"
            r"about this|i (?:wrote|am writing|'m writing))\b|"
            r"\b(?:escap(?:e|ed|ing)|flee|fled|fleeing|run away|ran away|get away|got away) "
            r"(?:from )?(?:him|her|them|my \w+|the house|home)\b(?=.{0,50}\b(?:safe|safely|scared|"
            r"afraid|hurt|violent|hit|police|shelter|before he|before she|without (?:him|her) "
            r"knowing)\b)|"
            r"\b(?:get away|get out) from (?:him|her|them|my \w+) safely\b|"
            r"\bleave (?:him|her|them|my (?:husband|wife|partner|boyfriend|girlfriend)) safely\b|"
            r"\b(?:i'm|i am|we're|we are|i feel|i think i'm|my life is|our lives are|the kids are) "
            r"(?:(?!not\b|no\b|never\b|nowhere\b)\w+ )?in (?:real |serious |immediate )?danger"
            r"\b(?! of)|"
            rf"\b{_PERSON_BASE}(?:'s| is) (?:really |very |so |actually |genuinely )?dangerous\b"
        ),
        subject="fear",
        negatable=True,
        not_before=_r(r"\bwe(?:'re| are|'ve been)? (?:\w+ )?$"),
    ),
    _Rule(
        "physical_violence",
        ABUSE,
        _r(
            r"\b(?P<subj>i|we|he|she|they|my \w+|our \w+|the \w+)\s+(?:was|were|got|get|gets|"
            r"getting|"
            r"have been|has been|had been|'ve been|'s been|been|am being|is being|are being|'m "
            r"being|"
            r"keep getting|keeps getting|kept getting)\s+(?:\w+\s+)?(?:hit|slapped|punched|kicked|"
            r"choked|strangled|beaten|beat up|shoved|smacked|battered|assaulted|attacked|stabbed|"
            r"raped|molested|abused|sexually assaulted|physically abused|thrown|pushed (?:down|"
            r"around|"
            r"into|against|over)|knocked (?:out|down|"
            r"unconscious)|headbutted|elbowed|backhanded|whipped|burned with|burnt with|bitten|"
            r"spat on|dragged|strangled)\b(?! by (?:a|the|an) (?:car|bus|truck|ball|wave|bike|"
            r"bicycle|door|branch|stranger|dog|horse|taxi|van|drunk driver)\b)"
        ),
        subject="passive",
        negatable=True,
        not_before=_SIMILE,
        not_after=_r(
            r"^\s*(?:\w+\s+){0,3}?(?:as a (?:child|kid|teen|teenager|boy|girl|baby)|growing up|in "
            r"(?:his|her|my) childhood|when (?:i|he|she) was (?:a kid|little|young|a child|a "
            r"teenager|"
            r"a teen|\d+))"
        ),
    ),
    _Rule(
        "physical_violence",
        ABUSE,
        _r(
            r"\b(?:black eye|black eyes|split lip|busted lip|fat lip|bloody nose|broken (?:nose|"
            r"jaw|"
            r"ribs?|arm|wrist|finger|cheekbone|tooth|teeth)|concussion|bruis(?:e|es|ed|ing)|"
            r"strangl\w*|chok(?:e|ed|ing) (?:me|her|hold)|hands? (?:around|round|on) my (?:neck|"
            r"throat)|(?:squeez|press|crush|clamp|grabb?|grip)\w* (?:on )?(?:my|her) (?:throat|"
            r"neck|"
            r"windpipe)|(?:by|around) (?:my|the) (?:throat|neck)|couldn't breathe)\b"
        ),
        subject="victim",
        negatable=True,
        not_after=_r(
            r"^\s*(?:ego|heart|pride|feelings|banana|apple|peach|fruit|on (?:his|her|the) (?:ego|"
            r"pride))"
        ),
        extra=lambda m, t: _injury_check(m, t),
    ),
    _Rule(
        "physical_violence",
        ABUSE,
        _r(
            r"\b(?:pull(?:s|ed|ing)?|yank(?:s|ed|ing)?|grab(?:s|bed|bing)?) (?P<obj>my|her|his) "
            r"hair\b|\b(?:spit|spat|spits|spitting) (?:on|at|in) (?P<obj2>me|my face|her|him|her "
            r"face)\b|\b(?:held|holds|hold|holding|pinned|pins|pin|pinning) (?P<obj3>me|her|him) "
            r"(?:down|against|to the|on the)\b|\b(?:pulled|pulls|waved|pointed|held|put) (?:a|his|"
            r"her|the) (?:gun|knife|blade|weapon) (?:on|at|to|against) (?P<obj4>me|my|her|us|the "
            r"kids)\b|\bthreatened (?P<obj5>me|us) with (?:a|his|her|the) (?:gun|knife|weapon|"
            r"hammer|bat)\b|\b(?:blocks|blocked|blocking|stands in|stood in) (?:the door|the "
            r"doorway|"
            r"my way|me from leaving|the exit)\b|\b(?:cornered|corners|cornering) (?P<obj6>me|"
            r"her)\b|"
            r"\b(?:threw|throws|throwing|thrown|hurled|hurls|flung|chucked|chucks)\s+(?:a |an |the "
            r"|his |her |my |some |things|stuff|objects|"
            r"whatever)?\s*(?:\w+\s+){0,2}?at\s+(?P<obj7>me|"
            r"my head|my face|us|her|him|the kids|the wall next to me|my \w+)\b|"
            r"\bthrows (?:things|stuff|objects|plates|dishes|chairs)\b|"
            r"\b(?:locks|locked|locking) (?P<obj8>me|her|us|the kids) (?:in|out|inside|up)\b|"
            r"\b(?:physically|violently) (?:attacked|assaulted|hurt|harmed|restrained|forced|"
            r"grabbed|attacks|hurts)\s+(?P<obj9>me|her|us|him)?|"
            r"\b(?:hurts|hurt|hurting|harms|harmed) (?P<obj16>me|her|us) (?:physically|badly "
            r"(?:enough|that)|so (?:badly|hard) (?:that )?i)\b|"
            rf"\b(?:{_PERSON_AGENT})(?:'s| is| keeps| has been|'s been) (?:really )?hurting "
            r"(?P<obj17>me|us)(?=\s*(?:$|[.!?]|right now|physically|badly|and (?:i|it)))|"
            r"\b(?:run|ran|running|runs|tried to run) (?P<obj18>me|her|us) (?:over|down)\b|"
            r"\b(?:drove|drives|driving|swerved|aimed) (?:the |his |her )?(?:car |truck )?(?:at|"
            r"towards|straight at) (?P<obj19>me|her|us)\b|"
            r"\b(?:sat|sits|sitting|knelt|kneeled|kneels|kneeling) on (?:top of )?(?P<obj20>me|her|"
            r"my (?:chest|back|neck|throat|stomach))\b|"
            r"\b(?:threw|throws|throwing|poured|pours|pouring|splashed) (?:a |the |some )?(?:\w+ )?"
            r"(?:water|coffee|tea|drink|bleach|acid|oil|soup) (?:on|at|over|in) (?P<obj21>me|my "
            r"face|her)\b|"
            r"\bassault(?:s|ed|ing)? (?P<obj10>me|us|her)\b|"
            r"\battack(?:s|ed|ing)? (?P<obj12>me|us|her)\b(?! (?:for|about|over|verbally|with "
            r"(?:words|"
            r"questions|accusations)|in front of (?:my|our) (?:friends|family)|on (?:social|"
            r"facebook|"
            r"instagram|twitter|the phone)|online|in (?:therapy|counsel\w*|session)))|"
            r"\bstrangulation\b|\bstabbed (?P<obj11>me|her|him|us)\b|"
            r"\b(?:choke ?holds?|head ?locks?|sleeper hold|strangle ?holds?)\b|"
            r"\b(?:chased|chases|chasing|came at|comes at|coming at|lunged at|lunges at|charged at|"
            r"ran at|went after|went for|goes for|swung at|swings at|took a swing at|swung (?:a|"
            r"the|"
            r"his|her) \w+ at) (?P<obj13>me|us|her)\b(?=\s*(?:$|[,.!?]|with|and|again|when|while|"
            r"in|"
            r"on|last|yesterday|tonight|today))|"
            r"\b(?:gun|guns|knife|knives|bullet|bullets|rifle|pistol|shotgun)\b(?=.{0,60}\b(?:for "
            r"me|with my name|my name on|use it on me|on me if|at me|for you if)\b)|"
            r"\b(?:burn|set fire to|torch) (?:the|our|my) (?:house|flat|apartment|home|car)(?: "
            r"down)? "
            r"(?:with|while) (?P<obj14>me|us|the kids|the children|her) (?:in|inside)\b"
        ),
        subject="obj",
        negatable=True,
        writer_agent_drops=False,
        figurative_drops=True,
    ),
    _Rule(
        "property_intimidation",
        ABUSE,
        _r(
            rf"\b(?P<agent>{_PERSON_AGENT})\s+(?:\w+\s+){{0,2}}?(?:punch(?:es|ed|ing)?|kick(?:s|ed|"
            r"ing)?|smash(?:es|ed|ing)?|hit(?:s|ting)?|put (?:his|her) (?:fist|hand|foot|head) "
            r"through|head-?butt(?:s|ed)?|slam(?:s|med|ming)? (?:his|her) fists? (?:into|on)|"
            r"broke|breaks|break|breaking|destroy(?:s|ed|ing)?|shatter(?:s|ed)?|rip(?:s|ped)? up|"
            r"tore up|tears up|burn(?:s|ed|t)|threw|throws|throwing|trash(?:es|ed)?|wreck(?:s|ed)?|"
            r"cut(?:s|ting)? up|slash(?:es|ed)?)"
            r"\s+(?:a hole in |holes in |in |down )?(?:all (?:of )?|every |some of )?(?:the |my |our |"
            r"a |her |his )?(?:\w+\s+)?"
            r"(?:walls?|doors?|windows?|windscreen|windshield|mirror|phone|mobile|laptop|computer|"
            r"tv|television|belongings|things|stuff|clothes|car|furniture|plates?|dishes|glass(?:es)?|"
            r"mugs?|cups?|vase|lamp|guitar|tyres|tires|photos|pictures|possessions|tablet|ipad|keys|"
            r"passport|table|chair|cupboard|fridge)\b|"
            r"\b(?:stamped|stomped|jumped|stood) on (?:my|her) (?:phone|mobile|laptop|glasses)\b|"
            r"\b(?:grabbed|snatched|took|ripped) (?:my|her) (?:phone|mobile) (?:out of my hands? )?"
            r"and (?:smashed|broke|threw|stamped|stomped|snapped|hid)\b"
        ),
        subject="victim",
        writer_agent_drops=True,
    ),
    _Rule(
        "property_intimidation",
        ABUSE,
        _r(
            r"\b(?:killed|hurt|hurts|kicked|kicks|threatened to (?:kill|hurt)|strangled|drowned|"
            r"poisoned|beat|beats|beaten|threw|throws) (?:my|our|the) (?:dog|cat|pet|puppy|kitten|"
            r"pets|rabbit|bird)\b"
        ),
        subject="victim",
        writer_agent_drops=True,
    ),
    _Rule(
        "monitoring",
        ABUSE,
        _r(
            r"\b(?:tracks|tracked|tracking|monitors|monitored|monitoring|checks|checked|logs) "
            r"(?:where|who|when) (?P<obj11>i|she) (?:go|goes|went|am|is|was|see|sees|talk|talks|"
            r"meet|meets|text|texts|call|calls)\b|"
            r"\b(?:tracks?|tracking|tracked|traces|monitors?|monitoring|monitored|watches|stalks?|"
            r"stalking|stalked|spies on|spying on|spied on)\s+(?P<obj>my|her|me|us)\s*"
            r"(?:phone|location|car|every move|movements|whereabouts|gps|calls|texts|messages|"
            r"emails|internet|browsing|accounts?|spending|mileage)?\b(?!\s*(?:on strava|fitness|"
            r"steps|workouts?|packages?|parcels?|orders?|instagram|facebook|tiktok|twitter|"
            r"linkedin|social|profile|page|posts|stories|account|online presence|ex))|"
            r"\b(?:put|puts|installed|installs|placed|hid|hidden|found|use[sd]?|using|had)\s+(?:a "
            r"|an "
            r"|some |the )?(?:tracker|tracking (?:app|device|software)|gps(?: tracker)?|spyware|"
            r"stalkerware|spy (?:app|software|camera|cam)|keylogger|hidden cameras?|air ?tags?|"
            r"tile tracker)\b|\b(?:spyware|stalkerware|keylogger|spy app|tracking device)\b|"
            r"\b(?:installed|put|hid|hidden|set up|sets up|placed|uses)\s+(?:a |an |some |hidden |"
            r"secret )*(?:cameras?|recorders?|recording devices?|mics?|microphones?|baby monitor)\b"
            r"(?=.{0,40}\b(?:to (?:watch|spy|monitor|record|see|listen|check)|in (?:my|the) "
            r"(?:room|"
            r"bedroom|bathroom|car)|without (?:my|me)|so (?:he|she) can|on me)\b)|"
            r"\b(?:so|to|so that) (?:he|she|they) (?:can|could) (?:watch|spy on|monitor|track|"
            r"record|"
            r"listen to) (?P<obj10>me|her)\b|"
            r"\b(?:reads|reading|keeps reading|always reads|goes through|going through|keeps "
            r"going through|always goes through|checks|keeps checking|always checks|checking)\s+"
            r"(?P<obj2>my|her)\s+(?:phone|messages|texts|emails|email|dms|diary|journal|chats|"
            r"whatsapp|call log|calls|mail|letters|bank|receipts|browser|laptop|computer|"
            r"location|bag|purse|pockets)\b(?=.{0,60}\b(?:every|each|all the time|constantly|daily|"
            r"nightly|always|whenever|while|when i|before|if i|since|anymore|at night|morning|"
            r"night|day|times a|demand|make|forces|doesn't let|won't let|lets me|and|)\b|\s*$)|"
            r"\b(?:makes?|made|forces?|forced|demands?|demanded)\s+(?:me|"
            r"her)\s+(?:to\s+)?(?:unlock|"
            r"hand over|show (?:him|her)|give (?:him|her)|open)\s+(?:my|her)\s+(?:phone|laptop|"
            r"messages|texts|emails|email|accounts?)\b|"
            r"\b(?:reads|always reads|keeps reading|goes through|always goes through|keeps going "
            r"through)\s+(?:all\s+(?:of\s+)?)?(?P<obj3>my|her)\s+(?:phone|messages|texts|emails|"
            r"email|"
            r"dms|diary|journal|"
            r"chats|whatsapp|mail)\b|"
            r"\b(?:demands?|demanded|demanding|makes me (?:give|hand over|share|tell)|made me "
            r"(?:give|"
            r"hand over|share)|forces me to (?:give|share)|insists on (?:having|"
            r"knowing))\s+(?:(?:him|"
            r"her|them)\s+)?(?:all\s+)?(?:my|her|of my)\s+(?:passwords?|passcodes?|pin|phone|"
            r"location|codes|logins?)\b|"
            r"\b(?:makes|made|forces|forced|demands|demanded) (?P<obj4>me|her) (?:to )?(?:share|"
            r"turn "
            r"on|"
            r"keep on|send) (?:my|her) (?:location|live location|gps|photos? of where)\b|"
            r"\b(?:has|needs|wants|have|demands) to know where (?P<obj5>i|she) (?:am|is|'m|was|go|"
            r"goes|went)\s+(?:\w+\s+)?(?:at all times|every minute|every second|24/7|all the time|"
            r"constantly|every hour|every moment|always)\b|"
            r"\b(?:calls?|texts?|rings|called|texted)\s+(?P<obj6>me|her)\s+(?:\d{2,}|dozens of|"
            r"fifty|forty|thirty|twenty|a hundred|hundreds of|nonstop|non-stop|constantly|every "
            r"(?:few|five|ten|15|fifteen|30|thirty) minutes?)\b|"
            r"\b(?:follows|followed|following)\s+(?P<obj7>me|her)\s+(?:to (?:work|my|her|the|"
            r"school|the gym)|everywhere|home|when (?:i|she) (?:go|goes|leave|leaves)|from work|in "
            r"(?:his|her|the) car|after work)\b|"
            r"\b(?:monitors|tracks|watches|controls|checks|questions|scrutinizes|scrutinises|"
            r"micromanages)\s+(?:everything|every (?:thing|move|step|message|call|text|penny|"
            r"minute))"
            r"\s+(?P<obj9>i|she)\s+(?:do|does|make|makes|send|sends|say|says|spend|spends|buy|"
            r"buys)\b|"
            r"\b(?:shows|showed|keeps showing|turns|turned|keeps turning)\s+up\s+(?:at|outside)\s+"
            r"(?P<obj8>my|her)\s+(?:work|job|office|house|home|flat|apartment|door|school|parents|"
            r"sister|gym|car)\b|"
            r"\b(?:stalker|stalking|stalks me|stalked me|cyberstalk\w*)\b"
        ),
        subject="obj",
        negatable=True,
        writer_agent_drops=True,
        figurative_drops=True,
        extra=lambda m, t: _not_own_thing(m, t),
    ),
    _Rule(
        # spyware by another name, proof of whereabouts, logging into the writer's accounts
        "monitoring",
        ABUSE,
        _r(
            r"\b(?:put|puts|installed|installs|downloaded|downloads|added|set up|sets up|loaded|hid)"
            r"\s+(?:a |an |some |the |this |that )?(?:\w+\s+)?(?:app|apps|software|program|device|"
            r"thing)\s+on\s+(?P<obj>my|her)\s+(?:phone|laptop|computer|car|ipad|tablet|mac|pc)\b"
            r"(?=[^.!?]{0,60}\b(?:track|see|read|watch|monitor|spy|record|listen|know|follow|location|"
            r"lets? (?:him|her)|so (?:he|she)|without)\b)|"
            r"\b(?:makes?|made|forces?|forced|demands?|demanded|(?:has|have|had) me)\s+(?:that\s+)?"
            r"(?P<obj2>me|her|i)\s+(?:to\s+)?(?:send|show|text|give)\s+(?:him|her|them)\s+(?:a\s+|"
            r"live\s+)?(?:photos?|pictures?|pics?|selfies?|videos?|screenshots?|proof|receipts|my "
            r"location)\b|"
            r"\b(?:wants?|expects?|insists?)\s+(?:that\s+)?(?P<obj3>me|her|i)\s+(?:to\s+)?(?:send|show|"
            r"text)\s+(?:him|her|them)\s+(?:a\s+)?(?:photos?|pictures?|pics?|selfies?|videos?|proof)\b"
            r"(?=[^.!?]{0,40}\b(?:prove|of where|of who|proof)\b)|"
            r"\b(?:demands?|demanded|demanding|insists?|insisted|insisting) (?:on |to )?(?:see|seeing|"
            r"check|checking|go through|going through|look at|looking at|read|reading) (?P<obj6>my|her) "
            r"(?:phone|messages|texts|emails?|dms|chats|laptop|computer|call log)\b|"
            r"\b(?:hacks?|hacked|hacking|breaks|broke)\s+(?:in ?to|into)\s+(?P<obj4>my|her)\s+"
            r"(?:\w+\s+)?(?:email|emails|accounts?|facebook|instagram|insta|snapchat|whatsapp|"
            r"phone|laptop|computer|icloud|messages|dms|social media|gmail)\b|"
            r"\b(?:logs?|logged|logging|gets|got|getting)\s+(?:in ?to|on ?to|into)\s+(?P<obj5>my|"
            r"her)\s+(?:\w+\s+)?(?:email|emails|accounts?|facebook|instagram|insta|snapchat|whatsapp|"
            r"phone|laptop|computer|icloud|messages|dms|social media|gmail)\b(?=[^.!?]{0,60}\b(?:to "
            r"(?:see|check|read|find|track|monitor|spy|know|look)|who (?:i|she)|without|behind (?:my|"
            r"her) back|every|all the time|constantly|secretly)\b)"
        ),
        subject="obj",
        negatable=True,
        writer_agent_drops=True,
    ),
    _Rule(
        "isolation",
        ABUSE,
        _r(
            r"\b(?:won't|will not|doesn't|does not|didn't|did not|never|wouldn't|would not|refuses "
            r"to|refused to|no longer)\s+(?:\w+\s+)?(?:let|lets|allow|allows|permit|permits)\s+"
            r"(?P<obj>me|her|him|us|my \w+)\s+(?:to\s+)?(?:(?:see|visit|talk to|call|phone|ring|"
            r"text|speak to|meet|hang out with|go out with|spend time with|message|contact|go see|"
            rf"be around|have)\s+{_ISOLATION_OBJ}|go out(?: alone| by myself| without (?:him|her)|"
            r" at all| anywhere| of the house)?(?=\s*$|[,.!?]|\s+(?:and|or|unless|without|alone|"
            r"anymore|any more|ever|on my own))|go anywhere|leave(?: the house| home| the flat| "
            r"the "
            r"apartment| the room| the bedroom)?(?=\s*$|[,.!?]|\s+(?:and|or|without|alone|anymore|"
            r"unless|even))|go to (?:work|school|college|uni|university|church|the doctor|the "
            r"gym|my job|class)|work|get a job|have a job|keep (?:my|her) (?:job|own)|drive|use "
            r"the "
            r"(?:car|phone|computer|internet)|have (?:a|my|her|any|my own) (?:phone|car|keys|job|"
            r"money|bank account|account|card|friends|life)|have (?:any )?money|keep (?:my|her|any)"
            rf" {_MONEY}|touch (?:the|our|my) {_MONEY}|spend (?:any|my|her|our)? ?(?:money|"
            r"anything)|"
            r"wear (?:what|makeup|anything|certain|shorts|dresses|skirts)|see a doctor|go to the "
            r"doctor|eat (?:without|what|unless)|get help|sleep until|sleep before|make (?:my own|"
            r"any) decisions|decide|have a say|call (?:the police|911|999|for help)|lock the door)"
        ),
        subject="obj",
        writer_agent_drops=True,
    ),
    _Rule(
        "isolation",
        ABUSE,
        _r(
            r"\b(?:i'm|i am|i was|i'm no longer|we're|she's|she is)\s+(?:\w+\s+)?not (?:allowed|"
            r"permitted) to\s+(?:(?:see|visit|talk to|call|text|speak to|meet|hang out with|go out "
            rf"with|spend time with|contact|have)\s+{_ISOLATION_OBJ}|go out(?: alone| without "
            r"(?:him|"
            r"her)| at all| anywhere)|go anywhere|leave the house|leave|work|drive|have (?:a |my "
            r"own |"
            r"any |my )?(?:phone|job|money|bank account|friends|car|keys|card)|spend (?:money|"
            r"anything)|wear|see a doctor|get a job|go to work|lock the door)\b|"
            r"\b(?:cut|cuts|cutting|cutted|isolat(?:e|es|ed|ing)|kept|keeps|keeping) (?P<obj>me|"
            r"her|"
            r"us)\s+(?:off\s+)?(?:from|away from)\s+(?:all\s+|everyone|everybody|all of\s+)?"
            rf"{_ISOLATION_OBJ}\b|"
            r"\bisolat(?:es|ed|ing) (?P<obj2>me|her|us)\b|"
            r"\b(?:made|makes|make|forced|forces|force|pressured|pressures) (?P<obj7>me|her) "
            r"(?:to )?"
            r"(?:delete|block|unfriend|remove|cut off|cut ties with|stop seeing|stop talking to|"
            r"stop "
            r"calling|drop|get rid of)\s+(?:everyone|everybody|all (?:of )?(?:my|her)|my|"
            r"her)\s*(?:\w+"
            r"\s+)?(?:friends?|family|contacts|numbers|mom|mum|mother|dad|sister|brother|parents|"
            r"from|"
            r"on|in)?\b|"
            r"\b(?:controls?|controlled|controlling|decides|decided|dictates|dictated|chooses|"
            r"chose|"
            r"picks)\s+(?:who (?:i|she) (?:see|sees|talk|talks|text|texts|meet|meets|can|am|is|"
            r"go|hang)|where (?:i|she) (?:go|goes|can|am|is)|what (?:i|she) (?:wear|wears|eat|eats|"
            r"do|does|say|says|spend|spends|can)|when (?:i|she) (?:can|leave|go|sleep|eat)|how "
            r"(?:i|she) (?:spend|dress|look|act)|everything (?:i|she) do(?:es)?|my every|(?:my|"
            r"her) "
            r"(?:every move|whole life|life|phone|friendships|schedule|movements))\b|"
            r"\b(?:makes?|made|forces?|forced)\s+(?P<obj3>me|her)\s+(?:to )?(?:ask (?:for |his |"
            r"her "
            r")?(?:permission|him|her)|get (?:his|her) permission|check in|report (?:to him|to her|"
            r"where|back)|account for|justify (?:every|where))\b|"
            r"\b(?:i|she) (?:have|has|need|needs|must|had) to (?:ask (?:for )?permission (?:to|"
            r"before) (?:spend|buy|go|leave|see|use|eat|wear|visit|call|talk)|ask (?:for )?"
            r"(?:his|her|their) "
            r"permission|ask (?:him|her) (?:for )?(?:permission|before|if i can)|get (?:his|her) "
            r"(?:permission|approval|ok|okay) (?:to|for|before)|ask (?:him|her) for (?:money|cash)|"
            r"beg (?:him|her)? ?for (?:money|cash|anything)|check in with (?:him|her) every|send "
            r"(?:him|her) (?:a )?(?:photo|picture|selfie)s? (?:of where|to prove))\b|"
            r"\b(?:took|takes|taking|hides|hid|hiding|keeps|kept|confiscat\w+|holds|held|"
            r"withholds|withheld|locked up)\s+(?:\w+\s+)?(?P<obj8>my|her)\s+(?:passport|visa|id "
            r"card|"
            r"birth certificate|immigration papers|residence permit|documents)\b|"
            r"\b(?:took|takes|taking|take|hides|hid|hiding|hide|keeps|kept|confiscat\w+|smashed|"
            r"broke)\s+(?P<obj4>my|her)\s+(?:phone|car keys|keys|passport|id|documents|papers|"
            r"visa|wallet|purse|sim card|charger|birth certificate|laptop)\b(?=.{0,40}\b(?:so|"
            r"when|whenever|every|if|to stop|to keep|can't|couldn't|won't|away|and locks?|from me|"
            r"until|again|always|and (?:my|her) (?:passport|keys|phone|wallet|cards?|id))\b|\s*$)|"
            r"\b(?:locks|locked|locking|lock) (?P<obj5>me|her|us) (?:in|out|inside|up)\b|"
            r"\bkeeps? (?P<obj6>me|her) (?:from|away from) (?:seeing|talking|going|leaving|working|"
            r"calling|visiting|having)\b|"
            r"\b(?:extremely|very|super|really|so|too|incredibly|insanely|crazy|overly|"
            r"increasingly)?\s*controlling\b"
        ),
        subject="obj",
        writer_agent_drops=True,
        extra=lambda m, t: _controlling_check(m, t),
    ),
    _Rule(
        "financial_control",
        ABUSE,
        _r(
            r"\b(?:takes|took|taking|take|keeps|kept|confiscates|confiscated|pockets|grabs|"
            rf"controls|controlled|has control of|holds|withholds|withheld)\s+(?:all\s+(?:of\s+)?)?"
            rf"(?P<obj>my|her)\s+(?:whole\s+|entire\s+|own\s+)?{_MONEY}\b(?! (?:number|details|"
            r"statement|info|when i was drunk|by mistake|to pay (?:the|our) (?:rent|bills)))|"
            r"\b(?:gives?|gave|giving|puts?|put|kept|keeps) (?P<obj2>me|her)\s+(?:on\s+)?(?:a\s+|"
            r"an\s+"
            r"|a small\s+|a tiny\s+|a weekly\s+|a monthly\s+)?(?:allowance|pocket money|stipend|"
            r"budget of)\b|\b(?:i|she) (?:only |just |still )?(?:get|gets|got|receive|receives|"
            r"have|"
            r"has|live on|lives on)"
            r" (?:an? )?(?:small |tiny |weekly |monthly )?(?:allowance|pocket money)\b|"
            r"\b(?:on|an?) (?:allowance|pocket money) (?:from|like a child)\b|"
            r"\b(?:won't|will not|doesn't|does not|never|refuses to|didn't)\s+(?:\w+\s+)?(?:let|"
            r"allow|give)\s+(?P<obj3>me|her)\s+(?:to\s+)?(?:have\s+|access\s+|see\s+|touch\s+|"
            r"use\s+|"
            r"open\s+|get\s+|know about\s+|any\s+)?(?:any |my own |my |our |the |a |her |her own "
            r")?(?:money|cash|bank|"
            r"accounts?|bank accounts?|cards?|credit cards?|debit cards?|finances|paycheck|wages|"
            r"savings|income)\b|"
            r"\b(?:keeps|kept|controls|controlled|holds|held|has|manages|takes) (?:all |total "
            r"control of |complete control of |full control of )?(?:of )?(?:the|our|all the|all "
            r"our) "
            r"(?:money|finances|cash|bank accounts?|accounts|income)\b(?=.{0,50}\b(?:i (?:get|"
            r"have|got"
            r"|receive) (?:nothing|none|no|zero)|i (?:can't|cannot|can not) (?:buy|spend|access|"
            r"get)|i "
            r"have to (?:ask|beg)|i'm not allowed|without (?:his|her) (?:permission|ok|okay|"
            r"approval)|"
            r"not a (?:penny|cent)|he decides|she decides)\b)|"
            r"\b(?:he|she|they|my (?:husband|wife|partner|boyfriend|girlfriend)) (?:\w+ )?controls "
            r"(?:all )?(?:of )?(?:the|our|my|all our|all the) (?:money|finances|cash|bank "
            r"accounts?|"
            r"accounts)\b|"
            r"\baccount for every (?:penny|cent|dollar|pound|euro|purchase|receipt|single)\b|"
            r"\b(?:checks?|checking|goes through|inspects?) every (?:receipt|purchase|penny|cent|"
            r"transaction)\b|"
            r"\b(?:makes?|made|forces?|forced) (?P<obj4>me|her) (?:to )?(?:hand over|give (?:him|"
            r"her)|sign over|transfer|deposit) (?:all\s+|my\s+|her\s+|the\s+)*(?:money|paychecks?|"
            r"pay|wages|salary|cards?|check|benefits|earnings|savings|house|car)\b|"
            r"\b(?:i|she) (?:have|has|had|need|needs|must) to (?:hand over|give|sign over|transfer) "
            r"(?:him |her )?(?:all\s+(?:of\s+)?)?(?P<obj8>my|her) (?:money|paychecks?|pay|wages|salary|"
            r"earnings|savings|benefits|cards?)\b(?=[^.!?]{0,30}\b(?:to (?:him|her)|every)\b|"
            r"(?<=him my)|(?<=her my))|"
            r"\b(?:took|takes|taken|opened|opens|ran|runs|running|run) (?:out |up )?(?:loans?|"
            r"credit "
            r"cards?|debts?|a loan|a mortgage|accounts?|bills)\s+(?:\w+\s+)?in (?P<obj5>my|her) "
            r"name\b(?=.{0,60}\b(?:without|didn't know|never told|behind my back|forged|made me|"
            r"forced|didn't agree)\b|\s*$)|"
            r"\b(?:makes?|made|forces?|forced|pressured|pressures) (?P<obj6>me|her) (?:to "
            r")?(?:quit|"
            r"give up|leave) (?:my|her) (?:job|work|career|studies|course|degree)\b|"
            r"\b(?:cut|cuts|froze|freezes|frozen|cancelled|canceled|blocked|blocks) (?:off )?"
            r"(?P<obj7>my|her) (?:cards?|credit cards?|bank cards?|access|money|accounts?)\b|"
            r"\bfinancial(?:ly)? (?:abus\w*|control\w*|coerc\w*)\b|\beconomic abuse\b"
        ),
        subject="obj",
        writer_agent_drops=True,
    ),
    _Rule(
        "financial_control",
        ABUSE,
        _r(
            r"\b(?:no|don't have|do not have|doesn't give me|without|cut off (?:my|her)|no longer "
            r"have|lost) access to (?:any |my |my own |her |our |the )?(?:money|cash|bank account|"
            r"accounts|cards|finances|funds)\b(?=.{0,40}\b(?:he|she|him|her|they|control|allow|let|"
            r"took|takes|because)\b|\s*$)|"
            rf"\b{_PERSON_BASE} (?:\w+ )?controls (?:absolutely |literally )?(?:everything|every "
            r"(?:aspect|part) of (?:my|our) (?:life|lives))\b(?! (?:in the|at|about|on the|for the|"
            r"when it comes to)\b)"
        ),
        subject="victim",
        writer_agent_drops=False,
    ),
    _Rule(
        "sexual_coercion",
        ABUSE,
        _r(
            r"\b(?:forc\w*|mak(?:e|es|ing)|made|pressur\w*|coerc\w*|guilt(?:s|ed|ing|-?trips?|"
            r"-?tripped)?|push(?:es|ed|ing)?|bull(?:ies|ied|ying)|manipulat\w*|blackmail\w*|"
            r"nag(?:s|ged|ging)|bad ?ger\w*|harass\w*)\s+(?P<obj>me|her|him|us)\s+(?:in(?:to|to)|"
            r"to|"
            r"for|about|"
            r"constantly for|all the time for)?\s*(?:have |having |do |doing |giving |give |"
            r"perform(?:ing)? |watch(?:ing)? |try(?:ing)? "
            r"|let(?:ting)? (?:him|her) )?(?:a |an |some |the |more |anal )?(?:sex|sexual|sex "
            r"acts?|"
            r"oral|anal|intercourse|things "
            r"(?:in bed|sexually|i (?:don't|didn't) want)|stuff (?:in bed|i (?:don't|didn't) want)|"
            r"sleep(?:ing)? with|porn|threesomes?|nudes|naked|intimate|intimacy|a blowjob|blow "
            r"?jobs?|"
            r"things i'?m not comfortable)\b|"
            r"\b(?:hid|hides|hiding|threw away|throws away|flushed|flushes|swapped|swaps|tampered "
            r"with|tampers with|poked holes in|pokes holes in|sabotaged|sabotages|took away|takes "
            r"away|destroyed|binned) (?:all )?(?P<obj4>my|her) (?:birth control|contraceptives?|"
            r"contraception|pills|the pill|condoms|coil|iud|implant|morning after pill)\b|"
            r"\b(?:won't|doesn't|does not|will not|refuses to) (?:let|allow) (?P<obj5>me|her) "
            r"(?:to )?(?:use|take|get|go on) (?:birth control|contraception|condoms|the pill|"
            r"protection)\b|"
            r"\bforc(?:ed|es|ing|e) (?:himself|herself|themselves) (?:on|onto|upon) (?P<obj2>me|"
            r"her)\b|"
            r"\b(?:rap(?:e|ed|es|ing|ist)|marital rape|sexual(?:ly)? (?:assault\w*|abus\w*|"
            r"coerc\w*|"
            r"violen\w*|harass\w*|exploit\w*)|non-?consensual|molest\w*|revenge porn|sextort\w*)\b|"
            r"\b(?:doesn't|does not|didn't|did not|won't|wouldn't|never)\s+(?:\w+\s+)?(?:stop|"
            r"listen|"
            r"take no|accept no|care)\b(?:\s+\w+){0,4}?\s+(?:when|after|even (?:when|though|after|"
            r"if)|"
            r"though|if)\s+(?:i|she)\s+(?:say|said|tell|told|beg|begged|cry|cried|scream|screamed|"
            r"ask|asked|push|pushed)\s+(?:him\s+|her\s+)?(?:no|stop|to stop|not to)\b|"
            r"\b(?:i|she) (?:said|say|says|told (?:him|her)|kept saying|was saying) "
            r"no\b(?:\s+\w+){0,6}"
            r"?\s+(?:and|but) (?:he|she|they) (?:kept going|didn't stop|did it anyway|continued|"
            r"carried on|wouldn't stop|did not stop|forced|held me)\b|"
            r"\b(?:while|when) (?:i|she) (?:was|am|'m|is) (?:asleep|sleeping|passed out|"
            r"unconscious|"
            r"blackout drunk|too drunk|drunk|drugged|out of it)\b(?=.{0,60}\b(?:sex|touch\w*|"
            r"undress\w*|had sex|on top|inside|naked)\b)|"
            r"\b(?:woke|wake|waking|woken) up\b(?=[^.!?]{0,50}\b(?:having sex with|on top of|inside|"
            r"touching|undressing|groping|raping|doing (?:stuff|things) to|with (?:his|her) hands? "
            r"(?:on|in|down|up))\b)|"
            r"\b(?:sex|touch\w*|had sex|undress\w*)\b(?=.{0,60}\b(?:while|when) (?:i|she) (?:was|"
            r"am|'m|is) (?:asleep|sleeping|passed out|unconscious|too drunk|drugged)\b)|"
            r"\b(?:without|against) (?:my|her) (?:consent|will)\b(?=.{0,60}\b(?:sex|touch\w*|"
            r"photo\w*"
            r"|pictures?|videos?|filmed|recorded|nudes|body|inside|bed)\b)|"
            r"\b(?:sex|touch\w*|photo\w*|filmed|recorded|nudes)\b(?=.{0,60}\bwithout (?:my|her) "
            r"consent\b)|"
            r"\b(?:my|her|a wife's|wifely|marital) (?:duty|obligation)\b(?=.{0,60}\b(?:sex|bed|"
            r"intimate|sleep with|body|satisfy)\b)|\bwifely duty\b|\bmarital duty\b|"
            r"\b(?:sex|sleep with (?:him|her)|have sex)\b(?=.{0,50}\b(?:or (?:else|he'?ll|she'?ll)|"
            r"otherwise (?:he|she)|even though i (?:said|say) no|when i (?:say|said) no|or he "
            r"(?:gets|will)|or she (?:gets|will))\b)|"
            r"\b(?:touches|touched|touching|gropes|groped|grabs|grabbed) (?P<obj3>me|her|my body)\b"
            r"(?=.{0,40}\b(?:when i don't|when i do not|when i didn't|even though|after i|though i|"
            r"without|against|while i|i don't want|i didn't want|i said no|i told him|i told "
            r"her|i tell (?:him|her)|i say no|i ask (?:him|her) to stop|i beg)\b)|"
            r"\bno to (?:sex|him|her|intimacy|it)\b(?=.{0,40}\b(?:punish\w*|hurts? me|hits? me|"
            r"violent|rages?|threaten\w*|forces? me|forced me|takes it anyway|does it anyway|won't "
            r"let me sleep|gets angry and|makes me)\b)|"
            r"\b(?:won't|will not|doesn't|does not) take no for an answer\b(?=.{0,60}\b(?:sex|bed|"
            r"touch|body|intimate|sleep with)\b)|"
            r"\b(?:threaten\w*|going to|will|'ll) (?:share|post|send|leak|show|publish|upload) "
            r"(?:my|our|her) (?:nudes|naked|intimate|private|sex|explicit) ?(?:photos|pictures|"
            r"pics|"
            r"videos?|tapes?)?\b|\b(?:shared|posted|sent|leaked|showed) (?:my|her) (?:nudes|naked "
            r"(?:photos|pictures|pics)|intimate (?:photos|pictures|videos?))\b"
        ),
        subject="obj",
        negatable=True,
    ),
    _Rule(
        "child_at_risk",
        ABUSE,
        _r(
            r"\b(?:hurts|hurt|hurting|harms|harmed|harming|abuses|abused|abusing|molests?|"
            r"molested|"
            r"molesting|beats|beat|beating|beaten|hits|hitting|hit|slaps|slapped|shakes|shook|"
            r"shaking"
            rf"|spanks|spanked|spanking|whips|whipped|belts|belted|kicks|kicked|chokes|choked|"
            rf"punches|punched|touches|touched|touching|grooms|groomed|grooming|neglects|neglected|"
            rf"starves|starved|burns|burned|burnt|locks|locked|threatens|threatened|threatening|"
            rf"terrorizes|terrorises|terrorized|bruised|scares|scared|frightens|screams at|"
            rf"throws|threw|pushes|pushed|shoves|shoved|drags|dragged|grabs|grabbed)\s+"
            rf"(?P<obj>{_CHILD_REF})\b(?!(?:'s)? (?:feelings|ego|pride|chances|plans|game|record))"
        ),
        subject="child",
        negatable=True,
        extra=lambda m, t: (
            None if _nearest_subject(t.before(m.start(), m.end()), default="") == CHILD else ""
        ),
    ),
    _Rule(
        "child_at_risk",
        ABUSE,
        _r(
            rf"\b(?:{_CHILD_REF})\s+(?:\w+\s+)?(?:is|are|was|were|'s|'re|seems?|seemed|look|looks|"
            rf"get|gets|got|became|have been|has been)\s+(?:so\s+|really\s+|very\s+|terribly\s+|"
            rf"always\s+|now\s+)?(?:scared|afraid|terrified|frightened|petrified)\s+(?:of|when)\s+"
            r"(?:him|her|them|their (?:dad|father|mom|mother|stepdad|stepmom|stepmum)|my "
            rf"(?:{_PARTNER}"
            rf")|(?:his|her) (?:dad|father|mom|mother|stepdad|stepmom|temper|anger)|he|she)\b|"
            rf"\b(?:scared|afraid|terrified|fear|fearing|worried|frightened)\s+(?:for|about)\s+"
            rf"(?:the safety of\s+)?(?:my|our|the)\s+(?:{_CHILD_NOUN})(?:'s?)?\s*(?:safety|lives|"
            rf"life|wellbeing)?(?=\s*(?:safety|lives|life|$|[,.!?]|when|if|around|with|because|"
            rf"now|too))|"
            rf"\b(?:scared|afraid|terrified|frightened)\s+(?:that\s+)?(?:he|she|they|my \w+)\s*"
            rf"(?:'ll|'d|will|would|might|could|may|is going to|'s going to)\s+(?:\w+\s+)?(?:hurt|"
            rf"hit|harm|kill|take|touch|abuse|beat|shake|snatch|kidnap)\s+(?:{_CHILD_REF})\b|"
            rf"\b(?:{_CHILD_REF})\s+(?:is|are|isn't|aren't|wouldn't be|won't be|is not|are not|"
            rf"feel|don't feel|doesn't feel)\s+(?:\w+\s+)?(?:not\s+)?safe\s+(?:with|around|near|in "
            rf"the (?:house|home) with|alone with)\b|"
            rf"\b(?:left|leaves|leaving|leave)\s+(?:{_CHILD_REF})\s+(?:home\s+)?alone\b(?=.{{0,40}}"
            rf"\b(?:hours|all day|all night|overnight|to go|while (?:he|she)|drunk|high|days)\b)|"
            rf"\b(?:drunk|high|wasted|stoned|drink driving|drunk driving|drives drunk|drove drunk|"
            rf"drives high)\b(?=.{{0,40}}\b(?:with|while (?:looking after|watching|in charge "
            r"of))\s+"
            rf"(?:{_CHILD_REF}|them)\b)|"
            r"\b(?:inappropriate(?:ly)?|sexual|sexually|weird|creepy)\s+(?:\w+\s+)?(?:with|"
            r"towards|"
            rf"toward|around|to|touch\w*)\s+(?:{_CHILD_REF})\b|"
            r"\b(?:is|are|was|were|gets|got|getting|'s) (?:so |really |too |very )?(?:rough|"
            r"violent|"
            r"aggressive|physical|heavy-?handed) (?:with|towards|toward|around) "
            rf"(?:{_CHILD_REF})\b|"
            rf"\bchild (?:abuse|neglect|protective services|protection services|sexual abuse|"
            r"porn\w*|exploitation)\b|\bcps (?:was|were|came|is|are|got|called|involved)\b|"
            r"\bcalled "
            rf"cps\b|\bshaken baby\b|"
            rf"\b(?:threat\w*|going to|will|'ll|would|'d)\s+(?:to\s+)?(?:hurt|harm|kill|beat|hit|"
            rf"take it out on)\s+(?:{_CHILD_REF})\b|"
            rf"\b(?:{_CHILD_REF})\s+(?:\w+\s+){{0,3}}?(?:has|have|had|with|came home with|showed "
            rf"up with)\s+(?:\w+\s+)?(?:bruises|marks|welts|burns|a black eye|injuries)\b|"
            rf"\b(?:{_CHILD_REF})\s+(?:told me|said|says)\s+(?:that\s+)?(?:daddy|mommy|mummy|dad|"
            rf"mum|mom|his dad|her dad|his father|her father|he|she|my \w+|their \w+)\s+(?:\w+\s+)?"
            rf"(?:hit|hits|hurt|hurts|touched|touches|slapped|kicked|choked|punched|beat|beats|"
            rf"scares|threatened)\b"
        ),
        subject="child",
        negatable=True,
    ),
    _Rule(
        "general_danger",
        ABUSE,
        _r(
            r"\b(?:restraining|protective|protection|no[- ]contact|non[- ]molestation|barring|"
            r"safety|emergency protection|occupation) orders?\b|\bprotection from abuse\b|"
            r"\b(?:called|call|calling|rang|dialed|dialled|phoned) (?:the )?(?:police|cops|911|999|"
            r"000|112|gardai|garda) (?:on (?:him|her|them|my \w+)|because (?:he|she|they)|when "
            r"(?:he|she|they)|after (?:he|she|they))\b|"
            r"\b(?:police|cops|gardai|garda) (?:were|was|came|got) (?:called|involved|"
            r"out)\b(?=.{0,60}"
            r"\b(?:he|she|him|her|hit|fight|attack|hurt|domestic|threat)\b)|"
            r"\b(?:women's|womens|domestic violence|dv|abuse|women and children's) (?:shelter|"
            r"refuge|"
            r"hostel|helpline|hotline)\b|\bsafe ?house\b|"
            r"\b(?:pressing|pressed|press|filed|filing|file) charges against (?:him|her|my \w+)\b|"
            r"\b(?:arrested|charged) (?:him|her|my \w+) for (?:assault|battery|hitting|domestic|"
            r"attacking)\b|\b(?:he|she|my \w+) (?:was|got) arrested for (?:assault|battery|"
            r"domestic|"
            r"hitting|attacking|choking|strangling)\b"
        ),
        subject="victim",
        negatable=True,
        extra=lambda m, t: _topic_only(m, t),
    ),
    _Rule(
        "abuse_disclosure",
        ABUSE,
        _r(
            r"\b(?:me pega|me golpea|me maltrata|violencia (?:doméstica|domestica|de género|de "
            r"genero))"
            r"\b|\b(?:il|elle) me (?:frappe|bat)\b|\bviolence conjugale\b|\b(?:er|sie) schlägt "
            r"mich\b|"
            r"\bhäusliche gewalt\b|\bele me bate\b"
        ),
        subject="self",
    ),
)


# ------------------------------------------------------------------ rule callbacks

_THREAT_EXCLUDED = _r(
    r"^\s*(?:to )?(?:leave|leaving|divorce|separate|break up|end (?:it|things|the "
    r"relationship|our relationship|the marriage|our marriage|the engagement)|walk out|move out|"
    r"file for|go to (?:counsel\w*|therapy|a lawyer|his mom|her mom)|quit (?:his|her) job|"
    r"stop (?:talking|speaking|therapy|counsel\w*)|cancel|call it off|sell|resign|go home|"
    r"kick (?:him|her) out|get a lawyer|tell\b|expose (?:the|my|our|his|her) affair|call (?:it|the"
    r" (?:wedding|engagement|trip|holiday)) off|call off|postpone|cancel|sue|report (?:him|her) "
    r"to (?:hr|the (?:school|landlord|boss))|"
    r"(?:kill|hurt|harm|end) (?:himself|herself|themselves|his life|her life|their life))\b"
)
_THREAT_CHILD = _r(
    rf"^\s*(?:to )?(?:hurt|harm|kill|beat|hit|touch|abuse|take it out on|punish)\s+"
    rf"(?:{_CHILD_REF})"
)


def _threat_subject(rest: str) -> str:
    if _THREAT_CHILD.search(rest):
        return CHILD
    who = re.match(r"^\s*(?:to )?\w+\s+(?P<obj>her|him|them|my \w+)\b", rest)
    if who and who.group("obj") in {"her", "him", "them"}:
        return OTHER
    return SELF


def _threat_extra(m: re.Match, t: _Text) -> str | None:
    rest = m.group("rest") if "rest" in m.groupdict() else None
    prefix = t.before(m.start(), m.end())
    if _writer_is_agent(prefix):
        return None  # "I threatened to leave"
    if rest is None:
        return _victim_from_context(prefix)
    if _THREAT_EXCLUDED.search(rest):
        return None
    if re.match(r"^\s*(?:me|us)\b", rest):
        return _victim_from_context(prefix)
    victim = _threat_subject(rest)
    if victim == SELF:
        return _victim_from_context(prefix)
    return victim


_HARMLESS_OWN = re.compile(
    r"(?:my|our) (?:heart|life|reputation|career|name|chances|credit|plans|marriage|"
    r"relationship|self-esteem|confidence|trust|feelings|day|mood|weekend|business|image)\b"
)
_VULNERABLE_OWN = frozenset(
    {
        "family",
        "dog",
        "cat",
        "pets",
        "pet",
        "face",
        "head",
        "body",
        "mom",
        "mum",
        "mother",
        "dad",
        "father",
        "sister",
        "brother",
        "friends",
        "friend",
        "parents",
        "car",
        "house",
    }
)


def _own_thing_is_harmless(obj: str) -> bool:
    """'he'll ruin my reputation', 'she'll break my heart': not a threat of violence."""
    if not obj.startswith(("my ", "our ")):
        return False
    if _HARMLESS_OWN.match(obj):
        return True
    last = obj.split()[-1]
    return last not in _OTHER_TOKENS and last not in _VULNERABLE_OWN and last not in _BODY


def _threat_check(m: re.Match, t: _Text) -> str | None:
    """'he will kill me', 'she'll hurt the kids', 'he'd put me in the hospital'."""
    verb, obj = m.group("verb"), m.group("obj")
    tail = (m.group("tail") or "").strip()
    prefix = t.before(m.start(), m.end())
    if " me " in f" {verb} ":
        return _victim_from_context(prefix)  # "put me in the hospital", "make me pay"
    if obj is None or obj in {"myself", "you"}:
        return None  # "kill himself/myself" belongs to the crisis rules
    ahead = (m.group("tail") or "") + t.text[m.end() : m.end() + 40]
    again = re.match(r"\s*again\b(?! (?:if|unless|when))", ahead)
    if verb == "hurt" and obj in {"me", "us"} and again:
        if not re.search(r"\b(?:said|says|swore|threaten\w*|warned|promised)\b", prefix):
            return None  # "I'm afraid he'll hurt me again": another betrayal, not violence
    if verb == "hit" and re.match(r"\s*(?:up|back)\b", ahead):
        return None  # "he'll hit me up later"
    if verb in {"find", "track", "hunt", "come after"} and obj not in {"me", "us"}:
        return None
    if (
        verb in {"end", "break", "ruin", "destroy"}
        and obj in {"me", "us"}
        and tail not in {"if", "when", "before"}
    ):
        return None  # "he'll break me", "she'll ruin me": heartbreak or reputation
    if obj in {"her", "him", "them"}:
        return OTHER
    if _own_thing_is_harmless(obj):
        return None
    who = _who_phrase(obj)
    return _victim_from_context(prefix) if who == SELF else who


def _said_threat_check(m: re.Match, t: _Text) -> str | None:
    """'he said he'd kill me', 'she says she'll take the kids'."""
    verb, obj = m.group("verb"), m.group("obj")
    ahead = m.group(0) + t.text[m.end() : m.end() + 25]
    prefix = t.before(m.start(), m.end())
    if obj is None:
        return None
    if verb == "take":
        if re.search(r"\btake (?:away )?(?:the|my|our) (?:kids|children|baby|son|daughter)", ahead):
            return _victim_from_context(prefix)
        return None
    if verb == "make":
        if re.search(r"\bmake (?:me|us) (?:pay|regret|suffer|disappear)", ahead):
            return _victim_from_context(prefix)
        return None
    if verb in {"destroy", "ruin"} or obj == "everything":
        return None
    if obj in {"her", "him", "them"}:
        return OTHER
    if _own_thing_is_harmless(obj):
        return None
    who = _who_phrase(obj)
    return _victim_from_context(prefix) if who == SELF else who


_WRITER_WISH = re.compile(
    r"\b(?:i|i'd|i'll|we)\s+(?:\w+\s+)?(?:could|would|'d|want to|wanted to|feel like|am going "
    r"to|'m going to|'m gonna|am gonna|will|might|could just|wanna|felt like)\s+(?:\w+\s+)?$"
)


_FIGURATIVE_BY = re.compile(
    r"\s*by (?:this|the|my|these|all (?:the|these|this)|his|her) (?:\w+ )?(?:secrets?|guilt|lies?|"
    r"shame|debt|grief|anxiety|stress|pressure|memories|thoughts|feelings|silence|affair|"
    r"betrayal|questions|doubts?)\b"
)


def _injury_check(m: re.Match, t: _Text) -> str | None:
    prefix = t.before(m.start(), m.end())
    if _WRITER_WISH.search(prefix):
        return None  # "I could strangle him for forgetting our anniversary"
    if _figurative_agent(prefix):
        return None  # "the guilt is choking me", "I feel like I'm being strangled"
    after = t.after(m.start(), m.end())
    if _FIGURATIVE_BY.match(after):
        return None  # "strangled by this secret"
    phrase = m.group(0)
    clause = prefix + phrase + after
    if phrase.startswith("bruis"):
        # bruises need a person who caused them: "he left bruises", "bruises from him"
        if not re.search(
            r"\b(?:he|she|they|him|her|them|gave|left|from|grabbed|hit|"
            r"hides?|hiding|cover(?:ing)? up|covered)\b",
            clause,
        ):
            return None
    if phrase == "couldn't breathe" and not re.search(
        r"\b(?:hand|hands|neck|throat|choke|choked|chok|strangl|on top|pinned|held|sat on|"
        r"pillow|squeez)\w*",
        clause,
    ):
        return None
    if phrase == "concussion" and not re.search(
        r"\b(?:he|she|they|him|her|gave|hit|"
        r"pushed|shoved|threw|slammed)\b",
        clause,
    ):
        return None
    if phrase.startswith(("broken", "bloody")) and not re.search(
        r"\b(?:he|she|they|him|her|gave|hit|pushed|shoved|threw|punched|kicked|slammed|beat)\b",
        clause,
    ):
        return None
    if re.search(
        r"\b(?:his|her|their)\s+(?:black eye|split lip|bloody nose|broken)", clause
    ) and not re.search(r"\b(?:he|she) (?:gave|left)\b", clause):
        return (
            _victim_from_context(prefix)
            if re.search(r"\bi (?:gave|hit|punched)\b", clause) is None
            else OTHER
        )
    if _child_in(clause) and re.search(
        r"\b(?:my|our|the)\s+" + _CHILD_NOUN + r"(?:'s)?\s+"
        r"(?:has|had|with|came)",
        clause,
    ):
        return CHILD
    return _victim_from_context(prefix)


def _not_own_thing(m: re.Match, t: _Text) -> str | None:
    """'she tracks her spending', 'he checks his phone': the agent's own thing."""
    obj = next((v for k, v in m.groupdict().items() if k.startswith("obj") and v), None)
    if obj in {"her", "his"} and _own_possession(t.before(m.start(), m.end()), obj):
        return None
    return ""


def _child_in(fragment: str) -> bool:
    return re.search(_CHILD_REF, fragment) is not None


def _controlling_check(m: re.Match, t: _Text) -> str | None:
    phrase = m.group(0).strip()
    if not phrase.endswith("controlling"):
        obj = next((v for k, v in m.groupdict().items() if k.startswith("obj") and v), None)
        if obj in {"her", "his"} and _own_possession(t.before(m.start(), m.end()), obj):
            return None  # "she hid her phone when I walked in": her own phone
        return ""  # another alternative of the rule matched: keep its subject logic
    prefix = t.before(m.start(), m.end())
    after = t.after(m.start(), m.end())
    if re.match(
        r"^\s*(?:my (?:temper|anger|emotions|feelings|reactions|jealousy|urges|"
        r"impulses|drinking|spending)|the (?:narrative|situation))",
        after,
    ):
        return None
    subject = _nearest_subject(prefix, default="")
    if subject in {"", SELF}:
        # "I've been controlling", "she says I'm controlling", or no person at all
        if not re.match(
            r"^\s*(?:husband|wife|partner|boyfriend|girlfriend|ex|man|"
            r"woman|relationship|behaviou?r|marriage)\b",
            after,
        ):
            return None
        if subject == SELF and re.search(
            r"\b(?:i'm|i am|i was|i've been|i can be)\s+"
            r"(?:\w+\s+)?$",
            prefix,
        ):
            return None
    return _victim_from_context(prefix)


# ------------------------------------------------------------- physical violence

_VIOLENCE_FORMS: dict[str, tuple[str, ...]] = {
    "hit": ("hit", "hits", "hitting", "hitted", "hitt"),
    "slap": ("slap", "slaps", "slapped", "slapping", "slaped", "slapt", "slappd"),
    "punch": ("punch", "punches", "punched", "punching", "punshed", "puched", "punchd"),
    "kick": ("kick", "kicks", "kicked", "kicking", "kiked", "kickd"),
    "choke": (
        "choke",
        "chokes",
        "choked",
        "choking",
        "choaked",
        "chocked",
        "choaking",
        "chocking",
        "chokeing",
        "chokd",
        "choake",
    ),
    "strangle": (
        "strangle",
        "strangles",
        "strangled",
        "strangling",
        "strangeled",
        "stranggled",
        "strangulated",
        "strangulating",
        "strangeld",
    ),
    "shove": ("shove", "shoves", "shoved", "shoving", "shovd"),
    "push": ("push", "pushes", "pushed", "pushing", "pushd"),
    "beat": ("beat", "beats", "beaten", "beating", "beated", "beatin"),
    "smack": ("smack", "smacks", "smacked", "smacking"),
    "throttle": ("throttle", "throttles", "throttled", "throttling"),
    "shake": ("shake", "shakes", "shook", "shaking", "shaken"),
    "grab": ("grab", "grabs", "grabbed", "grabbing", "grabed"),
    "slam": ("slam", "slams", "slammed", "slamming"),
    "pin": ("pin", "pins", "pinned", "pinning"),
    "drag": ("drag", "drags", "dragged", "dragging"),
    "throw": ("throw", "throws", "threw", "thrown", "throwing"),
    "stab": ("stab", "stabs", "stabbed", "stabbing"),
    "headbutt": ("headbutt", "headbutts", "headbutted", "headbutting"),
    "elbow": ("elbowed", "elbows", "elbowing"),
    "bite": ("bit", "bites", "bitten", "biting"),
    "knock": ("knock", "knocks", "knocked", "knocking"),
    "smother": ("smother", "smothers", "smothered", "smothering"),
    "suffocate": ("suffocate", "suffocates", "suffocated", "suffocating"),
    "strike": ("strike", "strikes", "struck", "striking"),
    "backhand": ("backhand", "backhands", "backhanded"),
    "whip": ("whip", "whips", "whipped", "whipping"),
    "scratch": ("scratched", "scratches", "scratching"),
    "spank": ("spank", "spanks", "spanked", "spanking"),
    "batter": ("batter", "batters", "battered"),
    "tackle": ("tackled", "tackles"),
    "knee": ("kneed", "kneeing", "kneed"),
    "trip": ("tripped",),
    "hurt": ("hurt", "hurts", "hurting"),
}
_FORM_TO_VERB = {form: verb for verb, forms in _VIOLENCE_FORMS.items() for form in forms}
_BODY = frozenset(
    {
        "face",
        "head",
        "arm",
        "arms",
        "neck",
        "throat",
        "back",
        "stomach",
        "belly",
        "leg",
        "legs",
        "chest",
        "body",
        "hair",
        "jaw",
        "nose",
        "eye",
        "eyes",
        "wrist",
        "wrists",
        "mouth",
        "ribs",
        "side",
        "cheek",
        "lip",
        "lips",
        "shoulder",
        "shoulders",
        "hand",
        "hands",
        "ear",
        "ears",
        "breast",
        "breasts",
        "thigh",
        "thighs",
        "bump",
        "pregnant",
        "tummy",
        "skull",
        "temple",
    }
)
_PETS = frozenset({"dog", "cat", "puppy", "kitten", "pet", "pets", "rabbit", "bird"})
_VICTIM_OTHER = frozenset(w for w in _PARTNER_WORDS + _RELATIVE_WORDS if " " not in w) - {"man"}

_BETWEEN_OK = frozenset(
    {
        "and",
        "or",
        "then",
        "even",
        "once",
        "twice",
        "again",
        "also",
        "really",
        "literally",
        "just",
        "repeatedly",
        "actually",
        "up",
        "hard",
        "so",
        "badly",
        "violently",
        ",",
        "&",
    }
)
_NEEDS_PARTICLE = {
    "throw": {
        "against",
        "into",
        "onto",
        "across",
        "down",
        "off",
        "on",
        "to",
        "at",
        "through",
        "over",
    },
    "drag": {"by", "across", "along", "down", "into", "through", "off", "out"},
    "slam": {"against", "into", "onto", "down", "on", "to", "through", "up"},
    "pin": {"down", "against", "to", "on", "up"},
    "knock": {"down", "out", "over", "to", "unconscious", "into", "against", "off"},
    "trip": {"down", "on", "into", "over", "so", "and"},
}
_PUSH_DROP_NEXT = frozenset({"away", "aside", "too", "harder", "off", "out"})
_PEERS = frozenset("brother brothers sister sisters sibling siblings cousin friend classmate".split())
_PLACES = frozenset(
    "car house door window bed room flat apartment van truck bedroom kitchen home vehicle".split()
)
_SMOTHER_WITH = frozenset("pillow pillows hand hands blanket cushion towel bag jacket coat".split())
# "... and then my son": a child is the second one hurt
_CHILD_ALSO = re.compile(
    rf"(?:\w+ ){{0,3}}?(?:and|&) (?:then |also |even )?(?:my|our|the|his|her) (?:\w+ )?"
    rf"{_CHILD_NOUN}\b"
)
_BEATEN_TO = frozenset({"death", "pulp", "ground", "floor", "unconscious", "bloody", "within"})
# "hit me with <this>": news and words, not an object swung at someone
_NOT_A_WEAPON = frozenset(
    "news truth question questions bombshell reality fact facts accusation accusations lecture "
    "request demand ultimatum guilt comment comments criticism sarcasm words revelation details "
    "info information surprise confession announcement story excuse excuses list bill papers text "
    "texts message messages silent attitude idea plan offer proposal compliment joke jokes reply "
    "answer response it this that everything evidence receipts photos screenshots diagnosis "
    "decision divorce lot".split()
)
_IDIOM_AFTER_HIT = re.compile(
    r"like (?:a |an )?(?:ton|tonne|tons|truck|lorry|train|freight train|bus|brick|bricks|wave|"
    r"tidal wave|sledgehammer|hammer|lightning|bolt|thunderbolt|wrecking ball|punch|slap|kick)\b"
)


@dataclass(frozen=True)
class _Tok:
    text: str
    lemma: str
    idx: int


def _violence_hits(
    tokens: list[_Tok], starts: Iterable[int], t: _Text
) -> list[tuple[str, str, int]]:
    """Physical violence from verb positions: returns (level, subject, char offset)."""
    out = []
    n = len(tokens)
    for i in starts:
        verb = _FORM_TO_VERB.get(tokens[i].text) or (
            tokens[i].lemma if tokens[i].lemma in _VIOLENCE_FORMS else None
        )
        if verb is None:
            continue
        j = i + 1
        steps = 0
        while (
            j < n
            and steps < 4
            and (tokens[j].text in _BETWEEN_OK or tokens[j].text in _FORM_TO_VERB)
        ):
            j += 1
            steps += 1
        if j >= n:
            continue
        obj = tokens[j].text
        nxt = tokens[j + 1].text if j + 1 < n else ""
        nxt2 = tokens[j + 2].text if j + 2 < n else ""
        subject: str | None = None
        if obj in {"me", "us"}:
            subject = SELF
            tail = " ".join(tok.text for tok in tokens[j + 1 : j + 5])
            if re.match(
                r"(?:and|&) (?:the|my|our) (?:kids|children|son|daughter|baby|boys|girls)", tail
            ):
                subject = CHILD
        elif obj in {"my", "our", "his", "her", "their", "the", "a"}:
            if nxt in _CHILD_TOKENS or (
                nxt in {"little", "baby", "youngest", "eldest", "oldest", "teenage"} and nxt2
            ):
                subject = CHILD
            elif re.fullmatch(r"\d{1,2}(?:yo|y/o)?", nxt) and nxt2 in {"year", "yo", "-year-old"}:
                subject = CHILD
            elif nxt in _BODY and obj in {"my", "our"}:
                subject = SELF
            elif nxt in _BODY and obj in {"his", "her", "their"}:
                subject = OTHER
            elif nxt in _PETS and obj in {"my", "our", "the"}:
                subject = SELF
            elif nxt in _VICTIM_OTHER and obj in {"my", "our", "his", "her"}:
                subject = OTHER
            elif obj == "her" and verb not in {"hurt"}:
                subject = OTHER
        elif obj in {"him", "her", "them"}:
            subject = OTHER
        elif obj in _CHILD_TOKENS:
            subject = CHILD
        if subject is None:
            continue
        if subject != CHILD and _CHILD_ALSO.match(" ".join(tok.text for tok in tokens[j + 1 : j + 8])):
            subject = CHILD  # "he kicked the dog and then my son"
        her_is_object = obj == "her" and not (
            nxt in _BODY or nxt in _CHILD_TOKENS or nxt in _VICTIM_OTHER or nxt in _PETS
        )
        possessive = obj in {"my", "our", "his", "her", "their", "the", "a"} and not her_is_object
        after_obj = nxt2 if possessive else nxt
        # verb-specific exclusions
        if verb == "hurt":
            continue  # handled by the threat/fear rules: "hurt me" is often emotional
        if verb == "spank" and subject != CHILD:
            continue
        after_at = j + 2 if possessive else j + 1
        ahead = {tok.text for tok in tokens[after_at + 1 : after_at + 5]}
        if verb == "beat" and after_obj in {"at", "by"}:
            continue  # "she beat me at chess"
        if verb == "beat" and after_obj == "to" and not ahead & _BEATEN_TO:
            continue  # "she beat me to the punch", "he beat me to it"; not "to a pulp"
        if verb == "beat" and after_obj == "in" and not ahead & (_BODY | {"front"}):
            continue  # "he beat me in the argument"; not "in the face"
        if verb in {"hit", "strike", "smack", "whack"} and obj in {"me", "us"}:
            if after_obj == "up" or (after_obj == "with" and (not ahead or ahead & _NOT_A_WEAPON)):
                continue  # "she hit me up", "he hit me with the news"; not "with a frying pan"
            if after_obj == "like" and _IDIOM_AFTER_HIT.match(t.text[tokens[after_at].idx :]):
                continue  # "it hit me like a ton of bricks"
        if verb == "push" and (
            (after_obj in _PUSH_DROP_NEXT and not (after_obj == "out" and ahead & _PLACES))
            or (
                after_obj in {"to", "into", "towards", "toward"}
                and nxt2 not in {"the", "a", "an", "floor", "ground", "wall", "door", "stairs"}
            )
            or (
                after_obj == "over" and nxt2 == "the" and j + 3 < n and tokens[j + 3].text == "edge"
            )
        ):
            continue
        if verb == "kick" and after_obj == "out":
            continue
        if verb in {"smother", "suffocate"} and after_obj == "with" and not ahead & _SMOTHER_WITH:
            continue  # "she smothers me with questions"; not "with a pillow"
        if verb == "grab" and (
            after_obj
            in {
                "a",
                "an",
                "some",
                "lunch",
                "dinner",
                "coffee",
                "food",
                "drinks",
                "something",
                "hand",
                "hands",
            }
            or nxt in {"hand", "hands"}
        ):
            continue
        if verb == "throw" and after_obj in {"a", "an", "some", "under", "off"}:
            continue
        if verb == "shake" and after_obj in {"up", "off"} and subject != CHILD:
            continue
        if verb == "choke" and after_obj in {"up", "on"}:
            continue
        if verb == "strike" and after_obj in {"as", "like", "that"}:
            continue
        if verb == "knock" and after_obj in {"up"}:
            continue
        if verb == "trip" and after_obj in {"up"}:
            continue
        need = _NEEDS_PARTICLE.get(verb)
        if need and after_obj not in need:
            continue
        start = tokens[i].idx
        prefix = t.before(start, start + 1)
        if _figurative_agent(prefix):
            continue
        if obj in {"his", "her", "their"} and _own_body(prefix, obj, nxt):
            continue  # "he smacked his lips", "she hit her head on the cupboard"
        writer = _writer_is_agent(prefix)
        if writer and obj in {"my", "our"} and nxt in _BODY:
            if verb in {
                "hit",
                "punch",
                "scratch",
                "bite",
                "slap",
                "smack",
                "strike",
            } and not _negated(prefix, t.after(start, start + 1)):
                out.append((CRISIS, SELF, start))  # "I punched my thighs": self-harm
            continue
        if (
            writer
            and verb in {"grab", "shake", "pin", "drag", "push"}
            and subject == OTHER
            and after_obj
            not in {
                "down",
                "against",
                "into",
                "onto",
                "over",
                "off",
                "by",
                "across",
                "to",
                "so",
                "hard",
                "out",
            }
        ):
            continue  # "I grabbed her and hugged her": too ambiguous from the writer
        if re.search(
            r"\b(?:would|will|could|might|going to|gonna)\s+(?:\w+\s+)?$", prefix
        ) and re.search(r"\b(?:i|i'd|i'll|we)\b", prefix[-20:]):
            continue  # "I could slap him" (anger, not an act)
        if subject == SELF:
            subject = _victim_from_context(prefix)
        if _nearest_subject(prefix, default="") == CHILD and (
            subject == CHILD or {nxt, nxt2} & _PEERS
        ):
            continue  # "my son punched a kid at school", "she hit her brother": children fighting
        suffix = t.after(start, start + 1)
        if _negated(prefix, suffix):
            continue
        out.append((ABUSE, subject, start))
    return out


def _own_body(prefix: str, possessive: str, noun: str) -> bool:
    """Is 'his/her <body part>' the agent's own body ("he smacked his lips")?"""
    if noun not in _BODY:
        return False
    return _own_possession(prefix, possessive)


def _own_possession(prefix: str, possessive: str) -> bool:
    """Does 'his/her' refer to the agent ("she hid her phone": her own phone)?"""
    tokens = _tokens(prefix)
    for k in range(len(tokens) - 1, -1, -1):
        w = tokens[k]
        if w in _AGENT_SKIP:
            continue
        if possessive == "his":
            return w in {"he", "he's"} or w in _MALE
        if possessive == "her":
            return w in {"she", "she's"} or w in _FEMALE
        return w in {"they", "they're"}
    return False


def _fallback_tokens(text: str) -> list[_Tok]:
    toks = []
    for m in re.finditer(r"[a-z0-9]+(?:'[a-z]+)?|[,&]", text):
        w = m.group(0)
        toks.append(_Tok(w, _FORM_TO_VERB.get(w, w), m.start()))
    return toks


# --------------------------------------------------------------------------- spaCy


@lru_cache(maxsize=1)
def _spacy():
    """(nlp, lemmatizer, matcher) from the project's pipeline, or None if unavailable."""
    try:
        from spacy.matcher import Matcher

        from bot.nlp import load

        nlp = load()
        lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        matcher = Matcher(nlp.vocab)
        all_forms = sorted(_FORM_TO_VERB)
        matcher.add(
            "VIOLENCE",
            [
                [{"LEMMA": {"IN": sorted(_VIOLENCE_FORMS)}}],
                [{"LOWER": {"IN": all_forms}}],
            ],
        )
        return nlp, lemmatizer, matcher
    except Exception:  # noqa: BLE001 - the regex layer still runs without spaCy
        return None


def warm_up() -> bool:
    """Load the spaCy pipeline now (first call takes a few seconds). True if available."""
    ok = _spacy() is not None
    assess("warm up")
    return ok


_LONG_RUN = re.compile(r"\S{40,}")


def _spacy_tokens(text: str) -> tuple[list[_Tok], list[int]] | None:
    loaded = _spacy()
    if loaded is None:
        return None
    nlp, lemmatizer, matcher = loaded
    tokens: list[_Tok] = []
    starts: list[int] = []
    # Runs of 40+ non-space characters hold no violence verb and make the spaCy tokenizer
    # slow (it peels punctuation off one character at a time): blank them, keeping offsets.
    text = _LONG_RUN.sub(lambda m: " " * len(m.group(0)), text)
    for offset in range(0, len(text), _SPACY_CHUNK):
        chunk = text[offset : offset + _SPACY_CHUNK]
        doc = nlp.make_doc(chunk)
        if lemmatizer is not None:
            doc = lemmatizer(doc)
        base = len(tokens)
        tokens.extend(_Tok(tok.text, tok.lemma_ or tok.text, tok.idx + offset) for tok in doc)
        starts.extend(base + s for _, s, _ in matcher(doc))
    return tokens, sorted(set(starts))


# --------------------------------------------------------------------------- engine


def _subject_for(rule: _Rule, m: re.Match, t: _Text) -> str | None:
    prefix = t.before(m.start(), m.end())
    groups = m.groupdict()
    mode = rule.subject
    if mode in {SELF, OTHER, CHILD}:
        if mode == SELF and rule.level == ABUSE:
            return _victim_from_context(prefix)
        return mode
    if mode == "refl":
        refl = groups.get("refl") or "myself"
        who = _refl_subject(refl)
        ctx = t.context(m.start(), m.end())
        if who == OTHER and _nearest_subject(prefix, default=OTHER, context=ctx) == CHILD:
            return CHILD
        return who
    if mode == "agent":
        ctx = t.context(m.start(), m.end())
        if rule.level == CRISIS and re.match(
            r"\s*(?:on |to |against |at |with )?myself\b", t.text[m.end() : m.end() + 20]
        ):
            return SELF  # "thinking about using it on myself", whoever owns the gun
        obj = groups.get("obj")
        if obj:
            if obj in {"me", "us"}:
                return SELF
            return _nearest_subject(prefix + " " + obj, context=ctx)
        return _nearest_subject(prefix, context=ctx)
    if mode == "threat":
        return _threat_extra(m, t)
    if mode == "passive":
        subj = groups.get("subj") or "i"
        if subj in {"i", "we"}:
            return _victim_from_context(prefix)
        return _who_phrase(subj) or OTHER
    if mode == "fear":
        # who is afraid: the nearest person word before the hit
        for key in ("obj2", "obj3"):
            if groups.get(key):
                who = _who_phrase(groups[key])
                return who if who != SELF else _victim_from_context(prefix)
        who = _nearest_subject(prefix, context=t.context(m.start(), m.end()))
        if who == SELF:
            return _victim_from_context(prefix)
        return who
    if mode == "victim":
        return _victim_from_context(prefix)
    if mode == "obj":
        obj = None
        for key, value in groups.items():
            if key.startswith(("obj", "poss")) and value:
                obj = value
                break
        if obj is None:
            return _victim_from_context(prefix)
        who = _who_phrase(obj)
        if who == SELF and obj in {"my", "our"}:
            return _victim_from_context(prefix)
        if obj in {"i", "we", "me", "us"}:
            return _victim_from_context(prefix)
        return who or SELF
    return SELF


def _apply(rule: _Rule, m: re.Match, t: _Text) -> tuple[str, str, str] | None:
    """(level, subject, reason) of one regex hit, or None when its checks rule it out."""
    prefix = t.before(m.start(), m.end())
    suffix = t.after(m.start(), m.end())
    if rule.not_after is not None and rule.not_after.search(t.text[m.end() : m.end() + 60]):
        return None
    if rule.not_before is not None and rule.not_before.search(prefix):
        return None
    if rule.negatable and _negated(prefix, suffix):
        return None
    if rule.writer_agent_drops and _writer_is_agent(prefix):
        return None
    if rule.figurative_drops and _figurative_agent(prefix):
        return None
    level = rule.level
    subject = None
    if rule.extra is not None:
        decided = rule.extra(m, t)
        if decided is None:
            return None
        if decided:
            subject = decided
    if subject is None:
        subject = _subject_for(rule, m, t)
    if subject is None:
        return None
    if rule.agent_other_is_abuse and level == CRISIS:
        # "he held a gun to my head", "he said he'd slit my throat": a threat against the
        # writer, not self-harm
        writers_body = any(m.groupdict().get(g) == "my" for g in ("poss", "poss2", "poss3"))
        if (writers_body and subject != SELF) or re.search(
            r"\b(?:he|she|they)\s+(?:put|held|pointed|pressed|had)\s", m.group(0)
        ):
            return ABUSE, _victim_from_context(prefix), "threat"
    return level, subject, rule.reason


def _scan(text: str) -> list[tuple[str, str, str]]:
    t = _Text(text)
    hits: list[tuple[str, str, str]] = []
    for rule in _CRISIS_RULES + _ABUSE_RULES:
        try:
            for m in rule.pattern.finditer(text):
                res = _apply(rule, m, t)
                if res is not None:
                    hits.append(res)
                    if _RANK.get(res[:2], 9) == 0:
                        return hits  # nothing outranks crisis/self
        except Exception:  # noqa: BLE001 - one faulty rule must not silence the others
            continue
    try:
        spacy_out = _spacy_tokens(text) if len(text) <= _MAX_CHARS else None
    except Exception:  # noqa: BLE001 - fall back to the plain token matcher
        spacy_out = None
    if spacy_out is not None:
        tokens, starts = spacy_out
    else:
        tokens = _fallback_tokens(text)
        starts = [i for i, tok in enumerate(tokens) if tok.text in _FORM_TO_VERB]
    try:
        for level, subject, _ in _violence_hits(tokens, starts, t):
            hits.append((level, subject, "self_harm" if level == CRISIS else "physical_violence"))
    except Exception:  # noqa: BLE001
        pass
    return hits


def _best(hits: list[tuple[str, str, str]]) -> Assessment | None:
    if not hits:
        return None
    level, subject, reason = min(hits, key=lambda h: _RANK.get((h[0], h[1]), 9))
    if (level, subject) not in _RANK:
        return None
    return Assessment(level=level, subject=subject, reason=reason)


def assess(text: str) -> Assessment | None:
    """Check one user message. Never raises; returns None when nothing fired."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _assess(text)


# The Rasa server checks each message twice (the channel's session-opening flag, then
# NLU's SafetyGuard): the verdict on a recent message is kept, not worked out again.
@lru_cache(maxsize=128)
def _assess(text: str) -> Assessment | None:
    try:
        if not text.strip():
            return None
        norm = _normalize(text)
        if len(norm) > _MAX_CHARS:
            hits: list[tuple[str, str, str]] = []
            for offset in range(0, len(norm), _MAX_CHARS):
                hits.extend(_scan(norm[max(0, offset - 200) : offset + _MAX_CHARS]))
            return _best(hits)
        return _best(_scan(norm))
    except Exception:  # noqa: BLE001 - a safety check must never break the conversation
        try:
            return _best(_scan_crisis_only(str(text).lower()))
        except Exception:  # noqa: BLE001
            return None


def _scan_crisis_only(text: str) -> list[tuple[str, str, str]]:
    """Last-resort check used only if the full scan raised: plain keyword regexes."""
    hits = []
    if re.search(_SUICIDE + r"|\bkill (?:my ?self)\b|\bwant to die\b|\bend my life\b", text):
        hits.append((CRISIS, SELF, "suicidal_ideation"))
    if re.search(r"\b(?:hits|hit|beats|choked|strangled|raped|threatened) (?:me|us)\b", text):
        hits.append((ABUSE, SELF, "physical_violence"))
    return hits


# -- the NLU layer's veto ------------------------------------------------------------------

_RISK_WORDS = re.compile(
    r"\b(?:kill\w*|die|dying|dead|death|suicid\w*|unalive|hurt\w*|harm\w*|violen\w*|hit|hits|"
    r"hitting|punch\w*|slap\w*|chok\w*|push\w*|shov\w*|kick\w*|strangl\w*|abus\w*|threat\w*|"
    r"scared|afraid|fear\w*|terrifi\w*|control\w*|track\w*|monitor\w*|check\w*|forc\w*|"
    r"stop (?:me|texting|seeing|talking)|won'?t let|end (?:it|my life|things))\b"
)


def judged(text: str) -> bool:
    """True when the text holds words this check knows how to read (and so its verdict,
    firing or not, should stand over a statistical guess): "I'm not suicidal" has been
    read and ruled out, "I swallowed everything in the cabinet" has not been read at all.
    """
    return bool(_RISK_WORDS.search(text.lower())) if isinstance(text, str) else False
