"""Reading LSP messages from stdin defensively: bounded, self-synchronising, every request answered.

pygls's own loop trusts its client: a ``Content-Length`` of 10^12 made it allocate that much
and die, a body shorter or longer than announced (or a header line without one) left it
reading the next message as the wrong thing, and a request it could not structure (bad
params, a wrong id type) was logged and never answered, so the client waited forever.

Here:

* header lines are capped, a message body is capped at :data:`MAX_CONTENT_LENGTH`;
* a message whose framing is broken (no or bad ``Content-Length``, one over the cap, a body
  that is not the JSON it should be) is dropped and reading resumes at the next
  ``Content-Length`` header, wherever it is found (a body runs into the next header because
  bodies end without a newline);
* every request (a message with a ``method`` and a valid ``id``) gets an answer: the
  server's, or an ``InvalidRequest`` / ``InvalidParams`` / ``ParseError`` error;
* protocol errors are logged (``window/logMessage``), never shown as popups.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.io_ import StdoutWriter

log = logging.getLogger(__name__)

#: Largest message body read (a whole-workspace didOpen of a big file fits many times).
MAX_CONTENT_LENGTH = 64 * 1024 * 1024
#: Longest header line kept; longer ones are read through and dropped.
MAX_HEADER_LINE = 8 * 1024
#: A header line, or the end of a run-on line, that starts a message.
_CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\S*)[ \t]*\r?\n$", re.IGNORECASE)
#: An id to answer when a body is not valid JSON but says which request it was.
_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602


class FramedReader:
    """Messages from a byte stream, one bytes body at a time (None at end of input)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._pending = b""  # bytes read past a message that belong to the next one

    def _readline(self) -> bytes:
        """One line (up to and with ``\\n``), at most :data:`MAX_HEADER_LINE` bytes kept: the
        rest of a longer line is read and dropped, except its tail (a header may end it)."""
        line, self._pending = self._split_line(self._pending)
        if line is not None:
            return line
        head = self._pending
        self._pending = b""
        while True:
            chunk = self._stream.readline(MAX_HEADER_LINE)
            if not chunk:
                return head
            head = (head + chunk)[-MAX_HEADER_LINE:] if len(head) + len(chunk) > MAX_HEADER_LINE else head + chunk
            if head.endswith(b"\n"):
                return head

    @staticmethod
    def _split_line(data: bytes) -> tuple[bytes | None, bytes]:
        end = data.find(b"\n")
        if end < 0:
            return None, data
        return data[: end + 1][-MAX_HEADER_LINE:], data[end + 1 :]

    def _read(self, count: int) -> bytes:
        taken, self._pending = self._pending[:count], self._pending[count:]
        parts, left = [taken], count - len(taken)
        while left > 0:
            chunk = self._stream.read(min(left, 1 << 20))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def unread(self, data: bytes) -> None:
        self._pending = data + self._pending

    def next_message(self, problem: list[str]) -> bytes | None:
        """The next body; framing problems met on the way are appended to ``problem``."""
        length: int | None = None
        while True:
            line = self._readline()
            if not line:
                return None
            match = _CONTENT_LENGTH.search(line)
            if match is not None:
                if match.start() > 0:
                    problem.append("a message body ran into the next header")
                value = match.group(1)
                length = int(value) if value.isdigit() and len(value) <= 12 else -1
                continue
            if line.strip():
                if length is None:
                    problem.append("data outside any message")
                continue  # another header (Content-Type), or junk between messages
            if length is None:
                continue  # a blank line outside a message
            if length < 0 or length > MAX_CONTENT_LENGTH:
                problem.append(f"a Content-Length that is not a number up to {MAX_CONTENT_LENGTH} bytes")
                length = None
                continue  # resynchronise on the next header
            body = self._read(length)
            if len(body) < length:
                return None
            return body


def _request_id(message: Any) -> int | str | None:
    """The id of ``message`` when it is a request that must be answered."""
    if isinstance(message, dict) and "method" in message:
        msg_id = message.get("id")
        if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool):
            return msg_id
    return None


class Dispatcher:
    """Hands well-formed messages to pygls; answers the requests it cannot take."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.protocol = server.protocol

    def problem(self, text: str) -> None:
        self.server.log(f"codeward: protocol error from the client: {text}", types.MessageType.Warning, once=("protocol", text))

    def answer_error(self, msg_id: int | str | None, code: int, text: str) -> None:
        self.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": text}})

    def body(self, data: bytes, reader: FramedReader) -> None:
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):
            resume = data.find(b"Content-Length:")
            if resume > 0:  # the announced length swallowed the start of the next message
                reader.unread(data[resume:])
                data = data[:resume]
            self.problem("a message body that is not JSON")
            found = _ID.search(data)
            if found is not None:
                self.answer_error(json.loads(found.group(1)), PARSE_ERROR, "the message is not valid JSON")
            return
        if isinstance(message, list):  # JSON-RPC batches are not part of LSP
            self.problem("a batch of messages")
            for item in message:
                if _request_id(item) is not None:
                    self.answer_error(_request_id(item), INVALID_REQUEST, "batches are not supported")
            return
        self.message(message)

    def message(self, message: Any) -> None:
        msg_id = _request_id(message)
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            self.problem("a message that is not a JSON-RPC 2.0 object")
            if msg_id is not None:
                self.answer_error(msg_id, INVALID_REQUEST, "not a JSON-RPC 2.0 message")
            return
        if "method" in message and not isinstance(message["method"], str):
            self.problem("a method that is not a string")
            if msg_id is not None:
                self.answer_error(msg_id, INVALID_REQUEST, "the method must be a string")
            return
        if "method" in message and "id" in message and msg_id is None:
            self.problem("a request id that is not an integer or a string")
            self.answer_error(None, INVALID_REQUEST, "the id must be an integer or a string")
            return
        if msg_id is not None and self.protocol._shutdown and message["method"] != "exit":
            self.answer_error(msg_id, INVALID_REQUEST, "the server is shutting down")
            return
        try:
            structured = self.protocol.structure_message(message)
        except JsonRpcInvalidParams:
            self.problem(f"invalid params for {message.get('method', 'a response')}")
            if msg_id is not None:
                self.answer_error(msg_id, INVALID_PARAMS, f"invalid params for {message['method']}")
            return
        except Exception:
            self.problem(f"a malformed {message.get('method', 'response')} message")
            if msg_id is not None:
                self.answer_error(msg_id, INVALID_REQUEST, f"malformed {message['method']} request")
            return
        try:
            self.protocol.handle_message(structured)
        except Exception as exc:  # pygls answers handler errors itself; this is its dispatch
            log.exception("codeward: could not dispatch a message")
            self.problem(f"a message that could not be dispatched ({type(exc).__name__})")
            if msg_id is not None:
                self.answer_error(msg_id, INVALID_REQUEST, f"could not handle {message['method']}")


async def _serve(server: Any, stdin: BinaryIO, stop: threading.Event) -> None:
    reader = FramedReader(stdin)
    dispatcher = Dispatcher(server)
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        problems: list[str] = []
        data = await loop.run_in_executor(server.thread_pool, reader.next_message, problems)
        for text in problems:
            dispatcher.problem(text)
        if data is None:
            break
        dispatcher.body(data, reader)


def start_io(server: Any, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """pygls's ``start_io`` with the defensive reader above."""
    server._stop_event = stop = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    try:
        asyncio.run(_serve(server, stdin or sys.stdin.buffer, stop))
    except BrokenPipeError:
        log.error("codeward: the connection to the client is lost")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
