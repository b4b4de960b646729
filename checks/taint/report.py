"""Turning sink hits into findings: messages that name source and sink, flow steps, confidence."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..context import RuleContext
from ..model import Confidence, Finding, Fix, FlowStep, Range
from .analysis import taint_hits
from .callers import has_project_caller
from .flow import SinkHit
from .labels import Label

#: category → how the sink uses the data, for messages.
ROLE = {
    "sql": "as SQL",
    "nosql": "as a MongoDB query",
    "command": "as a shell command",
    "code": "as code or a template",
    "path": "as a file path",
    "ssrf": "as the URL of a server-side request",
    "redirect": "as a redirect target",
    "deserialization": "as serialized objects",
    "xxe": "as XML for a parser that expands entities",
    "ldap": "as an LDAP filter",
    "xpath": "as an XPath expression",
    "session": "as a trusted session value",
    "html": "as HTML",
    "markup": "as markup trusted not to need escaping",
}

#: Categories whose parameter-built sink is shown at the default confidence when no code of
#: the project calls the function (a library API: the unknown caller decides). Measured on
#: the real-world corpora before widening it (benchmarks/realworld/injection.md).
CALLER_DECIDES = frozenset({"sql"})

FixMaker = Callable[[RuleContext, SinkHit], Fix | None]


def primary(hit: SinkHit) -> Label:
    """The label a message is about, chosen the same way in every process: request data
    before stored data, then the earliest source."""
    return min(
        hit.labels,
        key=lambda label: (
            label.origin.stored,
            not label.origin.proven,
            label.origin.path,
            label.origin.range.start,
            label.origin.name,
            label.alias,
            len(label.steps),
            label.steps,
        ),
    )


def describe(label: Label, ctx: RuleContext) -> str:
    origin = label.origin
    line = origin.range.start.line + 1
    where = f"line {line}" if not origin.path or origin.path == ctx.doc.path else f"{origin.path} line {line}"
    if origin.stored:
        return f"stored data from `{origin.what}` ({where})"
    if origin.kind == "source":
        if not label.alias:
            return f"user input from `{origin.what}` ({where})"
        return f"`{label.alias}` from `{origin.what}` ({where})"
    if origin.route:
        return f"route parameter `{origin.name}` ({where})"
    return f"parameter `{origin.name}`"


def findings(ctx: RuleContext, category: str, make_fix: FixMaker | None = None) -> Iterator[Finding]:
    for hit in taint_hits(ctx):
        if hit.category == category:
            yield finding_for(ctx, hit, make_fix)


def finding_for(ctx: RuleContext, hit: SinkHit, make_fix: FixMaker | None) -> Finding:
    role = ROLE[hit.category]
    sink = f"`{hit.sink}`" if hit.sink != "the response" else "the HTML response"
    inside = ""
    if hit.entry is not None:
        path, rng, caller = hit.entry
        where = f"line {rng.start.line + 1}" if path == ctx.doc.path else f"{path} line {rng.start.line + 1}"
        inside = f" (passed in by `{caller}()` at {where})"
    if hit.via is not None:
        where = f"line {hit.via.range.start.line + 1}"
        if hit.via.path != ctx.doc.path:
            where = f"{hit.via.path} {where}"
        inside = f" in `{hit.via.function}()` ({where})"
    if not hit.labels:  # a sink dangerous whatever data it gets (``untainted`` rows say why)
        why = hit.row.get("untainted_message") if hit.row is not None else None
        message = f"`{hit.sink}` {why or 'is dangerous with any input'}"
        confidence = Confidence.MEDIUM
    else:
        first = primary(hit)
        origin = first.origin
        if origin.proven:
            confidence = Confidence.MEDIUM if origin.stored else Confidence.HIGH
            if _minor_sink(hit):
                confidence = Confidence.LOW
            message = f"{describe(first, ctx)} reaches {sink} {role}{inside}"
        else:
            name = hit.function.name if hit.function is not None else "?"
            built = f"{describe(first, ctx)} of `{name}()` is built into data that reaches {sink} {role}"
            if hit.category in CALLER_DECIDES and hit.function is not None and not has_project_caller(ctx, hit.function):
                confidence = Confidence.MEDIUM
                message = f"{built}; nothing in the project calls `{name}()`, so its caller decides: user input passed to it is injected"
            else:
                # Callers the flow sees pass nothing from a request (a tainted call would have
                # made this an ordinary finding): shown only on request.
                confidence = Confidence.LOW
                message = f"{built}; callers must not pass user input"

    fix = make_fix(ctx, hit) if make_fix is not None and not isinstance(hit.node, Range) else None
    return ctx.finding(hit.node, message, fix=fix, confidence=confidence, flow=_flow(ctx, hit))


def _minor_sink(hit: SinkHit) -> bool:
    """A sink whose row says its harm is small (``confidence = "low"``: an existence check
    tells whether a file is there, it reads and writes nothing), directly or in a callee."""
    declared = hit.row.get("confidence") if hit.row is not None else (hit.via.confidence if hit.via is not None else "")
    return declared == "low"


def _flow(ctx: RuleContext, hit: SinkHit) -> list[FlowStep]:
    if not hit.labels:
        return []
    label = primary(hit)
    origin = label.origin
    source_path = origin.path if origin.path and origin.path != ctx.doc.path else None
    steps = [FlowStep(origin.range, f"source: {describe(label, ctx)}", source_path)]
    steps += [FlowStep(rng, message) for rng, message in label.steps]
    if hit.entry is not None:
        path, rng, caller = hit.entry
        steps.append(FlowStep(rng, f"passed to `{hit.function.name if hit.function else '?'}()` by `{caller}()`", path if path != ctx.doc.path else None))
    if hit.via is not None:
        steps.append(FlowStep(ctx.doc.range_of(hit.node), f"passed to `{hit.via.function}()`"))
        other = hit.via.path if hit.via.path != ctx.doc.path else None
        steps += [FlowStep(rng, message, other) for rng, message in hit.via.steps]
        steps.append(FlowStep(hit.via.range, f"sink: `{hit.via.sink}` {ROLE[hit.category]}", other))
    else:
        where = hit.node if isinstance(hit.node, Range) else ctx.doc.range_of(hit.node)
        steps.append(FlowStep(where, f"sink: `{hit.sink}` {ROLE[hit.category]}"))
    return steps
