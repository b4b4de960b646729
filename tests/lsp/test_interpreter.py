"""The ``interpreter`` setting reaches the engine's jedi lookups, and only when it is set."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from user_venv import USES_PACKAGE, make_user_python

from codeward.server.lsp.analysis import DocResult

from .inprocess import InProcessClient
from .test_memory import CAPABILITIES


def _execute_call(tree: ast.Module | None) -> ast.expr:
    assert tree is not None
    return next(n.func for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "execute")


async def analysed_with(client: InProcessClient, uri: str, interpreter: str | None) -> DocResult:
    """The first result delivered for ``uri`` that used ``interpreter`` (settings apply
    asynchronously: a re-check already running may finish first with the old value)."""
    async def wait() -> DocResult:
        while True:
            result = await client.server.scheduler.wait_for(uri)
            if result is not None and result.snapshot.interpreter == interpreter:
                return result

    return await asyncio.wait_for(wait(), 20)


@pytest.fixture(scope="module")
def user_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_user_python(tmp_path_factory.mktemp("user-venv"))


async def test_interpreter_setting_resolves_the_users_packages(user_python: Path, tmp_path: Path) -> None:
    client = InProcessClient()
    await client.initialize(tmp_path, CAPABILITIES, {"codeward": {"debounce": 0, "interpreter": str(user_python)}})
    try:
        uri = client.open(tmp_path / "app.py", USES_PACKAGE)
        await client.published_version(uri, 1)
        doc = client.server.results[uri].doc
        assert doc.resolve_deep(_execute_call(doc.tree)) == "sqlite3.Connection.execute"

        # Unset: back to the server's own environment, where fakedb is not installed.
        client.notify("workspace/didChangeConfiguration", {"settings": {"codeward": {"interpreter": ""}}})
        result = await analysed_with(client, uri, None)
        assert result.doc.resolve_deep(_execute_call(result.doc.tree)) == "fakedb.open_db().execute"

        # A path that is no Python: told once, and lookups use the server's own environment.
        missing = str(tmp_path / "no-such-venv" / "bin" / "python")
        client.notify("workspace/didChangeConfiguration", {"settings": {"codeward": {"interpreter": missing}}})
        await client.until(lambda: any("'interpreter'" in m and "does not exist" in m for m in client.logs))
        result = await analysed_with(client, uri, missing)
        assert result.doc.resolve_deep(_execute_call(result.doc.tree)) == "fakedb.open_db().execute"
    finally:
        await client.shutdown()
