"""Reading a message the way a person wrote it: sentences, negation, questions, quotes.

Small deterministic helpers used by ``components/reader.py`` (which adds the statistical
part: per-sentence intents, the breach type by meaning, answers and steps by similarity).

- :func:`sentences` splits a long message into sentences (punctuation and line breaks; a
  run-on chat message with no punctuation stays one sentence).
- :func:`negated` tells whether a breach phrase is denied where it stands: "he didn't cheat",
  "it was never an affair", "I never lied about money" -- but not "I can't stop drinking",
  "he didn't just cheat" or "I'm not the one who cheated" (who did it is the role cue's business).
- :func:`is_yes_no` tells a yes/no or "is it normal" question from an open one.
- :func:`without_quotes` drops what the writer quotes others as saying.
"""

from __future__ import annotations

import re

from bot.words import words

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_ABBREVIATIONS = re.compile(r"\b(?:mr|mrs|ms|dr|st|vs|etc|e\.g|i\.e|approx)\.$", re.IGNORECASE)

# After a negation these words mean the breach still happened: "didn't mean to cheat",
# "can't stop drinking", "didn't just cheat", "not the one who lied".
_STILL_HAPPENED = frozenset({
    "mean", "meant", "want", "wanted", "intend", "intended", "plan", "planned", "stop", "stopped",
    "quit", "help", "explain", "understand", "realize", "realise", "know", "knew",
    "just", "only", "forgive", "forget", "care", "remember", "blame", "one", "sure", "trust", "admit",
    "deny", "tell", "told", "say", "see", "find", "notice", "expect", "imagine", "why", "how", "control",
    "hide", "handle", "cope", "sleep", "get", "move", "let", "matter", "even",
})
# "she thinks I relapsed", "he swears he isn't drinking": a claim, not what happened.
_CLAIMED = frozenset({
    "thinks", "think", "thought", "believes", "believe", "believed", "suspects", "suspected", "assumes",
    "assumed", "accuses", "accused", "swears", "swore", "claims", "claimed", "insists", "insisted",
    "pretends", "pretended", "convinced",
})
_DISMISSED_AFTER = re.compile(
    r"^[^.!?]{0,40}?\b(?:that's|thats|that is|it's|its|it is|that was|it was|which is)\s+not\s+the\s+"
    r"(?:issue|problem|point|thing)|^[^.!?]{0,40}?\bisn't\s+the\s+(?:issue|problem|point)")
_BROKEN_PROMISE = re.compile(
    r"\b(?:promis\w*|swore|swears|said (?:he|she|they)'d|gave (?:me )?(?:his|her) word)\b[^.!?]{0,120}?"
    r"\b(?:but|and|then|yet|now)\b[^.!?]{0,50}?\b(?:never|didn't|didnt|doesn't|doesnt|hasn't|hasnt|won't|wont|"
    r"still (?:hasn't|hasnt|doesn't|doesnt)|keeps? (?:putting|pushing) it off|not once|now says)")
_NEGATIONS = (words("negations", "negation") - {"without", "nor", "neither"}) | {"nobody", "none"}
_CLAUSE_BREAK = frozenset({",", ";", ".", "!", "?", "but", "and", "because", "so", "though", "although"})
_TOKEN = re.compile(r"[\w']+|[,;.!?]")

_YES_NO_START = re.compile(
    r"^(?:so |and |but |ok |okay |well |honestly |seriously |please |sorry |hey |also |like )*"
    r"(?:am|is|are|was|were|do|does|did|will|would|can|could|should|shall|have|has|had|may|might|must|"
    r"isn't|isnt|aren't|arent|wasn't|wasnt|won't|wont|don't|dont|doesn't|doesnt|didn't|didnt|can't|cant|"
    r"shouldn't|shouldnt|wouldn't|wouldnt|haven't|havent|am i|is it)\b")
_YES_NO_INSIDE = re.compile(
    r"\b(?:is (?:it|this|that) (?:normal|ok|okay|wrong|bad|fair|crazy|weird|common|natural|healthy|possible|"
    r"too late|too soon|my fault|worth)|"
    r"am i (?:wrong|crazy|overreacting|stupid|weak|a fool|being|the|to blame|"
    r"allowed|normal)|is that normal|is this normal|normal to|was it my fault|my fault\?|will (?:he|she|they|"
    r"it|i|we) ever|should i (?:stay|leave|forgive|trust|be)|do i have to|can (?:i|we|trust|it|a marriage))")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start:match.start()].rstrip()
        if _ABBREVIATIONS.search(piece):
            continue
        if piece.strip():
            spans.append((start + len(text[start:]) - len(text[start:].lstrip()), match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start + len(text[start:]) - len(text[start:].lstrip()), len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def negated(text: str, start: int, end: int) -> bool:
    """Whether the phrase at ``text[start:end]`` is denied where it stands: by a negation just
    before it ("he didn't cheat", "nobody lied"), as a mere claim ("she thinks I relapsed"), or
    dismissed right after ("he's been sober for years, that's not the issue")."""
    if _DISMISSED_AFTER.search(text[end:].lower()):
        return True
    before = _TOKEN.findall(text[:start].lower())[-5:]
    for i in range(len(before) - 1, -1, -1):
        token = before[i]
        if token in _CLAUSE_BREAK:
            return False
        if token in _CLAIMED:
            return True
        if token in _STILL_HAPPENED:
            return False
        if token in _NEGATIONS or token.endswith("n't") or token == "no":
            # "he swears he isn't drinking": the denial is itself only a claim.
            return not any(t in _CLAIMED for t in before[:i])
    return False


def broken_promise(text: str) -> bool:
    """"he promised we'd try this year and now says maybe next year": a promise not kept."""
    return bool(_BROKEN_PROMISE.search(text.lower().replace("’", "'")))


def is_yes_no(text: str) -> bool:
    """"am I wrong to still be angry?", "is it normal to ...", "will she ever trust me again?"."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    if not lowered:
        return False
    if _YES_NO_INSIDE.search(lowered):
        return True
    return bool(_YES_NO_START.match(lowered))


_TRAILING_QUESTION = re.compile(
    r"^(?:so |and |ok |well )*(?:how|why|should|can|could|would|will|is|are|do|does|did|am|"
    r"any (?:tips|advice|idea))\b"
    r"|^(?:so |and |ok |well )*(?:what|where|when)\s+(?:do|does|did|should|can|could|would|will|"
    r"is|are|was|were|am|have|has)\b")
_OPEN_QUESTION = re.compile(r"^(?:so |and |but |ok |well )*"
                            r"(?:how|what|why|when|where|which|who|any (?:tips|advice|idea))\b")


def is_question(text: str) -> bool:
    """A question anywhere in it: "he never apologised, how do I ask for one" is one too."""
    lowered = text.strip().lower()
    if "?" in lowered or is_yes_no(lowered) or _OPEN_QUESTION.match(lowered):
        return True
    # A question trailing a statement: "he never apologised, how do I ask for one". Only the
    # last clause, and only in question order ("which is knowing where he is" is no question).
    clauses = [c.strip() for c in re.split(r"[,;.!]| but ", lowered) if c.strip()]
    return bool(clauses) and bool(_TRAILING_QUESTION.match(clauses[-1]))


def without_quotes(text: str) -> str:
    """The text with quoted speech blanked out (same length, so offsets still hold)."""
    return re.sub(r"[\"“”][^\"“”]{0,300}[\"“”]", lambda m: " " * len(m.group()), text)
