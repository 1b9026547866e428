"""The small pattern language of ``data/safety/rules.yml``, compiled to regular expressions.

A pattern is words in order, as they appear in a normalised message:

=================  ===========================================================
``want to die``    these words, in this order (a comma may sit between words)
``suicid*``        a word starting with "suicid"
``{fear}``         any entry of the named word list (``data/words/*.yml``)
``(a b | c)``      one of the alternatives, each a pattern itself
``x?`` ``(…)?``    optional word, list or group
``~3``             up to three other words (never across a sentence end)
``#``              a number ("took # {pills}": "took 20 paracetamol")
``*ing``           a word ending in "ing"
``'s``             "'s" right after the word before ("{child}'s")
``$``              the end of the clause (a full stop, a comma, "and", "but" ...)
=================  ===========================================================

A name in braces can also be a phrase defined in the ``phrases:`` section of rules.yml
(``{child_phrase}``: "my 6 year old", "our little girl"), itself written in this language.
A list or phrase in braces is captured under its own name, so the engine can see which
person a rule matched ("{reflexive_other}" -> "himself"); the first use of a name is
captured. Patterns are compiled once and checked for mistakes when the rules load.
"""

from __future__ import annotations

import re
from functools import cache

from bot import words
from bot.safety.text import basic

_TOKEN = re.compile(r"\(|\)\??|\||~\d+|\{[a-z_]+\}\??|[^\s()|{}~]+")
_SEP = r",?\s+"
_END = r"(?=\s*(?:$|[.!?,;:\n)]|(?:and|but|or|so|lol|though|because)\b))"
PHRASES: dict[str, str] = {}  # filled from rules.yml before any pattern is compiled
_GAP_WORD = r"[^\s.!?;]+"


class PatternError(ValueError):
    pass


@cache
def _all_lists() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(words.WORDS_DIR.glob("*.yml")):
        for name, entries in words.load(path.stem).items():
            if name in found:
                raise PatternError(f"word list {name!r} is defined twice in data/words/")
            found[name] = entries
    return found


def list_names() -> frozenset[str]:
    return frozenset(_all_lists())


def _word_parts(entry: str) -> tuple[str, str, str]:
    """(head, body, tail) of one word or phrase: the body with its word boundaries."""
    entry = basic(entry).strip()
    star = entry.endswith("*")
    entry = entry.rstrip("*")
    body = r"\s+".join(re.escape(part) for part in entry.split())
    head = r"(?<![\w'])" if entry[:1].isalnum() else ""
    # "'s" may follow a word ("my son's"), other endings may not ("he" is not "he'll").
    tail = r"\w*" if star else (r"(?!\w|'(?!s\b))" if entry[-1:].isalnum() else "")
    return head, body, tail


def word_regex(entry: str) -> str:
    """One word or phrase of a list or pattern, with word boundaries."""
    return "".join(_word_parts(entry))


@cache
def list_regex(name: str) -> str:
    """The entries longest first; neighbours with the same boundaries share them.

    ``B(?:a|b)E`` tries a then b, each followed by E, exactly as ``BaE|BbE`` does, but is a
    quarter of the size: compiling the rules was most of the Rasa server's start (~9 s of
    ~27 s, py-spy), in proportion to the regex text.
    """
    entries = _all_lists().get(name)
    if entries is None:
        raise PatternError(f"no word list {name!r} in data/words/")
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))
    runs: list[tuple[str, list[str], str]] = []
    for head, body, tail in map(_word_parts, ordered):
        if runs and (runs[-1][0], runs[-1][2]) == (head, tail):
            runs[-1][1].append(body)
        else:
            runs.append((head, [body], tail))
    return "(?:" + "|".join(
        head + (bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")") + tail
        for head, bodies, tail in runs) + ")"


class _Compiler:
    def __init__(self, source: str, captured: set[str] | None = None) -> None:
        self.source = source
        self.tokens = _TOKEN.findall(source)
        self.pos = 0
        # Inside a phrase nothing is captured: the phrase itself is.
        self.captured: set[str] = captured if captured is not None else set()

    def fail(self, why: str) -> PatternError:
        return PatternError(f"pattern {self.source!r}: {why}")

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def alternatives(self, lead: bool = False) -> str:
        """``lead``: something comes before, so each alternative starts with a separator."""
        options = [self.sequence(lead)]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence(lead))
        return "|".join(options)

    def sequence(self, lead: bool) -> str:
        out, started, solid = "", lead, False
        while self.peek() not in (None, "|") and not (self.peek() or "").startswith(")"):
            regex, optional, glued = self.item(started)
            if glued:
                piece = regex  # carries its own separator, or needs none ("'s", "$")
            elif started:
                piece = _SEP + regex
            else:
                piece = regex + _SEP if optional else regex
            out += f"(?:{piece})?" if optional else piece
            solid = solid or not optional
            started = started or not optional
        if not out:
            raise self.fail("empty alternative")
        if not solid and not lead:
            raise self.fail("everything in a sequence is optional")
        return out

    def item(self, started: bool) -> tuple[str, bool, bool]:
        """(regex, optional, glued): a glued item brings its own separator."""
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "(":
            inner = self.alternatives(lead=started)
            close = self.peek()
            if close is None or not close.startswith(")"):
                raise self.fail("a '(' is not closed")
            self.pos += 1
            return f"(?:{inner})", close.endswith("?"), started
        if token.startswith("~"):
            return f"{_GAP_WORD}(?:{_SEP}{_GAP_WORD}){{0,{int(token[1:]) - 1}}}", True, False
        if token.startswith("{"):
            optional = token.endswith("?")
            name = token.strip("{}?")
            if name in PHRASES:
                phrase = _Compiler(PHRASES[name], captured={"*"})
                regex = "(?:" + phrase.alternatives() + ")"
                if phrase.peek() is not None:
                    raise self.fail(f"phrase {name!r}: unexpected {phrase.peek()!r}")
            else:
                regex = list_regex(name)
            if name not in self.captured and "*" not in self.captured:
                self.captured.add(name)
                regex = f"(?P<{name}>{regex})"
            return regex, optional, False
        if token.startswith(")") or token == "|":
            raise self.fail(f"unexpected {token!r}")
        optional = token.endswith("?") and len(token) > 1
        word = token[:-1] if optional else token
        if word == "$":
            return _END, optional, True
        if word == "'s":
            return "'s", optional, True
        if word == "#":
            return r"(?<![\w'])\d+(?![\w'])", optional, False
        if word.startswith("*") and word[1:].isalpha():
            return rf"(?<![\w'])\w+{word[1:]}(?![\w'])", optional, False
        if not re.fullmatch(r"[\w'/*]+|[^\w\s]", word):
            raise self.fail(f"{word!r} is not a word (write alternatives out: '(fight | fights)')")
        return word_regex(word), optional, False


@cache
def pattern_regex(source: str) -> str:
    """The regular expression of one pattern, checked for mistakes in the pattern language."""
    compiler = _Compiler(source)
    regex = compiler.alternatives()
    if compiler.peek() is not None:
        raise compiler.fail(f"unexpected {compiler.peek()!r}")
    return regex


@cache
def compile_pattern(source: str) -> re.Pattern:
    return re.compile(pattern_regex(source))


def compile_any(sources: list[str] | tuple[str, ...], around: str = "(?:{})") -> re.Pattern | None:
    """Several patterns as one regex (for exclusions), set in ``around``; None when there are none.

    Compiled once, as a whole: compiling each pattern first as well made the rules' start
    twice as slow. A pattern the regex engine rejects is named only when the whole fails.
    """
    if not sources:
        return None
    joined = "|".join(f"(?:{_strip_names(pattern_regex(s))})" for s in sources)
    try:
        return re.compile(around.replace("{}", joined))
    except re.error:
        for source in sources:
            compile_pattern(source)  # names the faulty one
        raise


def _strip_names(regex: str) -> str:
    return re.sub(r"\(\?P<[a-z_]+>", "(?:", regex)
