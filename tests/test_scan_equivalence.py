"""The scan's speed work must not change a single result: the shared walk orders match the
walks they replace, facts are reused only when extracting them again would give the same,
taint flows no longer depend on memory addresses, and any number of jobs gives the same."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from codeward.checks import project as project_mod
from codeward.checks.config import Config
from codeward.checks.model import Confidence, Range, Position
from codeward.checks.project import ProjectIndex, extract_facts
from codeward.checks.routes.nodes import all_nodes, function_nodes
from codeward.checks.routes.scope import project_view
from codeward.checks.scan import scan
from codeward.checks.source import SourceDoc
from codeward.checks.taint.labels import Label, Origin, clear

FIXTURES = Path(__file__).parent / "fixtures"

SAMPLE = '''
import os
from flask import request as r

@app.route("/x/<int:n>", methods=["POST"])
def view(n, flag: bool = os.environ.get("X") == "1") -> str:
    items = [i + n for i in range(3) if i]
    handler = lambda v, w=n: v + w
    async def inner(q):
        async with open(q) as fh:
            return await fh.read() or not q
    class K:
        attr = r.args["k"]
        def m(self):
            return self.attr * -1
    try:
        x = {k: v for k, v in r.form.items()}
    except (ValueError, KeyError) as exc:
        raise RuntimeError(f"{exc!r:>10}") from exc
    match n:
        case 1 | 2:
            pass
    return handler(items[0], w=x.get("a", 1) if n > 1 and flag else 2)
'''


def _stack_walk(root: ast.AST) -> list[ast.AST]:
    """The reference order of ``nodes_depth_first``: pop the last pushed, push children in
    field order."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _reference_scopes(tree: ast.Module) -> dict[int, ast.AST]:
    """The scope table the structure pass used to build for every node."""
    scopes: dict[int, ast.AST] = {}
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        node, scope = stack.pop()
        own = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else None
        for name, value in ast.iter_fields(node):
            child_scope = own if own is not None and name in ("body", "args") else scope
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    if child_scope is not None:
                        scopes[id(child)] = child_scope
                    stack.append((child, child_scope))
    return scopes


def _shared(node: ast.AST) -> bool:
    """Operator and context nodes the parser shares between all their uses."""
    return isinstance(node, (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop))


def _documents() -> list[SourceDoc]:
    texts = [SAMPLE] + [p.read_text("utf-8") for p in sorted((FIXTURES / "rules").rglob("*.py"))[:60]]
    return [doc for doc in (SourceDoc(t, "m.py") for t in texts) if doc.tree is not None]


def test_walk_orders_match_the_walks_they_replace():
    for doc in _documents():
        assert doc.tree is not None
        walked = list(ast.walk(doc.tree))
        assert len(doc.nodes) == len(walked) and all(a is b for a, b in zip(doc.nodes, walked))
        stacked = _stack_walk(doc.tree)
        assert len(all_nodes(doc)) == len(stacked) and all(a is b for a, b in zip(all_nodes(doc), stacked))


def test_function_nodes_are_the_functions_slice_of_the_module_order():
    for doc in _documents():
        order = all_nodes(doc)
        for start, node in enumerate(order):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = function_nodes(doc, node)
                assert all(a is b for a, b in zip(inner, order[start:start + len(inner)]))
                assert len(inner) == len(list(ast.walk(node)))
    foreign = ast.parse("def f(a):\n    return a + 1\n").body[0]
    doc = SourceDoc(SAMPLE, "m.py")
    assert [type(n) for n in function_nodes(doc, foreign)] == [type(n) for n in ast.walk(foreign)]


def test_scopes_found_upwards_match_the_scope_table():
    for doc in _documents():
        assert doc.tree is not None
        table = _reference_scopes(doc.tree)
        for node in doc.nodes:
            if not _shared(node):
                assert doc.scope_of(node) is table.get(id(node), doc.tree)
        assert doc.scopes == {k: v for k, v in table.items() if k in doc.scopes}


def test_facts_are_complete_only_when_every_extractor_ran(monkeypatch):
    doc = SourceDoc("def f(x):\n    return x\n", "app/m.py", "python", "app.m")
    index = ProjectIndex()
    index.update("app/m.py", doc)
    assert index.files["app/m.py"].complete

    def broken(doc: SourceDoc) -> None:
        raise ValueError("bug")

    monkeypatch.setitem(project_mod.FACT_EXTRACTORS, "broken", broken)
    failed: set[str] = set()
    extract_facts(doc, failed)
    assert failed == {"broken"}
    index.update("app/m.py", SourceDoc(doc.text + "\n", "app/m.py", "python", "app.m"))
    assert not index.files["app/m.py"].complete


def test_project_view_extracts_again_unless_the_index_holds_this_text(monkeypatch):
    from codeward.checks.routes import scope as view_mod

    text = "from flask_login import login_required\n\ndef guard(f):\n    return login_required(f)\n"
    doc = SourceDoc(text, "app/auth.py", "python", "app.auth")
    calls: list[str] = []
    real = view_mod.access_facts

    def counting(d: SourceDoc):
        calls.append(d.path)
        return real(d)

    monkeypatch.setattr(view_mod, "access_facts", counting)
    index = ProjectIndex()
    index.update(doc.path, doc)
    project_view(SourceDoc(text, doc.path, "python", "app.auth"), index, {})
    assert calls == []  # same text, every extractor ran: the index's facts are these facts
    index.set_facts(doc.path, doc.digest, doc.module_name, index.files[doc.path].facts)  # not known complete
    project_view(SourceDoc(text, doc.path, "python", "app.auth"), index, {})
    assert calls == [doc.path]
    project_view(SourceDoc(text + "\n", doc.path, "python", "app.auth"), index, {})  # a newer buffer
    assert calls == [doc.path, doc.path]


def test_a_rewrite_keeps_the_shortest_path_whatever_the_set_order():
    where = Range(Position(0, 0), Position(0, 1))
    origin = Origin("source", "request.args", "q", where)
    short = Label(origin, frozenset({"html"}), steps=((where, "assigned to `a`"),), alias="a")
    long = Label(origin, steps=((where, "assigned to `b`"), (where, "assigned to `c`")), alias="b")
    for order in ([short, long], [long, short]):
        (kept,) = clear(order, ["html"])
        assert kept.steps == short.steps and kept.alias == "a"


def test_any_number_of_jobs_gives_the_same_report():
    config = Config(min_confidence=Confidence.LOW)
    targets = [FIXTURES / "projects", FIXTURES / "rules" / "injection"]
    reports = []
    for jobs in (1, 2):
        result = scan(targets, config, jobs=jobs)
        reports.append(json.dumps([(f.code, f.path, f.range.start.line, f.message, [s.message for s in f.flow]) for f in result.findings]))
    assert reports[0] == reports[1] and len(reports[0]) > 100


def test_findings_reuse_the_indexing_taint_pass_only_when_it_would_run_the_same(monkeypatch):
    """The indexing pass's sink hits serve the findings pass only while the project knows
    nothing about what that pass asked; the report is the same as with a fresh pass for
    every file, and the fixtures exercise both outcomes (cross-module flows refuse it)."""
    from codeward.checks.taint import analysis

    config = Config(min_confidence=Confidence.LOW)
    targets = sorted((FIXTURES / "projects").glob("taint_*")) + [FIXTURES / "projects" / "ineffective_sanitizers"]

    def report() -> str:
        result = scan(targets, config, jobs=1)
        return json.dumps([(f.code, f.path, f.range, f.message, [s.message for s in f.flow], f.fix is not None)
                           for f in result.findings], default=str)

    outcomes: list[bool] = []
    real = analysis._ProjectFreeRun.still_holds

    def noting(self, lookup, checks_nothing) -> bool:
        outcomes.append(real(self, lookup, checks_nothing))
        return outcomes[-1]

    monkeypatch.setattr(analysis._ProjectFreeRun, "still_holds", noting)
    reused = report()
    assert True in outcomes and False in outcomes
    monkeypatch.setattr(analysis._ProjectFreeRun, "still_holds", lambda self, lookup, checks_nothing: False)
    assert report() == reused and len(reused) > 100
