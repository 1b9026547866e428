"""The reply catalogue (data/replies.yml) holds every sentence, button title and label.

The checks read the code and the data themselves rather than lists kept here: every reply name
the code can say is in the catalogue and every reply there is said (f-string names expanded over
the values the code itself draws them from); no sentence or button title is left in the code, nor
a copy of the catalogue's labels in the web page; the payloads carry the labels; and every topic
has its card, its NLU examples, its registry line, its label, its intent and its rule.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from actions.conversation import RULE_REPLIES
from actions.safety import LEVEL_OF_INTENT
from bot import answers, cards, texts
from bot.checkin_coach import UNITS
from bot.checkins import SIGNS
from bot.lexicon import BREACH_TYPES, PLAN_STEPS, ROLES
from bot.topics import CARD_ROLES, TOPICS

ROOT = Path(__file__).resolve().parent.parent
CODE = ("bot", "actions", "components")


def python_files() -> Iterator[Path]:
    for folder in CODE:
        yield from sorted((ROOT / folder).rglob("*.py"))


def returned_strings(path: str, function: str) -> tuple[str, ...]:
    """The string constants a function returns: the values a name is built from."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    return tuple(c.value for r in ast.walk(found) if isinstance(r, ast.Return) and r.value is not None
                 for c in ast.walk(r.value) if isinstance(c, ast.Constant) and isinstance(c.value, str))


# What each placeholder of an f-string reply name stands for, from the code's own data.
STEPS = tuple(PLAN_STEPS)
DOMAINS: dict[str, tuple[str, ...]] = {
    "role": tuple(ROLES),
    "person.role": tuple(ROLES),
    "role or 'unknown'": (*ROLES, "unknown"),
    "person.role or 'betrayed'": tuple(ROLES),
    "step": STEPS,
    "current": STEPS,
    "sign": tuple(SIGNS),
    "side": (*ROLES, "any"),
    "level": tuple(LEVEL_OF_INTENT.values()),
    "unusable": returned_strings("bot/input_check.py", "problem"),
    "problem": returned_strings("bot/input_check.py", "problem"),
    "change.direction": returned_strings("bot/checkins.py", "direction"),
    "unit": tuple(unit for unit, _ in UNITS),
}
# Arguments that are not read from the code here: a reply looked up by the name in ``last_reply``
# or in a message's ``utter_action`` (said before, so checked where it was said), and the reply a
# rule says (checked from RULE_REPLIES, the action's own map).
LOOKED_UP = {
    ("bot/coach.py", "rest"),
    ("bot/channels/telegram_render.py", "str(message.get('utter_action') or '')"),
    ("actions/conversation.py", "name"),
}
# The functions that say or name a reply by their first argument.
SAYS = frozenset({"say", "text", "render", "plain", "private"})


class Unresolved(Exception):
    pass


def called(func: ast.AST) -> str:
    """The name of what a call calls: ``f`` of ``f(...)``, ``m`` of ``x.m(...)``."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def names_of(node: ast.AST, scope: ast.AST) -> set[str]:
    """Every value a reply-name expression can take."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        parts: list[tuple[str, ...]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append((str(value.value),))
            else:
                source = ast.unparse(value.value)  # type: ignore[attr-defined]
                if source not in DOMAINS:
                    raise Unresolved(f"no values known for {{{source}}}: add them to DOMAINS from the code")
                parts.append(DOMAINS[source])
        return {"".join(p) for p in itertools.product(*parts)}
    if isinstance(node, ast.IfExp):
        return names_of(node.body, scope) | names_of(node.orelse, scope)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return {a + b for a in names_of(node.left, scope) for b in names_of(node.right, scope)}
    if isinstance(node, ast.Dict):
        return set().union(*(names_of(v, scope) for v in node.values))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and isinstance(node.func.value, ast.Dict):
        return names_of(node.func.value, scope) | set().union(*(names_of(a, scope) for a in node.args[1:]))
    if isinstance(node, ast.Name) and node.id in DOMAINS:
        return set(DOMAINS[node.id])
    if isinstance(node, ast.Name):
        assigned = [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                    for t in a.targets if isinstance(t, ast.Name) and t.id == node.id]
        if assigned:
            return set().union(*(names_of(v, scope) for v in assigned))
    raise Unresolved(f"cannot tell which replies {ast.unparse(node)!r} names")


def reply_sites() -> Iterator[tuple[str, int, str, ast.AST, ast.AST]]:
    """(file, line, kind, name expression, enclosing function or module) for every reply named."""
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ("bot/texts.py", "bot/replies.py"):  # where a name is a parameter, not a reply
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scope_of: dict[int, ast.AST] = {}
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for scope in [tree, *functions]:
            for node in ast.walk(scope):
                scope_of[id(node)] = scope  # functions come after the module: the innermost wins
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            scope = scope_of[id(call)]
            func = call.func
            name = called(func)
            receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            if name == "title" and call.args:
                yield rel, call.lineno, "title", call.args[0], scope
            elif name in SAYS and call.args and (receiver in ("", "texts") or name == "say"):
                if name == "say" and receiver == "self" and rel in ("bot/launcher.py", "bot/cluster.py"):
                    continue  # the launcher's say() prints to the terminal of whoever runs it
                yield rel, call.lineno, "reply", call.args[0], scope
            elif name == "send":
                for keyword in call.keywords:
                    if keyword.arg == "response" and not (isinstance(keyword.value, ast.Constant)
                                                          and keyword.value.value is None):
                        yield rel, call.lineno, "reply", keyword.value, scope


def said_names() -> tuple[set[str], set[str]]:
    replies, titles = set(RULE_REPLIES.values()), set()
    problems = []
    for rel, line, kind, node, scope in reply_sites():
        if (rel, ast.unparse(node)) in LOOKED_UP:
            continue
        try:
            (titles if kind == "title" else replies).update(names_of(node, scope))
        except Unresolved as why:
            problems.append(f"{rel}:{line}: {why}")
    assert not problems, "\n".join(problems)
    return replies, titles


def test_every_reply_name_the_code_can_say_is_in_the_catalogue():
    replies, titles = said_names()
    # The f-string names were expanded: one per role, step, sign, ...
    assert {"ack_betrayed", "role_corrected_offender", "checkin_q_hope_any", "input_too_long",
            "done_when_boundaries_offender", "help_someone_else_abuse_child", "checkin_change_same",
            "utter_greet", "direct_answer", "safety_call_child", "telegram_sorry"} <= replies
    assert len(replies) > 120
    missing = sorted(replies - set(texts.replies()))
    assert not missing, f"said by the code but not in data/replies.yml: {missing}"
    unused = sorted(set(texts.replies()) - replies)
    assert not unused, f"in data/replies.yml but never said: {unused}"
    assert titles == set(texts.catalogue()["titles"]), "titles said but not in the catalogue, or never said"


def test_each_reply_has_words_and_only_known_attributes():
    known = {"text", "plain", "buttons", "private", "neutral", "from"}
    for name, reply in texts.replies().items():
        assert set(reply) <= known, f"{name}: {sorted(set(reply) - known)}"
        assert ("text" in reply) != ("from" in reply), f"{name}: needs either text or from"
        for button in reply.get("buttons") or []:
            assert button["title"].strip() and str(button["payload"]).startswith("/"), name
        if reply.get("neutral"):
            assert not reply.get("private"), name


def test_labels_cover_every_topic_step_role_sign_and_region():
    from bot.resources import directory

    assert set(texts.labels("topics")) == set(TOPICS) | set(BREACH_TYPES)
    assert set(texts.labels("steps")) == set(PLAN_STEPS)
    assert set(texts.labels("roles")) == set(CARD_ROLES)
    assert set(texts.labels("signs")) == set(SIGNS)
    regions = {r.region for r in directory()}
    assert set(texts.labels("regions")) == set(texts.labels("region_buttons")) == regions


def test_every_direct_answer_has_its_sentence_and_every_sentence_its_questions():
    ids = {raw["id"] for path in sorted(answers.ANSWERS_DIR.glob("*.yml"))
           for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]}
    assert ids == set(texts.answers())
    assert all(a.text for a in answers.bank().values())


# -- no sentence outside the catalogue --------------------------------------------------------

# Text for whoever runs the servers, not for the person chatting: logs, what the command-line
# tools print, their --help, and exceptions (a developer reads those). A regular expression
# is not a sentence either.
TERMINAL_CALLS = frozenset({"print", "debug", "info", "warning", "error", "exception", "critical", "log",
                            "warn", "exit", "ArgumentParser", "add_argument"})


def sentence_like(text: str) -> bool:
    text = text.strip()
    return " " in text and text.endswith((".", "?", "!")) and "(?" not in text


def literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def exempt_nodes(tree: ast.AST, tool: bool) -> set[int]:
    """Docstrings, and everything inside a terminal call, a raise or an exception's constructor."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        inside = None
        if isinstance(node, ast.Raise):
            inside = node
        elif isinstance(node, ast.Call):
            func = node.func
            name = called(func)
            # bot/launcher.py and bot/cluster.py print to the terminal with their own say()
            launcher_say = tool and name == "say" and isinstance(func, ast.Attribute)
            terminal = name in TERMINAL_CALLS or name.startswith("print")
            if terminal or name.endswith(("Error", "Exception", "Exit")) or launcher_say:
                inside = node
        if inside is not None:
            skip.update(id(n) for n in ast.walk(inside))
    return skip


def sentences_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = exempt_nodes(tree, path.name in ("launcher.py", "cluster.py"))
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in parts:
            continue
        text = literal(node)
        if text is not None and sentence_like(text):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:70]!r}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "button" and node.args \
                and literal(node.args[0]) is not None:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: button title {literal(node.args[0])!r}")
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "title" and literal(value) is not None:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: button title {literal(value)!r}")
    return found


def test_the_check_finds_a_sentence_and_a_button_title(tmp_path):
    sample = ROOT / "bot" / "_catalogue_probe.py"
    try:
        sample.write_text('"""Docstring. Fine."""\nimport logging\nlogging.info("Logged, fine.")\n'
                          'x = f"Hello {name}, how are you?"\ny = button("Yes", "affirm")\n'
                          'raise ValueError("For developers, fine.")\nz = r"(?:cheat|lie)s?"\n')
        found = sentences_in(sample)
    finally:
        sample.unlink()
    assert len(found) == 2 and "how are you" in found[0] and "'Yes'" in found[1]


def test_no_sentence_or_button_title_in_the_code_outside_the_catalogue():
    found = [hit for path in python_files() for hit in sentences_in(path)]
    assert not found, "move these to data/replies.yml:\n" + "\n".join(found)


APP_JS = ROOT / "web" / "app.js"
JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')


def catalogue_words() -> set[str]:
    """Every label, title, button title and fixed reply text of the catalogue of two words or more."""
    found = {v for kind in texts.catalogue()["labels"] for v in texts.labels(kind).values()}
    found |= {str(v) for v in texts.catalogue()["titles"].values()}
    for reply in texts.replies().values():
        found |= {str(reply.get("text") or "")} | {b["title"] for b in reply.get("buttons") or []}
    return {w.strip().lower() for w in found if " " in w.strip() and "{" not in w}


def page_copies(source: str) -> list[str]:
    """Where the page keeps words of its own for the coach's data: a label dict, or a string
    that repeats the catalogue (the page's chrome, such as headings and status lines, is its own)."""
    words = catalogue_words()
    found = [f"web/app.js: {name}" for name in re.findall(r"\b([A-Z]+_LABELS)\s*=", source)]
    for line_no, line in enumerate(source.splitlines(), 1):
        for match in JS_STRING.finditer(line):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            if text.strip().lower() in words:
                found.append(f"web/app.js:{line_no}: {text!r}")
    return found


def test_the_page_check_finds_a_label_dict_and_a_copied_label():
    step = texts.label("steps", "apologize")
    assert page_copies(f'var STEP_LABELS = {{ apologize: "{step}" }};\nvar ok = "Quick exit";') == [
        "web/app.js: STEP_LABELS", f"web/app.js:1: {step!r}"]


def test_the_page_shows_the_payloads_labels_not_its_own():
    found = page_copies(APP_JS.read_text(encoding="utf-8"))
    assert not found, "\n".join(found)


# -- topics: a card, NLU examples and a registry line ------------------------------------------

MIN_EXAMPLES = 10


def nlu_examples() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in item:
                lines = [x for x in str(item.get("examples") or "").splitlines() if x.strip().startswith("-")]
                counts[item["intent"]] = counts.get(item["intent"], 0) + len(lines)
    return counts


def topic_rules() -> dict[str, str]:
    raw = yaml.safe_load((ROOT / "data" / "rules" / "topics.yml").read_text(encoding="utf-8"))
    found = {}
    for rule in raw["rules"]:
        steps = rule["steps"]
        found[steps[0]["intent"]] = steps[1]["action"]
    return found


def test_every_topic_has_its_card_examples_label_intent_and_rule_and_nothing_is_left_over():
    """Adding a topic: its card file in data/cards/, its examples in data/nlu/ and its line in
    bot/topics.py; then its label here, its intent in domain.yml and its rule (the failures say which)."""
    topics_with_cards = {str(card.get("topic")) for path in sorted(cards.CARDS_DIR.glob("*.yml"))
                         for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]}
    examples = nlu_examples()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = topic_rules()
    problems = []
    for topic in TOPICS:
        intent = f"ask_{topic}"
        if topic not in topics_with_cards:
            problems.append(f"{topic}: no card in data/cards/")
        if examples.get(intent, 0) < MIN_EXAMPLES:
            problems.append(f"{topic}: fewer than {MIN_EXAMPLES} examples of {intent} in data/nlu/")
        if topic not in texts.labels("topics"):
            problems.append(f"{topic}: no label under labels: topics: in data/replies.yml")
        if intent not in domain["intents"]:
            problems.append(f"{topic}: {intent} is not in domain.yml's intents")
        if rules.get(intent) != "action_topic_card":
            problems.append(f"{topic}: no rule {intent} -> action_topic_card in data/rules/topics.yml")
    # ... and the other way: cards, examples and rules of a topic that is not registered.
    for topic in sorted(topics_with_cards - set(TOPICS) - set(BREACH_TYPES)):
        problems.append(f"{topic}: cards in data/cards/ but no line in bot/topics.py")
    topic_intents = {f"ask_{t}" for t in TOPICS}
    nlu_topics = yaml.safe_load((ROOT / "data" / "nlu" / "topics.yml").read_text(encoding="utf-8"))["nlu"]
    for item in nlu_topics:
        if item.get("intent") and item["intent"] not in topic_intents:
            problems.append(f"{item['intent']}: examples in data/nlu/topics.yml but no line in bot/topics.py")
    for intent in sorted(set(rules) - topic_intents):
        problems.append(f"{intent}: a rule in data/rules/topics.yml but no line in bot/topics.py")
    assert not problems, "\n".join(problems)


# -- labels travel in the payloads -------------------------------------------------------------


def test_the_payloads_carry_the_catalogues_labels_and_telegram_shows_them():
    from bot.channels import telegram_render
    from bot.progress import StepStatus, payload

    progress = payload([StepStatus(step, False, None) for step in PLAN_STEPS])
    assert [s["label"] for s in progress["steps"]] == [texts.label("steps", s) for s in PLAN_STEPS]
    card = cards.Card("c-1", "impact", "offender", "Title", "Body.", ("One.", "Two."), "001.txt")
    assert card.payload()["role_label"] == texts.label("roles", "offender")

    # Telegram shows the payload's label; without one, the catalogue's (never words of its own).
    progress["steps"][0]["label"] = "Said out loud"
    shown = telegram_render.render_progress(progress)
    assert "Said out loud" in shown and texts.label("steps", "apologize") in shown
    del progress["steps"][1]["label"]
    assert texts.label("steps", "apologize") in telegram_render.render_progress(progress)
