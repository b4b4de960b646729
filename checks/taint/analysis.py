"""One taint pass per document, shared by every injection and output-encoding rule.

:func:`taint_hits` runs :class:`~.flow.ModuleFlow` once and keeps the sink hits in
``ctx.memo``; rules pick the categories they report. Calls into other project modules use the
``taint_summaries`` fact (one summary per module-level function, computed in the indexing
phase where no other file is visible, so a cross-module flow is followed one module deep per
call and arbitrarily deep inside a module).
"""

from __future__ import annotations

import ast

from ..context import RuleContext
from ..knowledge import load
from ..project import fact_extractor
from ..source import SourceDoc
from .flow import ModuleFlow, SinkHit
from .model import model_for
from .summaries import Summary

_MEMO = "taint.hits"


@fact_extractor("taint_summaries")
def taint_summaries(doc: SourceDoc) -> dict[str, Summary]:
    """Summaries of the module-level functions that pass data on or into a sink."""
    if doc.tree is None or not any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) for s in doc.tree.body):
        return {}
    flow = ModuleFlow(doc, model_for(load()))
    found = {}
    for name, func in flow.functions.items():
        summary = flow.function(func).summary
        if summary.returns or summary.sinks or summary.sources:
            found[name] = summary
    return found


def _external_lookup(ctx: RuleContext):
    project = ctx.project
    if project is None:
        return lambda path: None
    by_module: dict[str, dict[str, Summary]] = {}
    for path, facts in project.files.items():
        summaries = facts.facts.get("taint_summaries")
        if summaries and facts.module and path != ctx.doc.path:
            by_module[facts.module] = summaries

    def lookup(dotted_path: str) -> Summary | None:
        module, _, name = dotted_path.rpartition(".")
        return by_module.get(module, {}).get(name)

    return lookup


def taint_hits(ctx: RuleContext) -> list[SinkHit]:
    """Every sink hit of the document (computed on first use, then shared)."""
    hits = ctx.memo.get(_MEMO)
    if hits is None:
        if ctx.doc.tree is None:
            hits = []
        else:
            flow = ModuleFlow(ctx.doc, model_for(ctx.knowledge), ctx.config.sanitizers, _external_lookup(ctx))
            hits = flow.run()
        ctx.memo[_MEMO] = hits
    return hits  # type: ignore[return-value]
