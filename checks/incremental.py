"""Re-analyse an edited buffer by re-checking only the definitions (functions, methods) the edit reaches.

Typing changes one function at a time, yet a full analysis of a 10,000-line module costs
about a second. The module is cut into top-level *chunks*: one statement each, with the
comments and blank lines up to the next one. After an edit:

* the changed lines are found by comparing the old and new text (common prefix and suffix);
* the chunks they touch are parsed on their own; the fast path needs the same function and
  class definitions before and after, with the same names, kinds, decorators and bases
  (bodies may change; module-level statements may change, except imports: rules read a
  module's imports as a whole, to tell its framework or the helper a fix can reuse);
* the definitions that must be re-checked are the edited ones, those that mention any
  identifier of an edited module-level statement (the names it binds are among them), and
  every definition connected to those by name (callers, callees, their callers...): an
  edited function's taint summary or guard behaviour can change their findings;
* what the module tells the rest of the analysis (its project facts: guards, hooks,
  routers, summaries, positions left aside) must be unchanged by the edit, so a
  ``before_request`` hook that stops rejecting requests takes the full analysis;
* when a re-checked definition may be a route, every definition that may be one (a route
  in the last full analysis, decorated, named at module level, or named by the project's
  URL configurations) is re-checked too: a module's routes are judged together ("the other
  routes here require a login"). An edit that makes a new route takes the full analysis;
* the re-check runs the ordinary engine on a copy of the buffer where every other
  definition is blanked out, line for line, so positions need no translation. Module-level
  statements and whatever they or the re-checked definitions mention stay in the copy as
  context;
* the findings of the other chunks are carried over from the previous result, moved down
  or up by the number of lines the edit added or removed.

An edit inside the methods of one class takes the method as the unit: the class is split
into its header (decorators and ``class`` line: context, never changed on this path), its
class-level statements (context for every method; an edit to one takes the class as the
unit) and its methods, which are chunks as above. A method also stands for its class, so
code naming the class is re-checked with it; a class that is or may be a route (a view)
is judged whole, and a finding on the class line takes the full analysis.

On densely connected code (library modules such as Django's, where every method reaches
every other by name) the re-check is the whole module and the full analysis is taken; the
fast path pays on modules of loosely tied methods (test cases, services, consumers).

A statement that does not parse (mid-typing) is masked as in a full analysis, in the edited
lines too as long as their brackets and strings are closed. Anything else (an open bracket
or string in the edited lines, an edited import, a new or renamed definition, an edited
decorator, a changed configuration or project index) takes the full analysis. The result says which path it
took, so an editor can confirm an incremental result with a full analysis once the user
pauses.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import re
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import Config
from .engine import Analysis, analyze
from .model import Finding
from .moves import lines_of, moved, shift_map
from .project import ProjectIndex, extract_facts, without_positions
from .routes.analysis import analysed_route_nodes
from . import recovery
from .source import SourceDoc
from .tokens import python_tokens

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: Share of the module's lines above which the re-check costs more than a full analysis: the
#: re-check extracts its copy's project facts (about half the cost of analysing it) on top of
#: analysing it, and a full analysis has no copy to build.
_CHEAPER_IN_FULL = 0.6
#: Below this many lines both paths take a few milliseconds: the fast path is kept there.
_SMALL_MODULE = 500


@dataclass(frozen=True)
class Chunk:
    """Lines ``[start, end)`` of the module: one top-level statement and the trivia after it."""

    start: int
    end: int
    #: The name a definition binds (None for any other statement, or blank lines only).
    name: str | None
    #: Whether the chunk holds a statement at all (False: only blank lines and comments).
    statement: bool
    #: Kind, decorators and bases of a definition: what others see without its body.
    header: str
    decorated: bool
    words: frozenset[str]
    #: An import statement (or one holding imports): rules consult the module's imports as a
    #: whole (which framework it uses, which helper a fix can reuse), whatever names them.
    imports: bool = False
    #: A class's body statements as chunks of their own (methods are re-checked one by one).
    members: tuple["Chunk", ...] = ()
    #: The class a member or class header belongs to, once that class is split into them.
    owner: str | None = None

    def moved(self, delta: int) -> "Chunk":
        members = tuple(m.moved(delta) for m in self.members)
        return dataclasses.replace(self, start=self.start + delta, end=self.end + delta, members=members)


@dataclass
class Outcome:
    analysis: Analysis
    #: The full document, when the full path parsed it (the fast path never parses it all).
    doc: SourceDoc | None
    incremental: bool


@dataclass
class _State:
    lines: list[str]
    chunks: list[Chunk]
    findings: list[Finding]
    key: tuple
    #: Names of the chunks holding a route handler, as the last full analysis found them.
    routes: frozenset[str]


def chunks_of(body: list[ast.stmt], lines: list[str], base: int, end: int, shift: int = 0, owner: str | None = None) -> list[Chunk]:
    """Chunks for the statements ``body``, parsed from ``lines[base:end]`` (``shift``: lines
    the parsed text had before ``lines[base]``)."""
    if not body:
        return [_chunk(None, lines, base, end, shift, owner)] if end > base else []
    starts = [_first_line(stmt) - 1 - shift + base for stmt in body]
    starts[0] = base  # comments before the first statement belong to it
    bounds = [*starts, end]
    return [_chunk(stmt, lines, start, stop, base - shift, owner) for stmt, start, stop in zip(body, bounds, bounds[1:])]


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    return min([stmt.lineno, *(d.lineno for d in decorators)]) if decorators else stmt.lineno


def _chunk(stmt: ast.stmt | None, lines: list[str], start: int, end: int, base: int = 0, owner: str | None = None) -> Chunk:
    """The chunk of ``stmt`` (``base``: the line of ``lines`` the parsed text's line 1 was);
    a top-level class also gets chunks for its body statements."""
    if isinstance(stmt, ast.ClassDef) and owner is None and stmt.body:
        first = _first_line(stmt.body[0]) - 1 + base
        members = tuple(chunks_of(stmt.body, lines, first, end, first - base, stmt.name))
        words = frozenset(_IDENTIFIER.findall("\n".join(lines[start : members[0].start]))).union(*(m.words for m in members))
    else:
        members, words = (), frozenset(_IDENTIFIER.findall("\n".join(lines[start:end])))
    if isinstance(stmt, _DEFINITIONS):
        parts = [type(stmt).__name__, stmt.name, *(ast.dump(d) for d in stmt.decorator_list)]
        if isinstance(stmt, ast.ClassDef):
            parts += [ast.dump(b) for b in stmt.bases] + [ast.dump(k) for k in stmt.keywords]
        return Chunk(start, end, stmt.name, True, "\n".join(parts), bool(stmt.decorator_list), words, members=members, owner=owner)
    imports = stmt is not None and any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(stmt))
    return Chunk(start, end, None, stmt is not None, "", False, words, imports, owner=owner)


class IncrementalAnalyser:
    """The analysis state of one open document, updated edit by edit (not thread-safe:
    one analyser per document, used by one worker at a time)."""

    def __init__(self) -> None:
        self._state: _State | None = None
        #: The last re-check's copy (its text) → its position-free project facts.
        self._facts_seen: dict[str, Any] = {}

    def analyse(
        self,
        text: str,
        path: str,
        module: str,
        config: Config,
        project: ProjectIndex | None,
        relative: str,
        root: Any = None,
        cancelled: Callable[[], bool] | None = None,
        project_state: object = None,
        interpreter: str | None = None,
    ) -> Outcome:
        """Findings for ``text``; ``project_state`` identifies the project facts (the index and
        its version): when it or anything else but the text changed, the analysis is full.
        ``interpreter``: the Python the user named for jedi lookups (see SourceDoc)."""
        key = (path, module, relative, str(root), config, project_state, interpreter)
        lines = text.split("\n")
        state = self._state
        if state is not None and state.key == key:
            fast = self._incremental(state, lines, path, module, config, project, relative, root, cancelled, interpreter)
            if fast is not None:
                return fast
        doc = SourceDoc(text, path, "python", module, root, interpreter)
        memo: dict[str, object] = {}
        self._facts_seen = {}
        analysis = analyze(doc, config, project, relative, cancelled=cancelled, memo=memo)
        if doc.tree is not None and analysis.not_analysed is None and not analysis.failures:
            chunks = chunks_of(doc.tree.body, lines, 0, len(lines))
            routes = _route_chunks(chunks, memo)
            self._state = _State(lines, chunks, list(analysis.findings), key, frozenset(chunks[i].name or "" for i in routes))
        elif not (cancelled is not None and cancelled()):
            self._state = None  # (a cancelled analysis leaves the last good state as the base)
        return Outcome(analysis, doc, incremental=False)

    # -- the fast path -------------------------------------------------------------------
    def _incremental(
        self, state: _State, lines: list[str], path: str, module: str, config: Config,
        project: ProjectIndex | None, relative: str, root: Any, cancelled: Callable[[], bool] | None,
        interpreter: str | None = None,
    ) -> Outcome | None:
        if _lone_carriage_return(lines):
            return None  # Python ends a line at a lone "\r" too: chunk lines would not match
        old = state.lines
        prefix = _common_prefix(old, lines)
        suffix = _common_suffix(old, lines, prefix)
        if prefix == len(old) == len(lines):
            return None  # same text: let the caller's full path (and its caches) answer
        delta = len(lines) - len(old)
        old_end = len(old) - suffix
        touched = [i for i, c in enumerate(state.chunks) if c.start < max(old_end, prefix + 1) and c.end > prefix]
        if not touched:
            return None
        first, last = touched[0], touched[-1]
        check = _Check(state, lines, delta, path, module, config, project, relative, root, cancelled, interpreter)
        if first == last and _inside_methods(state.chunks[first], prefix, old_end):
            return self._in_methods(check, first, prefix, old_end)
        region_start, region_end = state.chunks[first].start, state.chunks[last].end + delta
        if _full_is_cheaper(region_end - region_start, len(lines)):
            return None  # the edited definitions alone are most of the module: no need to parse them first
        parsed = _parse_region(lines, region_start, region_end)
        if parsed is None:
            return None
        region, region_broken = parsed
        new_chunks = chunks_of(region.body, lines, region_start, region_end)
        old_touched = state.chunks[first : last + 1]
        if not _same_interface(old_touched, new_chunks):
            return None
        chunks = [*state.chunks[:first], *new_chunks, *(c.moved(delta) for c in state.chunks[last + 1 :])]
        findings = self._recheck(check, state.chunks, chunks, first, last, len(new_chunks), region_broken)
        if findings is None:
            return None
        self._state = _State(lines, chunks, findings, state.key, state.routes)
        return Outcome(Analysis(findings=findings), None, incremental=True)

    def _in_methods(self, check: "_Check", index: int, prefix: int, old_end: int) -> Outcome | None:
        """An edit inside the methods of one class: the unit is the method. The class is
        split into its header (decorators and ``class`` line), which stays as context, and
        its body statements; everything else is as for top-level definitions."""
        state, lines, delta = check.state, check.lines, check.delta
        cls = state.chunks[index]
        members = cls.members
        touched = [i for i, m in enumerate(members) if m.start < max(old_end, prefix + 1) and m.end > prefix]
        first, last = touched[0], touched[-1]
        region_start, region_end = members[first].start, members[last].end + delta
        parsed = _parse_region(lines, region_start, region_end, indented=True)
        if parsed is None:
            return None
        region, region_broken = parsed
        new_members = chunks_of(region.body, lines, region_start, region_end, 1, cls.name)
        if not _same_interface(list(members[first : last + 1]), new_members, statements=False):
            return None
        head = _head(cls, state.lines)  # (the edit is below it: same lines before and after)
        updated = [*members[:first], *new_members, *(m.moved(delta) for m in members[last + 1 :])]
        old_flat = [*state.chunks[:index], head, *members, *state.chunks[index + 1 :]]
        new_flat = [*state.chunks[:index], head, *updated, *(c.moved(delta) for c in state.chunks[index + 1 :])]
        offset = index + 1
        findings = self._recheck(check, old_flat, new_flat, offset + first, offset + last, len(new_members), region_broken, head=index)
        if findings is None:
            return None
        words = head.words.union(*(m.words for m in updated))
        grown = dataclasses.replace(cls, end=cls.end + delta, words=words, members=tuple(updated))
        chunks = [*state.chunks[:index], grown, *(c.moved(delta) for c in state.chunks[index + 1 :])]
        self._state = _State(lines, chunks, findings, state.key, state.routes)
        return Outcome(Analysis(findings=findings), None, incremental=True)

    def _recheck(
        self, check: "_Check", old: list[Chunk], chunks: list[Chunk], first: int, last: int, count: int,
        region_broken: frozenset[int], head: int | None = None,
    ) -> list[Finding] | None:
        """The findings after chunks ``old[first:last + 1]`` became ``chunks[first:first +
        count]``: the re-checked ones fresh from a copy, the others carried over; None when
        only a full analysis can tell. ``head``: the header of the class whose methods are
        the units (its findings may depend on every method: any there takes the full path)."""
        state, lines = check.state, check.lines
        changed = set(range(first, first + count))
        statement_words = _statement_words(old[first : last + 1] + chunks[first : first + count])
        if statement_words:  # module-level code changed: so may every definition naming it
            changed |= {i for i, c in enumerate(chunks) if c.name is not None and c.words & statement_words}
        recheck = _connected(chunks, changed)
        routed = state.routes | _routed_names(check.project)
        routes = _possible_routes(chunks, routed)
        if head is not None:
            name = chunks[head].name
            if name in routed or name in _named_by_statements(chunks):
                return None  # a class that is or may be a route (a view) is judged as a whole
            # Its decorators and base classes are those of the last full analysis, which did
            # not find a route in it; a method is a route only through its class.
            routes = {i for i in routes if chunks[i].owner != name}
        if routes & recheck:  # a module's routes are judged together ("the other routes here...")
            recheck = _connected(chunks, recheck | routes)
        context = _context(chunks, recheck) | ({head} if head is not None else set())
        kept = recheck | context
        if _full_is_cheaper(sum(chunks[i].end - chunks[i].start for i in kept), len(lines)):
            return None  # the copy is most of the module: its facts and analysis cost more than a full one
        doc = SourceDoc(_only(lines, [chunks[i] for i in sorted(kept)]), check.path, "python", check.module, check.root, check.interpreter)
        shift = (last + 1 - first) - count  # new chunk index + shift = old index, after the edit
        old_kept = [old[i if i < first else i + shift] for i in kept if not first <= i < first + count] + old[first : last + 1]
        if not self._facts_unchanged(_only(state.lines, sorted(old_kept, key=lambda c: c.start)), doc):
            return None
        owners = _owners(chunks, recheck, bool(statement_words))
        memo: dict[str, object] = {}
        if {line for line in doc.broken_lines if _chunk_at(chunks, line) in owners} != region_broken:
            return None  # the copy's recovery disagrees with the region's: let the full one decide
        analysis = analyze(doc, check.config, check.project, check.relative, cancelled=check.cancelled, memo=memo)
        if analysis.not_analysed is not None or analysis.failures:
            return None
        if any(chunks[i].name not in state.routes for i in _route_chunks(chunks, memo)):
            return None  # the edit made a new route: the module's routes must be compared afresh
        fresh = [f for f in analysis.findings if _chunk_at(chunks, f.range.start.line) in owners]
        if head is not None and (
            any(_chunk_at(chunks, f.range.start.line) == head for f in analysis.findings)
            or any(_chunk_at(old, f.range.start.line) == head for f in state.findings)
        ):
            return None  # a finding on the class itself may weigh all its methods
        carried = _carried_over(state.findings, old, first, last, check.delta, owners, len(chunks) - len(old))
        if carried is None:
            return None
        return sorted([*carried, *fresh], key=lambda f: f.sort_key)

    def _facts_unchanged(self, old_text: str, doc: SourceDoc) -> bool:
        """Whether the module's project facts, positions aside, survive the edit.

        Both sides are extracted from the same chunks: the new side from ``doc``, the copy the
        re-check analyses (one parse; the analysis reuses its tree and access facts), the old
        side from the previous text blanked the same way (``old_text``). Typing stays in one
        place, so the old side is usually the previous keystroke's new side, kept instead of
        extracted again.
        """
        before = self._facts_seen.get(old_text)
        if before is None:
            before = without_positions(extract_facts(SourceDoc(old_text, doc.path, "python", doc.module_name, doc.root)))
        after = without_positions(extract_facts(doc))
        self._facts_seen = {doc.text: after}
        return before == after


@dataclass(frozen=True)
class _Check:
    """What a re-check needs besides the chunks: the previous state, the new lines, how many
    lines the edit added, and the analysis' own arguments."""

    state: _State
    lines: list[str]
    delta: int
    path: str
    module: str
    config: Config
    project: ProjectIndex | None
    relative: str
    root: Any
    cancelled: Callable[[], bool] | None
    interpreter: str | None


def _inside_methods(chunk: Chunk, prefix: int, old_end: int) -> bool:
    """Whether the edited lines (``prefix`` to ``old_end`` of the old text) lie inside the
    body statements of class ``chunk``, all of them definitions (a class attribute may be
    read by every method: its edits take the class as the unit)."""
    if not chunk.members or prefix < chunk.members[0].start:
        return False
    touched = [m for m in chunk.members if m.start < max(old_end, prefix + 1) and m.end > prefix]
    return bool(touched) and all(m.name is not None for m in touched)


def _head(cls: Chunk, lines: list[str]) -> Chunk:
    """The header of class ``cls`` (decorators and ``class`` line, up to its first body
    statement) as a chunk of its own."""
    end = cls.members[0].start
    words = frozenset(_IDENTIFIER.findall("\n".join(lines[cls.start : end])))
    return dataclasses.replace(cls, end=end, words=words, members=(), owner=cls.name)


def _full_is_cheaper(copied: int, total: int) -> bool:
    """Whether re-checking a copy of ``copied`` lines of a ``total``-line module costs more
    than analysing the whole module."""
    return total >= _SMALL_MODULE and copied > _CHEAPER_IN_FULL * total


def _lone_carriage_return(lines: list[str]) -> bool:
    return any("\r" in line[:-1] for line in lines)


def _common_prefix(old: list[str], new: list[str]) -> int:
    limit = min(len(old), len(new))
    count = 0
    while count < limit and old[count] == new[count]:
        count += 1
    return count


def _common_suffix(old: list[str], new: list[str], prefix: int) -> int:
    limit = min(len(old), len(new)) - prefix
    count = 0
    while count < limit and old[-1 - count] == new[-1 - count]:
        count += 1
    return count


def _parse_region(lines: list[str], start: int, end: int, indented: bool = False) -> tuple[ast.Module, frozenset[int]] | None:
    """The region's statements, parsed alone (line 1 = ``start``), and the lines masked
    because they do not parse; None when the region cannot be judged alone.

    ``indented``: the region is a class's body statements, parsed as the body of an ``if``
    line put before it (then line 2 = ``start``, and the result's body is that ``if``'s).

    A half-typed statement is masked the way a full analysis masks it, but only when its
    brackets and strings are closed by the region's end: an open bracket or string runs on
    into the following definitions, and how far its damage reaches is the full analysis'
    to judge (editors close brackets and quotes as they are typed, so most states qualify).
    """
    if end < start:
        return None
    shift = 1 if indented else 0
    text = "if 1:\n" * shift + "\n".join(lines[start:end])
    broken: frozenset[int] = frozenset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError):
        if not _closed(text):
            return None
        try:
            result = recovery.parse(text)
        except recovery.TooComplexError:
            return None
        tree, broken = result.tree, frozenset(line - shift + start for line in result.broken_lines)
        if tree is None or any(line < start for line in broken):
            return None
    except (RecursionError, MemoryError):
        return None
    if indented:
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.If) or tree.body[0].orelse:
            return None  # a statement left the class body (dedented): not the class's methods any more
        tree = ast.Module(body=tree.body[0].body, type_ignores=[])
    return tree, broken


def _closed(text: str) -> bool:
    """Whether every bracket and multi-line string opened in ``text`` is closed in it."""
    try:
        for _ in python_tokens(text):
            pass
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def _same_interface(old: list[Chunk], new: list[Chunk], statements: bool = True) -> bool:
    """The same definitions with the same headers (bodies may differ); module-level
    statements may change, except imports (rules read a module's imports as a whole), and
    with ``statements`` False none may (in a class body: every method may read them)."""
    def headers(chunks: list[Chunk]) -> list[str] | None:
        found = []
        for chunk in chunks:
            if chunk.name is None:
                if chunk.imports or (chunk.statement and not statements):
                    return None
                continue
            found.append(chunk.header)
        return found

    before, after = headers(old), headers(new)
    return before is not None and before == after


def _statement_words(chunks: list[Chunk]) -> set[str]:
    """Every identifier the edited module-level statements mention, before and after: the
    names they bind are among them, so a definition that mentions none is not affected."""
    return set().union(*(c.words for c in chunks if c.name is None and c.statement))


def _connected(chunks: list[Chunk], changed: set[int]) -> set[int]:
    """The definitions connected to the changed ones by a name either of them mentions.

    A method also stands for its class: what is said of a class (a permission class, a
    login mixin) is read from its methods, so code naming the class is connected to each
    of them (the class's own header and methods naming it are not)."""
    defined: dict[str, list[int]] = {}
    for index, chunk in enumerate(chunks):
        if chunk.name is not None:
            defined.setdefault(chunk.name, []).append(index)
            if chunk.owner is not None and chunk.owner != chunk.name:
                defined.setdefault(chunk.owner, []).append(index)
    mentioned_by: dict[int, set[int]] = {}
    for index, chunk in enumerate(chunks):
        if chunk.name is None:
            continue
        for word in chunk.words:
            if word == chunk.owner:
                continue
            for target in defined.get(word, ()):
                if target != index:
                    mentioned_by.setdefault(target, set()).add(index)
                    mentioned_by.setdefault(index, set()).add(target)
    found = set(changed)
    todo = list(changed)
    while todo:
        for neighbour in mentioned_by.get(todo.pop(), ()):
            if neighbour not in found:
                found.add(neighbour)
                todo.append(neighbour)
    return found


def _possible_routes(chunks: list[Chunk], routed: frozenset[str]) -> set[int]:
    """Definitions that may be route handlers: decorated, named by module-level code
    (``add_url_rule``, ``urlpatterns``), or named in ``routed`` (routes of the last full
    analysis and the views the project's URL configurations name)."""
    named_at_module_level = _named_by_statements(chunks)
    return {
        i for i, c in enumerate(chunks)
        if c.name is not None and (c.decorated or c.name in named_at_module_level or c.name in routed)
    }


def _named_by_statements(chunks: list[Chunk]) -> set[str]:
    """Every identifier the module-level statements mention (``add_url_rule``, ``urlpatterns``)."""
    return set().union(*(c.words for c in chunks if c.name is None and c.statement))


def _context(chunks: list[Chunk], recheck: set[int]) -> set[int]:
    """Chunks the re-checked ones are analysed with: module-level statements and every
    definition they or the re-checked ones mention, transitively."""
    defined: dict[str, list[int]] = {}
    for index, chunk in enumerate(chunks):
        if chunk.name is not None:
            defined.setdefault(chunk.name, []).append(index)
    context = {i for i, c in enumerate(chunks) if c.name is None and c.statement}
    todo = list(context | recheck)
    seen = set(todo)
    while todo:
        for word in chunks[todo.pop()].words:
            for target in defined.get(word, ()):
                if target not in seen:
                    seen.add(target)
                    context.add(target)
                    todo.append(target)
    return context - recheck


def _route_chunks(chunks: list[Chunk], memo: dict[str, object]) -> set[int]:
    """Chunks holding the handler of a route the analysis (with this memo) judged."""
    return {_chunk_at(chunks, node.lineno - 1) for node in analysed_route_nodes(memo)} if chunks else set()


def _routed_names(project: ProjectIndex | None) -> frozenset[str]:
    """Last segments of every view the project's URL configurations name: a plain function
    or class of that name may be a route (Django, DRF routers) even with no decorator."""
    if project is None:
        return frozenset()
    names: set[str] = set()
    for facts in project.facts("access").values():
        for entry in facts.get("urls", ()) if isinstance(facts, dict) else ():
            view = str(entry.get("view", ""))
            names.update(part for part in view.replace("(", ".").replace(")", ".").split(".") if part)
    return frozenset(names)


def _owners(chunks: list[Chunk], recheck: set[int], statements_changed: bool) -> set[int]:
    """Chunks whose findings come from the re-check: the re-checked definitions and the
    module-level statements that mention one of them, or every module-level statement when
    one of them changed (settings-file rules judge them together)."""
    names = {chunks[i].name for i in recheck}
    return recheck | {
        i for i, c in enumerate(chunks) if c.statement and c.name is None and (statements_changed or c.words & names)
    }


def _chunk_at(chunks: list[Chunk], line: int) -> int:
    """Index of the chunk holding ``line`` (chunks are in order and cover every line)."""
    return max(bisect.bisect_right(chunks, line, key=lambda chunk: chunk.start) - 1, 0)


def _only(lines: list[str], kept: list[Chunk]) -> str:
    """The text with every line outside the ``kept`` chunks blanked (line numbers kept)."""
    out = [""] * len(lines)
    for chunk in kept:
        out[chunk.start : chunk.end] = lines[chunk.start : chunk.end]
    return "\n".join(out)


def _carried_over(
    findings: list[Finding], old: list[Chunk], first: int, last: int, delta: int, owners: set[int], added: int,
) -> list[Finding] | None:
    """The previous findings of chunks that are not re-checked, moved by ``delta`` lines
    (``added``: how many more chunks there are after the edit).

    None when one of them points into the edited lines (it cannot be moved reliably).
    """
    edit_start, edit_end = old[first].start, old[last].end
    kept: list[Finding] = []
    for finding in findings:
        index = _chunk_at(old, finding.range.start.line)
        if first <= index <= last:
            continue  # an edited chunk: re-checked
        new_index = index if index < first else index + added
        if new_index in owners:
            continue
        if any(edit_start <= line < edit_end for line in lines_of(finding)):
            return None
        kept.append(moved(finding, shift_map(edit_end, delta)) if delta else finding)  # type: ignore[arg-type]
    return kept
