"""Item 13: malformed protocol input never kills, desynchronises or silences the server.

The adversarial run sent 68 malformed messages: a ``Content-Length`` of 10^12 killed the
server, 6 inputs desynchronised the stream, 12 requests were never answered, and 23 showed
an "internal error" popup. Each case here is followed by a valid request that must be
answered, and the whole session must show no popup.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

TIMEOUT = 20.0


def frame(body: bytes, length: int | str | None = None) -> bytes:
    header = b"" if length == "none" else f"Content-Length: {len(body) if length is None else length}\r\n".encode()
    return header + b"\r\n" + body


def request(msg_id: Any, method: str, params: Any = None) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode()


class Server:
    """The real ``codeward lsp`` process, spoken to in raw bytes."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "codeward.server", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=root,
        )
        self.messages: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.send(frame(request(0, "initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})))
        self.answer(0)
        self.send(frame(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}).encode()))

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif line == b"\r\n":
                    break
            self.messages.put(json.loads(stream.read(length or 0)))

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answer(self, msg_id: Any) -> dict:
        """The response to ``msg_id`` (the messages before it are kept in ``seen``)."""
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no answer to request {msg_id!r} (server alive: {self.process.poll() is None})") from None
            self.seen.append(message)
            if "method" not in message and message.get("id") == msg_id:
                return message

    def alive_and_in_sync(self, msg_id: int) -> None:
        """A valid request right after the bad input is answered as usual."""
        self.send(frame(request(msg_id, "workspace/executeCommand", {"command": "codeward.unknown", "arguments": []})))
        answer = self.answer(msg_id)
        assert "result" in answer or "error" in answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    running = Server(tmp_path_factory.mktemp("protocol"))
    yield running
    running.close()


HOVER = {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}}

#: Framing that once killed the server or desynchronised the stream.
FRAMING = {
    "content-length-10^12": frame(b'{"jsonrpc": "2.0", "method": "x"}', 10**12),
    "content-length-not-a-number": frame(b'{"jsonrpc": "2.0", "method": "x"}', "abc"),
    "content-length-negative": frame(b'{"jsonrpc": "2.0", "method": "x"}', -5),
    "no-content-length": frame(b'{"jsonrpc": "2.0", "method": "x"}', "none"),
    "body-shorter-than-announced": frame(b'{"jsonrpc": "2.0", "method": "x"}', 60),
    "body-longer-than-announced": frame(b'{"jsonrpc": "2.0", "method": "x", "params": {}}', 10),
    "header-line-of-100-kb": b"X-Junk: " + b"a" * 100_000 + b"\r\n" + frame(b'{"jsonrpc": "2.0", "method": "x"}'),
    "garbage-between-messages": b"\x00\xff garbage \r\n\r\n",
    "empty-body": frame(b""),
    "deeply-nested-json": frame(b"[" * 100_000 + b"]" * 100_000),
}

#: Requests that must each be answered with an error of the given code.
REQUESTS = {
    "not-json-with-an-id": (frame(b'{"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover", '), 901, -32700),
    "params-of-the-wrong-type": (frame(request(902, "textDocument/hover", "not an object")), 902, -32602),
    "params-missing-fields": (frame(request(903, "textDocument/hover", {"textDocument": {}})), 903, -32602),
    "id-a-float": (frame(request(1.5, "textDocument/hover", HOVER)), None, -32600),
    "id-an-object": (frame(request({"a": 1}, "textDocument/hover", HOVER)), None, -32600),
    "method-not-a-string": (frame(json.dumps({"jsonrpc": "2.0", "id": 906, "method": 7}).encode()), 906, -32600),
    "wrong-jsonrpc-version": (frame(json.dumps({"jsonrpc": "1.0", "id": 907, "method": "textDocument/hover", "params": HOVER}).encode()), 907, -32600),
    "batch": (frame(json.dumps([json.loads(request(908, "textDocument/hover", HOVER))]).encode()), 908, -32600),
    "unknown-method": (frame(request(909, "codeward/noSuchMethod", {})), 909, -32601),
}


@pytest.mark.parametrize("case", sorted(FRAMING))
def test_broken_framing_is_dropped_and_the_stream_resynchronises(server: Server, case: str) -> None:
    server.send(FRAMING[case])
    server.alive_and_in_sync(100 + sorted(FRAMING).index(case))


@pytest.mark.parametrize("case", sorted(REQUESTS))
def test_every_malformed_request_is_answered(server: Server, case: str) -> None:
    data, msg_id, code = REQUESTS[case]
    server.send(data)
    answer = server.answer(msg_id)
    assert answer["error"]["code"] == code
    server.alive_and_in_sync(200 + sorted(REQUESTS).index(case))


def test_bad_notifications_are_logged_without_popups(server: Server) -> None:
    for params in ("text", {"textDocument": 5}, {"textDocument": {"uri": "file:///x.py"}, "contentChanges": [{"range": 1}]}):
        server.send(frame(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}).encode()))
    server.send(frame(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": "file:///never-opened.py"}}}).encode()))
    server.alive_and_in_sync(300)
    assert not [m for m in server.seen if m.get("method") == "window/showMessage"]
    assert any(m.get("method") == "window/logMessage" and "protocol error" in m["params"]["message"] for m in server.seen)


def test_requests_after_shutdown_are_answered(tmp_path: Path) -> None:
    late = Server(tmp_path)
    try:
        late.send(frame(request(1, "shutdown")))
        assert late.answer(1)["result"] is None
        late.send(frame(request(2, "textDocument/hover", HOVER)))
        assert late.answer(2)["error"]["code"] == -32600
        late.send(frame(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()))
        assert late.process.wait(timeout=TIMEOUT) is not None
    finally:
        late.close()
