"""pygls's LSP protocol without its per-notification memory leak, offering pull diagnostics
only to clients the server will pull from.

pygls 2.1 files the future of every handler it runs under a message id in
``_request_futures``, the table it uses to answer and cancel the client's requests. For a
request the entry is removed when the response is sent; a notification (every ``didChange``)
and each step of pygls's generator-based built-in handlers get a made-up id whose entry is
never removed. Each one kept a finished ``concurrent.futures.Future`` with its condition
variable and callbacks: about 2.4 KB per edit, 20 MB of RSS over 10,000 edits.

Pull diagnostics are only used with clients that can be asked to pull again (see the
server's ``initialize``); the others are not offered them, so they never pull (Neovim 0.11
would pull after each edit and get nothing) and show what is pushed.

This protocol drops a handler's entry once its future is done. A client's request is
unaffected: its entry is gone by then anyway (the response is sent from the first done
callback), and a finished request cannot be cancelled.
"""

from __future__ import annotations

from concurrent.futures import Future
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method


class CodewardProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        result = yield from super().lsp_initialize(params)
        if not getattr(self._server, "pull", True):
            result.capabilities.diagnostic_provider = None
        return result

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        def done(future: Future[Any]) -> None:
            try:
                callback(future)
            finally:
                self._forget(msg_id, future)

        super()._execute_handler(msg_id, handler, done, args, kwargs)

    def _forget(self, msg_id: Any, future: Future[Any]) -> None:
        """Remove ``msg_id``'s entry if it still names this (finished) future.

        A compare-then-pop, not a plain pop: an entry may already belong to a new message
        that reused the id, and done callbacks of thread handlers run on worker threads.
        """
        if future.cancelled():
            return  # a cancelled entry is removed by whoever cancelled it (shutdown iterates the table)
        if self._request_futures.get(msg_id) is future:
            self._request_futures.pop(msg_id, None)
