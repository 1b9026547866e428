"""Random and malformed requests for the fuzz test in tests/test_security.py (seeded, so repeatable)."""

from __future__ import annotations

import json
from urllib.parse import quote

WORDS = ("my husband wife partner cheated lied trust hurt angry sorry apologise boundaries money "
         "affair secret phone therapy kids sleep forgive talk feel why how what when help me we").split()
ALPHABET = "abcdefghijklmnopqrstuvwxyzé ß漢字😢🙂 \t\n\"\\/{}[]<>&%$#@!0123456789\u0000\u200b\ufeff"


def random_text(rng, low: int = 0, high: int = 80) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))


def random_token(rng) -> str:
    """Printable ASCII, as a header value must be."""
    return "".join(chr(rng.randint(33, 126)) for _ in range(rng.randint(1, 40)))


def words(rng) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 30)))


def random_json(rng, depth: int = 0):
    kind = rng.randrange(7 if depth < 3 else 4)
    return [lambda: None, lambda: rng.random() > 0.5, lambda: rng.randint(-2**70, 2**70),
            lambda: random_text(rng), lambda: [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: {random_text(rng, 1, 8): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))},
            lambda: rng.random() * 1e300][kind]()


def bad_text(rng, blank: bool = True) -> str:
    """Text the edge answers itself: wordless, unreadable, or (rarely: it costs a safety scan) too long."""
    return rng.choice([
        lambda: "".join(rng.choice("😢🙂👍 12345!?.") for _ in range(rng.randint(1, 40))),
        lambda: "   \n\t " if blank else "...",  # Telegram sends no blank text; its channel greets one
        lambda: words(rng) + " \ud800 " + words(rng),
        lambda: "\udfff" * rng.randint(1, 10),
        lambda: "word " * rng.randint(1001, 1200) if rng.random() < 0.05 else "🙂",
    ])()


def rest_case(rng, index: int, nlu: bool, host: str) -> tuple[str, str, bytes, dict]:
    """(method, path, body, headers) of one REST request."""
    path = "/webhooks/rest/webhook"
    headers = {"Content-Type": "application/json", "Host": host}
    if nlu:
        body = {"sender": f"fuzz-{index % 25}", "message": words(rng)}
        if rng.random() < 0.3:
            body.update(input_channel=random_text(rng), metadata=random_json(rng))
        query = "?stream=true" if rng.random() < 0.2 else ""
        return "POST", path + query, json.dumps(body).encode(), headers
    sender = rng.choice([f"fuzz-{index % 25}", random_text(rng, 1, 40), "tg:900001"])
    choice = rng.randrange(14)
    if choice == 0:
        return "POST", path, bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000))), headers
    if choice == 1:
        value = random_json(rng)
        return "POST", path, json.dumps(value if not isinstance(value, dict) else [value]).encode(), headers
    if choice == 2:
        body = {"sender": random_json(rng), "message": random_json(rng)}
        if isinstance(body["sender"], str) and isinstance(body["message"], str):
            body["sender"] = None
        return "POST", path, json.dumps(body).encode(), headers
    if choice == 3:
        bad_sender = rng.choice(["", " ", "s" * rng.randint(251, 100_000), "a\ud800", "a\x00b", "a\nb"])
        return "POST", path, json.dumps({"sender": bad_sender, "message": words(rng)}).encode(), headers
    if choice in (4, 5, 6):
        return "POST", path, json.dumps({"sender": sender, "message": bad_text(rng)}).encode(), headers
    if choice == 7:
        kind = rng.choice(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
        return "POST", path, json.dumps({"sender": sender, "message": words(rng)}).encode(), {
            **headers, "Content-Type": kind}
    if choice == 8:
        extra = rng.choice([{"Host": "attacker.example"}, {"X-Forwarded-For": "203.0.113.5"},
                            {"Authorization": "Bearer " + random_token(rng)},
                            {"Origin": "http://attacker.example"}, {"X-Real-IP": "198.51.100.7"}])
        body = json.dumps({"sender": sender, "message": words(rng)}).encode()
        return "POST", path, body, {**headers, **extra}
    if choice == 9:
        depth = rng.randint(1000, 200_000)
        return "POST", path, b"[" * depth + b"]" * depth, headers
    if choice == 10:
        text = "x" * rng.choice([1024 * 1024 + 1, 2 * 1024 * 1024]) if rng.random() < 0.05 else bad_text(rng)
        return "POST", path, json.dumps({"sender": sender, "message": text}).encode(), headers
    if choice == 11:
        return rng.choice(["GET", "PUT", "DELETE", "PATCH"]), path, b"{}", headers
    if choice == 12:
        return "POST", "/webhooks/" + quote(random_text(rng, 1, 20), safe="") + "/webhook", b"{}", headers
    return "POST", path, json.dumps({"sender": sender}).encode(), headers


def telegram_case(rng, index: int, nlu: bool, secret: str, tg_text) -> tuple[bytes, dict]:
    """(body, headers) of one Telegram webhook call; ``tg_text(user, text)`` makes an update."""
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    user = 900_001 + index % 20
    if nlu:
        return json.dumps(tg_text(user, words(rng))).encode(), headers
    if rng.random() < 0.1:
        wrong = rng.choice(["", "wrong", secret + "x", random_token(rng)])
        headers["X-Telegram-Bot-Api-Secret-Token"] = wrong
        return json.dumps(tg_text(user, words(rng))).encode(), headers
    update = tg_text(user, bad_text(rng, blank=False))
    message = update["message"]
    choice = rng.randrange(10)
    if choice == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 500))), headers
    if choice == 1:
        return json.dumps(random_json(rng)).encode(), headers
    if choice == 2:
        message[rng.choice(["text", "chat", "from", "entities", "date"])] = random_json(rng)
    elif choice == 3:
        message["entities"] = [{"type": rng.choice(["mention", "bot_command", "text_mention"]),
                                "offset": random_json(rng), "length": random_json(rng)}]
    elif choice == 4:
        message.pop("text")
        message[rng.choice(["sticker", "photo", "voice", "new_chat_members", "pinned_message"])] = {"x": 1}
    elif choice == 5:
        update = {"update_id": update["update_id"], "edited_message": message}
    elif choice == 6:
        update = {"update_id": update["update_id"], "callback_query": {
            "id": str(index), "from": message["from"], "message": {**message, "text": "Pick one"},
            "data": rng.choice(["#expired-key", None, "", "#" + random_text(rng, 1, 10)])}}
    elif choice == 7:
        # a group message that does not address the bot: ignored
        message["chat"] = {"id": -100_123_000 - index % 5, "type": "supergroup", "title": "g"}
    elif choice == 8:
        update["update_id"] = random_json(rng)
    else:
        update = {"update_id": update["update_id"], random_text(rng, 1, 12): random_json(rng)}
    return json.dumps(update).encode(), headers
