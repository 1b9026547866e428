"""Who did it? A deterministic reading of "I cheated on her" vs "she cheated on me".

Bag-of-words features and sentence embeddings both see nearly the same words
in those two sentences, so the classifier alone confuses ``i_broke_trust`` and
``i_was_betrayed``. The subject nearest before the breach verb settles it.
"""

from __future__ import annotations

import re

_PARTNER = (
    r"(?:my|our)\s+(?:ex[- ]?)?(?:husband|wife|partner|boyfriend|girlfriend|bf|gf|fiance|fiancee|"
    r"fiancé|fiancée|spouse|hubby|man|woman|significant other|so)"
)
_THIRD = rf"(?:he|she|they|he's|she's|they've|he'd|she'd|{_PARTNER})"
_FIRST = r"(?:i|i'm|im|i've|ive|i'd|id)"
_BREACH = (
    r"(?:cheat\w*|lied|lie|lies|lying|hid|hide|hiding|hidden|betray\w*|slept with|sleeping with|"
    r"(?:had|having|have) (?:an|the|this|that) affair|an affair|unfaithful|deceiv\w*|gambl\w*|broke\b|broken|"
    r"kept (?:it|this|that|things|secrets?)|sext\w*|relapsed|went behind)"
)
_SUBJECT_THEN_VERB = re.compile(
    rf"\b(?P<subject>{_FIRST}|{_THIRD})\b(?P<gap>(?:\s+[\w']+){{0,5}}?)\s+{_BREACH}"
)
_DONE_TO_ME = re.compile(
    rf"{_BREACH}\s+(?:on|to|from|with)\s+me\b|\bbetrayed me\b|\bcheated on me\b"
    # passive: "I was betrayed", "I feel so lied to"
    r"|\b(?:i|i'm|im|i've|ive)\s+(?:was|were|am|feel|felt|been|have been|got|get|being)\s+"
    r"(?:so\s+|really\s+|completely\s+)?(?:cheated on|betrayed|lied to|deceived|used|played)\b"
)


def speaker_role(text: str) -> str | None:
    """'offender' if the writer did it, 'betrayed' if it was done to them, None if unclear."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    if _DONE_TO_ME.search(lowered):
        return "betrayed"
    match = _SUBJECT_THEN_VERB.search(lowered)
    if match is None:
        return None
    # "I found out my husband cheated": the subject nearest the verb is the doer.
    nearest = re.findall(rf"\b(?:{_FIRST}|{_THIRD})\b", match.group(0))
    doer = nearest[-1] if nearest else match.group("subject")
    return "offender" if re.fullmatch(_FIRST, doer) else "betrayed"
