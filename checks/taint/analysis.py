"""One taint pass per document, shared by every injection and output-encoding rule.

:func:`taint_hits` runs :class:`~.flow.ModuleFlow` once and keeps the sink hits in
``ctx.memo``; rules pick the categories they report. Files talk to each other through the
``taint_summaries`` fact, computed in the indexing phase where no other file is visible:
each file's function summaries (callers apply them) and its calls passing request data to
functions of other modules (the callee's file reports those flows at its own sink). A
cross-module flow is therefore followed one module deep per call, and arbitrarily deep
inside a module.

The indexing pass and the findings pass differ only in what the project answers: a file whose
calls the other files' facts say nothing about (most of a large project) gets the same sink
hits twice. The indexing pass therefore keeps its hits with the questions it asked, and the
findings pass reuses them when the project's answers to those questions are still "nothing
known" (:func:`taint_hits`): the flow is deterministic, so the same answers mean the same run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from ..context import RuleContext
from ..invented.sanitizers import imported_reason
from ..knowledge import load
from ..project import ProjectIndex, fact_extractor
from ..source import SourceDoc
from .flow import Incoming, ModuleFlow, SinkHit
from .labels import Label
from .model import model_for
from .summaries import OutgoingCall, Summary, TaintFacts

_MEMO = "taint.hits"
#: ``doc.memo`` key of the indexing pass's :class:`_ProjectFreeRun`.
_FREE_RUN = "taint.project_free_run"


@dataclass
class _ProjectFreeRun:
    """The sink hits of a taint pass that saw no other file, and what it asked the project
    (every answer was "nothing known")."""

    hits: list[SinkHit] = field(default_factory=list)
    #: Dotted paths looked up as functions of other modules.
    looked_up: set[str] = field(default_factory=set)
    #: Dotted paths asked whether they are validators that check nothing.
    validators: set[str] = field(default_factory=set)

    def noted_lookup(self, path: str) -> None:
        self.looked_up.add(path)

    def noted_validator(self, path: str) -> bool:
        self.validators.add(path)
        return False

    def still_holds(self, lookup: Callable[[str], Summary | None], checks_nothing: Callable[[str], bool]) -> bool:
        """Whether the project still knows nothing about every question this run asked."""
        return all(lookup(path) is None for path in self.looked_up) and not any(map(checks_nothing, self.validators))


@fact_extractor("taint_summaries")
def taint_summaries(doc: SourceDoc) -> TaintFacts | None:
    """Summaries of module-level functions and calls passing request data elsewhere."""
    if doc.tree is None:
        return None
    free = _ProjectFreeRun()
    flow = ModuleFlow(doc, model_for(load()), external=free.noted_lookup, checks_nothing=free.noted_validator)
    free.hits = flow.run()
    doc.memo[_FREE_RUN] = free  # the findings pass may reuse it (see taint_hits)
    summaries = {}
    # Methods too ("Class.method"): a repository or service class in one module is called
    # through an instance or an annotated parameter in another.
    for name, func in [*flow.functions.items(), *flow.methods.items()]:
        summary = flow.function(func).summary
        if summary.returns or summary.sinks or summary.sources or summary.returns_type:
            summaries[name] = summary
    if not summaries and not flow.outgoing and not flow.functions:
        return None
    # Facts must not depend on set iteration order: the project digest (the warm-cache key)
    # and the language server's "did this file's facts change" both compare them.
    calls = tuple(sorted(flow.outgoing, key=_call_order))
    return TaintFacts(summaries, calls, frozenset(flow.functions))


def _call_order(call: OutgoingCall) -> tuple:
    return (call.range.start, call.callee, call.param, call.keyword, call.origin.range.start, call.origin.what,
            sorted(call.text), sorted(call.cleared), call.alias)


def _project_links(ctx: RuleContext) -> tuple[Callable[[str], Summary | None], list[Incoming]]:
    """(summary lookup by dotted path, calls from other files into this module)."""
    project = ctx.project
    if project is None:
        return (lambda path: None), []
    modules, calls_into = _project_taint(project)
    path = ctx.doc.path
    incoming: list[Incoming] = []
    parts = ctx.doc.module_name.split(".") if ctx.doc.module_name else []
    # Callers name this module by its dotted name, or (scripts importing a neighbour) by a
    # shorter tail of it that resolves to this file from where they are.
    for start in range(len(parts)):
        written = ".".join(parts[start:])
        for source, call in calls_into.get(written, ()):
            if source != path and (start == 0 or project.import_target(source, written) == path):
                label = Label(call.origin, call.cleared, call.text, alias=call.alias, held=call.held)
                name = call.callee[len(written) + 1 :].replace("()", "")
                incoming.append(Incoming(name, call.param, call.keyword, (label,), call.path, call.range, call.function))

    def facts_of(module: str) -> TaintFacts | None:
        # The last file of that module other than this one (as the index lists them).
        facts = next((f for source, f in reversed(modules.get(module, ())) if source != path), None)
        if facts is None and module:
            target = project.import_target(path, module)
            known = project.files.get(target) if target is not None and target != path else None
            found = known.facts.get("taint_summaries") if known is not None else None
            facts = found if isinstance(found, TaintFacts) else None
        return facts

    def lookup(dotted_path: str) -> Summary | None:
        for module, name in callee_splits(dotted_path):
            facts = facts_of(module)
            if facts is None:
                continue
            found = facts.summaries.get(name)
            if found is None and name in facts.functions:
                return Summary(name, ())  # a project function that passes nothing on
            if found is not None or "." not in name:
                return found
        return None

    return lookup, incoming


def callee_splits(dotted_path: str) -> list[tuple[str, str]]:
    """Ways to read a called path as (module, function in it): ``pkg.mod.run`` is ``run`` in
    ``pkg.mod``; ``pkg.mod.Repo.get`` and ``pkg.mod.Repo().get`` (an annotated parameter, an
    instance) may also be the method ``Repo.get`` of ``pkg.mod``."""
    module, _, name = dotted_path.rpartition(".")
    splits = [(module, name)]
    owner, _, klass = module.replace("()", "").rpartition(".")
    # A capitalised name is a class; so is anything called before the method (an instance,
    # ``request_wrapper(request).get(...)``) whatever its case.
    if owner and (klass[:1].isupper() or module.endswith("()")) and "()" not in owner:
        splits.append((owner, f"{klass}.{name}"))
    return splits


def _project_taint(project: ProjectIndex) -> tuple[dict[str, list[tuple[str, TaintFacts]]], dict[str, list[tuple[str, OutgoingCall]]]]:
    """Every file's taint facts by module, and every outgoing call by the module it calls
    into, each with the file it comes from, in index order. Built once per index version
    (rebuilding it for each analysed file was quadratic in the number of files)."""
    return project.derived("taint.links", lambda: _links(project))


def _links(project: ProjectIndex) -> tuple[dict[str, list[tuple[str, TaintFacts]]], dict[str, list[tuple[str, OutgoingCall]]]]:
    modules: dict[str, list[tuple[str, TaintFacts]]] = {}
    calls_into: dict[str, list[tuple[str, OutgoingCall]]] = {}
    for path, file_facts in project.files.items():
        facts = file_facts.facts.get("taint_summaries")
        if not isinstance(facts, TaintFacts):
            continue
        if file_facts.module:
            modules.setdefault(file_facts.module, []).append((path, facts))
        for call in facts.calls:
            for module, _ in callee_splits(call.callee):
                calls_into.setdefault(module, []).append((path, call))
    return modules, calls_into


def _ineffective_in_project(ctx: RuleContext) -> Callable[[str], bool]:
    """Whether the project function at a dotted path checks nothing, by its module's
    ``ineffective_sanitizers`` facts (so an imported do-nothing validator clears no taint)."""
    project = ctx.project
    if project is None:
        return lambda path: False
    return lambda path: imported_reason(project, path) is not None


def taint_hits(ctx: RuleContext) -> list[SinkHit]:
    """Every sink hit of the document (computed on first use, then shared). The indexing
    pass's hits serve when nothing it did not know then changes the run: no configured
    sanitizers, no calls from other files into this one, and no answer from the project to
    any question it asked."""
    hits = ctx.memo.get(_MEMO)
    if hits is None:
        # Taken, not read: the rules that report these hits own them from here on.
        free = ctx.doc.memo.pop(_FREE_RUN, None)
        if ctx.doc.tree is None or not any(True for _ in ast.iter_child_nodes(ctx.doc.tree)):
            hits = []
        else:
            lookup, incoming = _project_links(ctx)
            checks_nothing = _ineffective_in_project(ctx)
            if (isinstance(free, _ProjectFreeRun) and not incoming and not ctx.config.sanitizers
                    and free.still_holds(lookup, checks_nothing)):
                hits = free.hits
            else:
                flow = ModuleFlow(ctx.doc, model_for(ctx.knowledge), ctx.config.sanitizers, lookup,
                                  checks_nothing=checks_nothing)
                hits = flow.run(incoming)
        ctx.memo[_MEMO] = hits
    return hits  # type: ignore[return-value]
