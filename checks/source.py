"""SourceDoc: one version of one file, parsed once and shared by every rule."""

from __future__ import annotations

import ast
import hashlib
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from . import knowledge, recovery
from .lines import LineIndex
from .model import Range
from .inference import Inference
from .names import NameResolver, Scope
from .suppressions import Suppression
from .suppressions import parse as parse_suppressions


class _Structure(NamedTuple):
    parents: dict[int, ast.AST]
    depth_first: list[ast.AST]
    breadth_first: list[ast.AST]
    #: id(function definition) → (start, end) of its subtree in ``depth_first`` (contiguous there).
    spans: dict[int, tuple[int, int]]


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})




class SourceDoc:
    """Text, syntax tree (with broken statements masked), line index, names, suppressions.

    ``kind`` is ``"python"`` for Python sources; other kinds (``toml``, ``yaml``, ...) carry
    only text and lines and have no tree.
    """

    def __init__(
        self, text: str, path: str = "<buffer>", kind: str = "python", module_name: str = "", root: Path | None = None,
        interpreter: str | None = None,
    ) -> None:
        self.text = text
        #: The project root, when known (lets jedi follow imports into project modules).
        self.root = root
        #: The Python the user named for resolving installed packages (None: the tool's own).
        self.interpreter = interpreter
        self.path = path
        self.kind = kind
        self.module_name = module_name
        self.lines = LineIndex(text)
        self._resolved: dict[int, str | None] = {}
        self._scope_cache: dict[int, Scope] = {}
        #: Per-version memo for derived facts helpers compute once (statement spans...).
        self.memo: dict[str, object] = {}
        self.broken_lines: set[int] = set()
        self.syntax_error: str | None = None
        #: Statements masked for nesting beyond the parser's limit (see recovery.parse).
        self.too_deep: str | None = None
        self.newer_syntax: dict[int, str] = {}
        self.tree: ast.Module | None = None
        if kind == "python":
            result = recovery.parse(text, path)
            self.tree = result.tree
            self.broken_lines = result.broken_lines
            self.syntax_error = result.error
            self.too_deep = result.too_deep
            #: Masked lines whose syntax the running Python is too old for (line → what).
            self.newer_syntax = result.newer_syntax(text)

    @cached_property
    def digest(self) -> str:
        return hashlib.blake2b(self.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    @cached_property
    def names(self) -> NameResolver:
        assert self.tree is not None, "names are only available for Python documents"
        package = self.path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
        return NameResolver(self.tree, knowledge.return_types(), self.module_name, self.text, package)

    @cached_property
    def parents(self) -> dict[int, ast.AST]:
        """id(child) → parent node, for rules that need to look upwards."""
        return self._structure.parents

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def ancestors(self, node: ast.AST):  # -> Iterator[ast.AST]
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def scope_of(self, node: ast.AST) -> Scope:
        """The innermost function or lambda around ``node``, else the module.

        Found upwards through the parents when first asked (most nodes never are): the
        function a node is in the ``body`` or ``args`` of; decorators and the return
        annotation belong to the scope around the function.
        """
        key = id(node)
        scope = self._scope_cache.get(key)
        if scope is None:
            scope = self._scope_cache[key] = self._find_scope(node)
        return scope

    def _find_scope(self, node: ast.AST) -> Scope:
        parents = self.parents
        child, parent = node, parents.get(id(node))
        while parent is not None:
            if isinstance(parent, _FUNCTIONS):
                body = parent.body
                if parent.args is child or (body is child if isinstance(parent, ast.Lambda) else any(s is child for s in body)):
                    return parent
            child, parent = parent, parents.get(id(parent))
        return self.tree  # type: ignore[return-value]

    @cached_property
    def scopes(self) -> dict[int, Scope]:
        """id(node) → innermost enclosing function or lambda (module-level nodes absent)."""
        found: dict[int, Scope] = {}
        for node in self.nodes_depth_first:
            scope = self.scope_of(node)
            if scope is not self.tree:
                found[id(node)] = scope
        return found

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree in ``ast.walk`` order (breadth first), computed once.

        Iterating this list instead of calling ``ast.walk`` saves a generator per node: each
        full ``ast.walk`` of Django's source cost about 0.6 s, and several rule families
        walked every document.
        """
        return self._structure.breadth_first

    @property
    def nodes_depth_first(self) -> list[ast.AST]:
        """Every node of the tree depth first, a node's last child first (the order of a
        stack-based walk that pushes children in field order)."""
        return self._structure.depth_first

    def function_span(self, func: ast.AST) -> tuple[int, int] | None:
        """(start, end) of function definition ``func``'s subtree in :attr:`nodes_depth_first`
        (``func`` first), or None for a node that is not a function definition of this tree."""
        return self._structure.spans.get(id(func))

    @cached_property
    def _structure(self) -> _Structure:
        """Parents and both walk orders in one pass over the tree (hand-rolled:
        ``ast.iter_child_nodes`` is a generator per node and dominated the profile).

        Nodes the parser shares (``ast.Load()``, operators) get the parent written last
        in this depth-first order. Breadth-first order falls out of the same pass: depth
        first with the last child first visits each depth level right to left, so the
        levels, reversed and joined, are exactly ``ast.walk``'s order.
        """
        parents: dict[int, ast.AST] = {}
        depth_first: list[ast.AST] = []
        if self.tree is None:
            return _Structure(parents, depth_first, [], {})
        spans: dict[int, tuple[int, int]] = {}
        definitions = _DEFINITIONS
        levels: list[list[ast.AST]] = []
        AST = ast.AST
        stack: list[tuple[ast.AST, int]] = [(self.tree, 0)]
        pop, push, visit = stack.pop, stack.append, depth_first.append
        while stack:
            node, depth = pop()
            if depth < 0:  # the end of a function's subtree (pushed before its children)
                spans[id(node)] = (spans[id(node)][0], len(depth_first))
                continue
            if node.__class__ in definitions:
                spans[id(node)] = (len(depth_first), 0)
                push((node, -1))
            visit(node)
            if depth < len(levels):
                levels[depth].append(node)
            else:
                levels.append([node])
            depth += 1
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, AST):
                    parents[id(value)] = node
                    push((value, depth))
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, AST):
                            parents[id(item)] = node
                            push((item, depth))
        breadth_first: list[ast.AST] = []
        for level in levels:
            level.reverse()
            breadth_first += level
        return _Structure(parents, depth_first, breadth_first, spans)

    def resolve(self, expr: ast.AST | None) -> str | None:
        """Dotted path of ``expr`` seen from its own scope (see :mod:`names`); memoized,
        since every rule asks about the same calls."""
        if expr is None:
            return None
        key = id(expr)
        if key not in self._resolved:
            self._resolved[key] = self.names.resolve(expr, self.scope_of(expr))
        return self._resolved[key]

    def imports_any(self, paths: object) -> bool:
        """Whether the file imports the top-level module of any of these dotted paths."""
        roots = self.names.imported_roots
        return any(str(p).split(".")[0] in roots for p in paths)  # type: ignore[attr-defined]

    def resolve_deep(self, expr: ast.AST | None) -> str | None:
        """Like :meth:`resolve`, but asks jedi (bounded, cached) when the cheap way fails.

        For ``cur.execute`` where ``cur`` comes back from a project helper (cheaply resolved
        only as ``get_cursor().execute``), jedi infers the receiver (``sqlite3.Cursor``) and
        the result is ``sqlite3.Cursor.execute``. Use it for sink candidates only: each
        document has a small jedi budget.
        """
        path = self.resolve(expr)
        if expr is None or (path is not None and "()" not in path):
            return path  # fully known: no call result of unknown type on the way
        inferred = None
        if isinstance(expr, ast.Attribute):
            receiver = self.inference.type_of(expr.value)
            inferred = f"{receiver}.{expr.attr}" if receiver else None
        elif isinstance(expr, ast.Name):
            inferred = self.inference.type_of(expr)
        return inferred or path

    @cached_property
    def inference(self) -> Inference:
        return Inference(self.text, self.path, self.root, self.interpreter)

    def range_of(self, node: ast.AST) -> Range:
        return self.lines.node_range(node)

    def source_of(self, node: ast.AST) -> str:
        return self.lines.slice(self.range_of(node))

    @cached_property
    def suppressions(self) -> dict[int, Suppression]:
        """0-based line → its ``# codeward: ignore[CW101, ...]`` comment (see :mod:`.suppressions`)."""
        return parse_suppressions(self)
