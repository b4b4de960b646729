"""codeward: a security language server and scanner for Python (``codeward.checks`` is the engine, ``codeward.server`` the CLI and language server)."""
