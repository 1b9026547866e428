"""A local Telegram Bot API on 127.0.0.1 for tests: answers like Telegram, records every call.

    stub = TelegramStub(port=17081, token=TOKEN, username="coach_test_bot").start()
    ...  # point TELEGRAM_API_URL at stub.url
    stub.calls("sendMessage")  # [{"chat_id": ..., "text": ..., ...}, ...]
    stub.stop()

It is as strict as Telegram where the coach could get things wrong: a wrong
token gets 401, ``callback_data`` over 64 bytes gets BUTTON_DATA_INVALID, HTML
that Telegram could not parse gets "can't parse entities", an empty or too long
text is refused, and a private chat with someone who never pressed Start
(``unreachable``) gets 403.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
    "span", "blockquote", "tg-emoji",
}
TAG = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def html_problem(text: str) -> str | None:
    """What Telegram's HTML parser would reject in ``text``, or None."""
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = TAG.match(text, i)
            if not match or match.group(2).lower() not in ALLOWED_TAGS:
                return f"Unsupported start tag at byte offset {i}"
            closing, name = match.group(1), match.group(2).lower()
            if closing:
                if not stack or stack.pop() != name:
                    return f"Unmatched end tag at byte offset {i}"
            else:
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = ENTITY.match(text, i)
            if not match:
                return f"Unsupported HTML entity at byte offset {i}"  # Telegram is lenient; we are not
            i = match.end()
        elif char == ">":
            return f"Unexpected end tag at byte offset {i}"
        else:
            i += 1
    if stack:
        return f"Can't find end tag corresponding to start tag \"{stack[-1]}\""
    return None


def visible_length(text: str) -> int:
    return len(re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
               .replace("&quot;", '"'))


def multipart(content_type: str, raw: bytes) -> dict:
    """A multipart/form-data body as the Bot API reads it: fields (JSON where it parses) and files
    ({"filename", "content_type", "data"})."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        raise ValueError("not multipart")
    params: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            params[name] = {"filename": filename, "content_type": part.get_content_type(), "data": data}
            continue
        text = data.decode()
        try:
            params[name] = json.loads(text) if text[:1] in "{[" or text.lstrip("-").isdigit() else text
        except ValueError:
            params[name] = text
    return params


class TelegramError(Exception):
    def __init__(self, code: int, description: str) -> None:
        self.code, self.description = code, description


class TelegramStub:
    def __init__(self, port: int, token: str, username: str = "coach_test_bot") -> None:
        self.port = port
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": "Trust Coach", "username": username,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.unreachable: set[int] = set()  # people who never pressed Start in a private chat
        self._failing: dict[str, list[tuple[int, int | None]]] = {}  # method -> errors still to give
        self.refused: list[tuple[str, dict, int]] = []  # (method, params, code) of calls made to fail
        self._calls: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self._message_id = 5000
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TelegramStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                self._answer(*stub.handle(self.path, self.headers.get("Content-Type", ""), raw))

            def do_GET(self) -> None:  # noqa: N802
                self._answer(*stub.handle(self.path, "", b""))

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail(self, method: str, code: int, times: int = 1, retry_after: int | None = None) -> None:
        """The next ``times`` calls of ``method`` fail with ``code`` (429: with ``retry_after``)."""
        with self._lock:
            self._failing.setdefault(method, []).extend([(code, retry_after)] * times)

    def heal(self) -> None:
        with self._lock:
            self._failing.clear()

    # -- what was called ---------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[dict]:
        with self._lock:
            return [params for name, params in self._calls if method is None or name == method]

    def count(self) -> int:
        with self._lock:
            return len(self._calls)

    def since(self, mark: int, method: str | None = None) -> list[dict]:
        """Calls made after ``mark = stub.count()``."""
        with self._lock:
            return [params for name, params in self._calls[mark:] if method is None or name == method]

    # -- answering like Telegram -------------------------------------------------------

    def handle(self, path: str, content_type: str, raw: bytes) -> tuple[int, dict]:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path.split("?", 1)[0])
        if not match:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = match.groups()
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            params = multipart(content_type, raw) if content_type.startswith("multipart/form-data") else (
                json.loads(raw) if raw else {})
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid JSON"}
        with self._lock:
            failing = self._failing.get(method)
            if failing:
                code, retry_after = failing.pop(0)
                self.refused.append((method, params, code))
                body = {"ok": False, "error_code": code, "description": "Injected failure"}
                if retry_after is not None:
                    body["parameters"] = {"retry_after": retry_after}
                return code, body
            self._calls.append((method, params))
        try:
            return 200, {"ok": True, "result": self.result(method, params)}
        except TelegramError as error:
            return error.code, {"ok": False, "error_code": error.code, "description": error.description}

    def result(self, method: str, params: dict):
        if method == "getMe":
            return self.bot
        if method in ("setWebhook", "deleteWebhook"):
            if method == "setWebhook" and not str(params.get("url", "")).startswith("https://"):
                raise TelegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "answerCallbackQuery":
            if not params.get("callback_query_id"):
                raise TelegramError(400, "Bad Request: query ID is invalid")
            return True
        if method == "sendMessage":
            return self.send_message(params)
        if method == "editMessageReplyMarkup":
            if not params.get("chat_id") or not params.get("message_id"):
                raise TelegramError(400, "Bad Request: message identifier is not specified")
            return True
        if method == "sendChatAction":
            return True
        if method in ("sendPhoto", "sendDocument"):
            return self.send_file(method, params)
        raise TelegramError(404, "Not Found")

    def send_file(self, method: str, params: dict) -> dict:
        """sendPhoto / sendDocument with a new file, uploaded as multipart/form-data."""
        field = "photo" if method == "sendPhoto" else "document"
        file = params.get(field)
        if not isinstance(file, dict) or not file.get("data"):
            raise TelegramError(400, f"Bad Request: there is no {field} in the request")
        if method == "sendPhoto" and not file["data"].startswith(b"\x89PNG"):
            raise TelegramError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        caption = params.get("caption") or ""
        if params.get("parse_mode") == "HTML" and caption:
            problem = html_problem(caption)
            if problem:
                raise TelegramError(400, f"Bad Request: can't parse entities: {problem}")
        if visible_length(caption) > 1024:
            raise TelegramError(400, "Bad Request: message caption is too long")
        with self._lock:
            self._message_id += 1
            message_id = self._message_id
        return {"message_id": message_id, "from": self.bot, "chat": {"id": params.get("chat_id")},
                "date": int(time.time()), "caption": caption}

    def send_message(self, params: dict) -> dict:
        chat_id = params.get("chat_id")
        text = params.get("text")
        if chat_id is None:
            raise TelegramError(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            raise TelegramError(400, "Bad Request: message text is empty")
        if isinstance(chat_id, int) and chat_id > 0 and chat_id in self.unreachable:
            raise TelegramError(403, "Forbidden: bot can't initiate conversation with a user")
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem:
                raise TelegramError(400, f"Bad Request: can't parse entities: {problem}")
            if visible_length(text) > 4096:
                raise TelegramError(400, "Bad Request: message is too long")
        elif len(text) > 4096:
            raise TelegramError(400, "Bad Request: message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise TelegramError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
        with self._lock:
            self._message_id += 1
            message_id = self._message_id
        chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "supergroup"
        message = {
            "message_id": message_id, "from": self.bot, "chat": {"id": chat_id, "type": chat_type},
            "date": int(time.time()), "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message
