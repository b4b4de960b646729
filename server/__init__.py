"""Adapters around the engine: the ``codeward`` command line and the language server."""
