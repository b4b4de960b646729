"""codeward's language server (``codeward lsp``): the engine's findings in the editor."""

from __future__ import annotations

from .server import CodewardServer, create_server, serve

__all__ = ["CodewardServer", "create_server", "serve"]
