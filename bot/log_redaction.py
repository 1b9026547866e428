"""No message text in any log, at any level: what the servers install before they log.

Three layers, because message text reaches logs three ways:

1. Rasa's structured logs. Rasa 3.6's structlog ``_anonymizer`` processor passes the
   values of its text-bearing keys (``text``, ``parse_data_text``, ``user_message``,
   ``rasa_events``, ...) through whatever the ``get_anonymization_pipeline`` plugin hook
   returns; Rasa Open Source registers nothing there. :func:`install` registers
   :class:`Redactor` through ``rasa.plugin.plugin_manager()``.
2. Tracebacks. ``logger.exception`` paths and structlog's ``dict_tracebacks`` carry
   exception messages (an action server's 500 body, a ``UnicodeEncodeError`` quoting
   the text) and, for structlog, every frame's locals. :class:`RedactingFilter` keeps
   the frames (file, line, function) and the exception types, and drops the rest.
3. Plain log lines that quote the text (a parser warning echoing "/something", a
   library's debug line). The channels mark the text they are handling with
   :func:`redacting`; the filter replaces it, in any of its usual spellings, in every
   record logged while it is handled. A line longer than ``MAX_LINE`` is cut.

The filter runs through the log record factory, so it covers every logger and every
handler, including those Sanic and Rasa configure later; Python warnings are routed
through logging (``logging.captureWarnings``) so that they pass it too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import traceback
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import pluggy

REDACTED = "[redacted]"
MAX_LINE = 10_000
MIN_TEXT = 4  # shorter texts ("yes", "ok") would blot out ordinary words of every log line
_texts: ContextVar[tuple[str, ...]] = ContextVar("coach_log_redaction_texts", default=())
_installed: dict[str, bool] = {}


@contextlib.contextmanager
def redacting(*texts: Any) -> Iterator[None]:
    """Mark texts a person wrote: no record logged inside the block may contain them."""
    kept = tuple(t for t in texts if isinstance(t, str) and len(t.strip()) >= MIN_TEXT)
    token = _texts.set(_texts.get() + kept)
    try:
        yield
    finally:
        _texts.reset(token)


def mark(texts: Iterable[Any]) -> None:
    """Like :func:`redacting`, for the rest of the current task (a request middleware)."""
    _texts.set(tuple(t for t in texts if isinstance(t, str) and len(t.strip()) >= MIN_TEXT))


def _spellings(text: str) -> set[str]:
    forms = {text, text.strip(), json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1],
             repr(text)[1:-1]}
    if text.startswith("/"):  # "/intent{...}": Rasa's parser warnings quote the intent name alone
        forms |= {text[1:], text[1:].split("{", 1)[0].strip()}
    return {form for form in forms if len(form) >= MIN_TEXT}


def scrub(line: str) -> str:
    for text in _texts.get():
        for form in sorted(_spellings(text), key=len, reverse=True):
            if form in line:
                line = line.replace(form, REDACTED)
    if len(line) > MAX_LINE:
        line = f"{line[:MAX_LINE]}... [{len(line) - MAX_LINE} characters cut]"
    return line


def redacted_traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """Frames and exception types of a traceback; no exception message, no values."""
    parts: list[str] = []
    seen: set[int] = set()
    error: BaseException | None = exc_info[1]
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        lines = ["Traceback (most recent call last; messages and values left out):"]
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}")
        parts.insert(0, "\n".join(lines))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n\nwhich led to:\n\n".join(parts)


def _strip_structlog_exception(line: str) -> str:
    """structlog's JSON ``exception`` entries without locals and exception values."""
    if not line.startswith("{") or '"exception"' not in line:
        return line
    try:
        event = json.loads(line)
    except ValueError:
        return line
    for entry in event.get("exception") or []:
        if isinstance(entry, dict):
            entry["exc_value"] = REDACTED
            for frame in entry.get("frames") or []:
                if isinstance(frame, dict):
                    frame.pop("locals", None)
    return json.dumps(event)


class RedactingFilter(logging.Filter):
    """Rewrites a record so it holds no message text; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_coach_redacted", False):
        return record
    record._coach_redacted = True  # type: ignore[attr-defined]
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redacted_traceback(record.exc_info)  # type: ignore[arg-type]
        record.exc_info = None
    try:
        line = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed call: keep the format string alone
        line = str(record.msg)
    record.msg = scrub(_strip_structlog_exception(line))
    record.args = ()
    return record


class Redactor:
    """Rasa's anonymization pipeline interface: ``log_run`` gets each text-bearing value.

    Rasa's processor also hands every new event to ``run`` (Rasa Pro publishes
    anonymized events to a broker there); this project publishes nothing, and
    ``bot/patches/anonymization_events.py`` skips that step.
    """

    def log_run(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return REDACTED

    def run(self, event: dict[str, Any]) -> None:
        return None


class _RasaPlugin:
    """Registered with Rasa's plugin manager: the project's answer to its anonymization hook."""

    redactor = Redactor()

    @pluggy.HookimplMarker("rasa")
    def get_anonymization_pipeline(self) -> Redactor:
        return self.redactor


def install(rasa: bool = True) -> None:
    """Install the filter (every process) and, in a Rasa process, the anonymization hook."""
    if not _installed.get("filter"):
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        logging.captureWarnings(True)
        _installed["filter"] = True
    if rasa and not _installed.get("rasa"):
        from rasa.plugin import plugin_manager

        plugin_manager().register(_RasaPlugin(), name="coach_log_redaction")
        _installed["rasa"] = True
