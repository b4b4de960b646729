"""Name resolution from imports, aliases, assignments, annotations and declared types."""

from __future__ import annotations

import ast

from codeward.checks import SourceDoc


def _resolve_last_call(text: str) -> str | None:
    doc = SourceDoc(text, "m.py", module_name="pkg.m")
    calls = [n for n in ast.walk(doc.tree) if isinstance(n, ast.Call)]
    last = max(calls, key=lambda c: (c.lineno, c.col_offset))
    return doc.resolve(last.func)


def test_from_import_alias() -> None:
    assert _resolve_last_call("from flask import request as r\nr.args.get('q')\n") == "flask.request.args.get"


def test_module_alias_and_call_chain_through_declared_types() -> None:
    text = "import sqlite3 as db\ncur = db.connect('x.db').cursor()\ncur.execute('select 1')\n"
    assert _resolve_last_call(text) == "sqlite3.Cursor.execute"


def test_assignment_inside_a_function() -> None:
    text = "import sqlite3\ndef f():\n    conn = sqlite3.connect('x')\n    conn.execute('q')\n"
    assert _resolve_last_call(text) == "sqlite3.Connection.execute"


def test_function_local_import() -> None:
    text = "def f():\n    import requests as rq\n    rq.get('u')\n"
    assert _resolve_last_call(text) == "requests.get"


def test_relative_import_uses_the_module_name() -> None:
    assert _resolve_last_call("from .db import run\nrun('q')\n") == "pkg.db.run"


def test_parameter_annotation() -> None:
    text = "from requests import Session\ndef f(s: Session):\n    s.get('u')\n"
    assert _resolve_last_call(text) == "requests.Session.get"


def test_ambiguous_rebinding_does_not_resolve() -> None:
    text = "import requests, httpx\nc = requests\nc = httpx\nc.get('u')\n"
    assert _resolve_last_call(text) is None


def test_attribute_assignment_does_not_rebind_the_base() -> None:
    text = "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.load_verify_locations('x')\n"
    assert _resolve_last_call(text) == "ssl.SSLContext.load_verify_locations"


def test_builtins_resolve_to_their_bare_name() -> None:
    assert _resolve_last_call("eval(x)\n") == "eval"


def test_shadowed_builtin_is_not_the_builtin() -> None:
    assert _resolve_last_call("from mylib import open\nopen('x')\n") == "mylib.open"
