"""The parameterize fix on generated queries: sound (re-parses, removes its finding, adds none,
idempotent) and faithful (the fixed query returns the same rows as the original for inputs
that do not break out of the SQL, so the text and the argument order were kept)."""

from __future__ import annotations

import ast
import sqlite3
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeward.checks import Config, SourceDoc, analyze
from codeward.checks.autofix import fix_document
from codeward.checks.fixes import apply_fix

#: (SQL text with {v}/{n} slots, whether it can become a parameterized query)
_CONDITIONS = [
    ("a = '{v}'", True),
    ("b = {n}", True),
    ("a LIKE '%{v}%'", True),
    ("b > {n}", True),
    ("a IN ('x', '{v}')", True),
    ("a <> '{v}'", True),
]


def _build(builder: str, parts: list[str]) -> str:
    """A Python expression building ``SELECT ... WHERE parts`` with the given technique."""
    sql = "SELECT a, b FROM t WHERE " + " AND ".join(parts) + " ORDER BY a"
    if builder == "fstring":
        return "f" + repr(sql.replace("{v}", "{name}").replace("{n}", "{count}"))
    if builder == "percent":
        order = [tok for tok in _slots(sql)]
        text = sql.replace("%", "%%").replace("{v}", "%s").replace("{n}", "%s")
        values = ", ".join("name" if s == "v" else "count" for s in order)
        return f"{text!r} % ({values},)"
    if builder == "format":
        order = _slots(sql)
        text = sql.replace("{v}", "{}").replace("{n}", "{}")
        values = ", ".join("name" if s == "v" else "count" for s in order)
        return f"{text!r}.format({values})"
    pieces = []
    rest = sql
    while "{" in rest:
        start = rest.index("{")
        pieces.append(repr(rest[:start]))
        pieces.append("name" if rest[start + 1] == "v" else "str(count)")
        rest = rest[start + 3 :]
    pieces.append(repr(rest))
    return " + ".join(p for p in pieces if p != "''")


def _slots(sql: str) -> list[str]:
    return [sql[i + 1] for i in range(len(sql) - 2) if sql[i] == "{" and sql[i + 2] == "}"]


@st.composite
def programs(draw: st.DrawFn) -> str:
    conditions = draw(st.lists(st.sampled_from(_CONDITIONS), min_size=1, max_size=3, unique=True))
    builder = draw(st.sampled_from(["fstring", "percent", "format", "concat"]))
    via_variable = draw(st.booleans())
    query = _build(builder, [c for c, _ in conditions])
    lines = [
        "import sqlite3",
        "",
        "",
        "def search(conn):",
        "    name = input()",
        "    count = input()",
    ]
    if via_variable:
        lines += [f"    query = {query}", "    return conn.execute(query).fetchall()"]
    else:
        lines += [f"    return conn.execute({query}).fetchall()"]
    return "\n".join(lines) + "\n"


def _run(text: str, name: str, count: str) -> list:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a TEXT, b INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [("bob", 1), ("x", 2), ("bobby", 3), ("alice", 4), ("%", 5)])
    inputs = iter([name, count])
    namespace: dict = {"input": lambda: next(inputs)}
    exec(compile(text, "<generated>", "exec"), namespace)  # generated test code, not analysed code
    return namespace["search"](conn)


@settings(max_examples=60, deadline=None)
@given(programs(), st.sampled_from(["bob", "x", "alice", "nobody", "50%"]), st.sampled_from(["0", "2", "4"]))
def test_parameterized_query_is_sound_and_faithful(text: str, name: str, count: str) -> None:
    doc = SourceDoc(text, "gen.py")
    findings = [f for f in analyze(doc).findings if f.code == "CW101"]
    assert findings, text
    fixable = [f for f in findings if f.fix is not None]
    assert fixable, f"no fix offered for:\n{text}"
    for finding in fixable:
        fixed = apply_fix(doc, finding.fix)
        ast.parse(fixed)
        after = Counter(f.code for f in analyze(SourceDoc(fixed, "gen.py")).findings)
        assert after["CW101"] < len(findings), fixed
        assert _run(fixed, name, count) == _run(text, name, count), f"{text}\n---\n{fixed}"
    outcome = fix_document(doc, Config(), include_unsafe=True)
    again = fix_document(SourceDoc(outcome.text, "gen.py"), Config(), include_unsafe=True)
    assert again.applied == 0 and again.text == outcome.text


@pytest.mark.parametrize(
    "query",
    [
        'f"SELECT * FROM {table} WHERE a = 1"',  # identifier: cannot be a parameter
        'f"SELECT * FROM t ORDER BY {name}"',
        'f"SELECT * FROM t WHERE a IN ({name})"',  # a list, not one value
        'f"SELECT * FROM t WHERE a = \'x{name}\' || {name}y"',  # glued to other text
    ],
)
def test_no_fix_where_a_value_is_not_a_parameter(query: str) -> None:
    text = f"import sqlite3\n\n\ndef f(conn):\n    name = input()\n    table = input()\n    return conn.execute({query})\n"
    findings = [f for f in analyze(SourceDoc(text, "gen.py")).findings if f.code == "CW101"]
    assert findings and all(f.fix is None for f in findings)
