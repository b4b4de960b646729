"""Driving the language server inside the test process, without pipes or a client library.

The client side is a writer that decodes what the server sends and answers the few requests
a server makes of its client. Messages go in through pygls's own ``structure_message`` /
``handle_message``, so every layer from the protocol up runs as it does over stdio, and
``tracemalloc`` or ``sys.getsizeof`` see the server's real structures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from pathlib import Path
from typing import Any

from codeward.server.lsp.server import CodewardServer, create_server


class InProcessClient:
    """A client whose transport is direct method calls into one server instance."""

    def __init__(self, server: CodewardServer | None = None) -> None:
        self.server = server or create_server()
        self.server.protocol.set_writer(self, include_headers=False)
        #: The latest publications per document (bounded: memory tests send thousands of edits).
        self.published: dict[str, deque[tuple[int | None, list[dict]]]] = {}
        self.logs: list[str] = []
        self.progress_ends: list[str | None] = []
        self.responses: dict[int, Any] = {}
        self.server_requests: list[dict] = []
        self.configuration: dict[str, Any] = {}
        self.changed = asyncio.Event()
        self._ids = itertools.count(1)

    # -- the server's writer ----------------------------------------------------------------
    def write(self, data: bytes) -> None:
        message = json.loads(data)
        method = message.get("method")
        if method is None:
            self.responses[message["id"]] = message.get("result", message.get("error"))
        elif method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.published.setdefault(params["uri"], deque(maxlen=100)).append((params.get("version"), params["diagnostics"]))
        elif method == "$/progress" and message["params"]["value"].get("kind") == "end":
            self.progress_ends.append(message["params"]["value"].get("message"))
        elif method == "window/logMessage":
            self.logs.append(message["params"]["message"])
        elif "id" in message:  # a request to the client: answer on the next loop turn, as a pipe would
            self.server_requests.append(message)
            result: Any = None
            if method == "workspace/configuration":
                result = [self.configuration for _ in message["params"]["items"]]
            asyncio.get_running_loop().call_soon(self._send, {"id": message["id"], "result": result})
        self.changed.set()

    def close(self) -> None:
        pass

    # -- sending ---------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        protocol = self.server.protocol
        protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", **message}))

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float = 20.0) -> Any:
        number = next(self._ids)
        self._send({"id": number, "method": method, "params": params})
        await self.until(lambda: number in self.responses, timeout)
        return self.responses.pop(number)

    async def until(self, condition: Any, timeout: float = 20.0) -> None:
        async def wait() -> None:
            while not condition():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout)

    # -- a session -------------------------------------------------------------------------
    async def initialize(self, root: Path, capabilities: dict, options: dict | None = None) -> Any:
        result = await self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(), "capabilities": capabilities,
            "initializationOptions": options, "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        })
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str, version: int = 1) -> str:
        path.write_text(text)
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
        return uri

    def change(self, uri: str, version: int, line: int, insert: str) -> None:
        """Insert ``insert`` at the start of ``line`` (or, when empty, delete its first character)."""
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0 if insert else 1}},
                "text": insert,
            }],
        })

    async def published_version(self, uri: str, version: int, timeout: float = 20.0) -> list[dict]:
        def found() -> bool:
            return any(v == version for v, _ in self.published.get(uri, ()))

        await self.until(found, timeout)
        return next(d for v, d in reversed(self.published[uri]) if v == version)

    async def shutdown(self) -> None:
        await self.request("shutdown", None)
