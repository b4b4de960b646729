"""Per-route security checklist: the data behind ``codeward routes`` and the CodeLens.

A summary says, for one route, its methods and URL, where its handler is, which guard
authenticates it (or none), whether its record fetches are tied to the caller, what input it
takes and which access-control findings it has.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..config import Config
from ..knowledge import load
from ..model import Finding, Range
from ..project import ProjectIndex
from ..source import SourceDoc
from .analysis import Verdict, verdicts
from .ownership import Unchecked, unchecked_fetches
from .scope import project_view
from .view import SHARED_SECRET


@dataclass
class RouteSummary:
    framework: str
    methods: list[str]
    url: str
    handler: str
    path: str
    range: Range
    authentication: str
    ownership: str
    inputs: list[str]
    findings: list[dict[str, str]] = field(default_factory=list)
    #: The strongest guard as data (name, kind: login/admin, source: decorator, dependency...),
    #: for tools that reuse the project's own guard; ``authentication`` is its display form.
    guard: tuple[str, str, str] | None = None
    #: Wired into the served app: True, False (``unserved`` says why) or None (unknown).
    served: bool | None = None
    unserved: str = ""

    @property
    def lens(self) -> str:
        """One line for an editor CodeLens above the handler."""
        status = "; ".join(f["code"] for f in self.findings) or "no access-control findings"
        verdict, _, detail = self.authentication.partition(": ")
        auth = detail.split(" (", 1)[0] if verdict == "checked" else verdict  # the guard's name
        ownership = self.ownership.partition(": ")[0]
        served = " · not served" if self.served is False else ""
        return f"{' '.join(self.methods)} {self.url or '?'}{served} · auth: {auth} · ownership: {ownership} · {status}"

    def to_dict(self) -> dict[str, object]:
        return {
            "framework": self.framework,
            "methods": self.methods,
            "url": self.url,
            "handler": self.handler,
            "path": self.path,
            "line": self.range.start.line + 1,
            "authentication": self.authentication,
            "ownership": self.ownership,
            "inputs": self.inputs,
            "findings": self.findings,
            "served": self.served,
            **({"unserved": self.unserved} if self.served is False else {}),
        }


def _inputs(route_functions: list[ast.FunctionDef | ast.AsyncFunctionDef], path_params: list[str]) -> list[str]:
    found: list[str] = [f"path:{p}" for p in path_params]
    for func in route_functions:
        for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
            if arg.arg in ("self", "request", "req", "cls") or arg.arg in path_params:
                continue
            default_text = ""
            if arg.annotation is not None:
                default_text = ast.unparse(arg.annotation)
            if "Depends" in default_text or "Session" in default_text:
                continue
            found.append(f"param:{arg.arg}")
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and node.attr in ("args", "form", "json", "files", "GET", "POST", "data", "query_params", "cookies", "headers") and isinstance(node.value, ast.Name) and node.value.id == "request":
                found.append(f"request.{node.attr}")
    return sorted(set(found), key=found.index)


def summarise(doc: SourceDoc, project: ProjectIndex | None = None, config: Config | None = None) -> list[RouteSummary]:
    """Every route of ``doc`` with its checklist (runs the CW3xx rules on ``doc``)."""
    from ..engine import analyze
    from ..registry import all_rules

    config = config or Config()
    if doc.tree is None:
        return []
    rules = [r for c, r in all_rules().items() if c.startswith("CW30")]
    findings = analyze(doc, config, project, rules=rules).findings
    memo: dict[str, object] = {}
    knowledge = load()
    view_verdicts = verdicts(doc, project, config, knowledge, memo)
    view = project_view(doc, project, memo)
    out: list[RouteSummary] = []
    for v in view_verdicts:
        route = v.route
        node = route.node
        first = node.lineno - 1
        last = (node.end_lineno or node.lineno) - 1
        start_line = min([first, *((d.lineno - 1) for d in node.decorator_list)])
        mine = [f for f in findings if start_line <= f.range.start.line <= last]
        how: list[str] = []
        unchecked = unchecked_fetches(doc, v, view, knowledge, config.auth_guards, how)
        out_ownership = _ownership_line(v, unchecked, how)
        auth = _authentication_line(v)
        out.append(RouteSummary(
            framework=route.framework,
            methods=list(route.methods),
            url=route.url,
            handler=route.handler,
            path=doc.path,
            range=Range.of(first, node.col_offset, first, node.col_offset),
            authentication=auth,
            ownership=out_ownership,
            inputs=_inputs(route.functions, route.path_params),
            findings=[_finding_dict(f) for f in mine],
            guard=_strongest_guard(v),
            served=route.served,
            unserved=route.unserved,
        ))
    return out


def _strongest_guard(verdict: Verdict) -> tuple[str, str, str] | None:
    guard = verdict.route.strongest()
    return None if guard is None else (guard.name, guard.kind, guard.source)


_LOOKED_FOR = "no decorator, dependency, hook, middleware or check in the body protects it"


def _authentication_line(verdict: Verdict) -> str:
    """``checked: <the guard that checks the caller>``, ``public: <why it is open by design>``,
    or ``none: <what was looked for and not found>`` followed by why that is reported or not.
    A guard that opens the route (``AllowAny``, optional authentication) checks nothing, so it
    never reads as "checked"."""
    checking = [g for g in verdict.route.guards if g.kind in ("login", "admin")]
    if checking:
        guard = next((g for g in checking if g.kind == "admin"), checking[0])
        return f"checked: {guard.name} ({guard.kind}, {guard.source})"
    if verdict.public:
        return f"public: {verdict.public}"
    opener = next((g for g in verdict.route.guards if g.kind == "public"), None)
    found = f"`{opener.name}` opens it to anonymous callers" if opener is not None else _LOOKED_FOR
    if verdict.needs_login:
        return f"none: {found}; reported: {verdict.reason}"
    return f"none: {found}; not reported: {_why_not_needed(verdict)}"


def _why_not_needed(verdict: Verdict) -> str:
    """Why an unprotected route is not reported: what the route does not do."""
    effects = verdict.effects
    if not (effects.reads or effects.writes or effects.uses_user):
        return "it reads or changes no stored data"
    if effects.writes:
        return "it only adds records and the other routes that change data are not guarded either"
    return "it reads data the guarded routes do not protect, and nothing personal"


def _ownership_line(verdict: Verdict, unchecked: list[Unchecked], how: list[str]) -> str:
    """``checked: <how>`` when the route's fetches by a client id are tied to the caller,
    ``not checked: <which fetch>``, or ``not judged: <why>`` when nothing was decided."""
    if unchecked:
        item = unchecked[0]
        name = item.model.name
        record = f"a {name}" if name[:1].isupper() else f"a record of `{name}`"
        return f"not checked: `{item.id_name}` loads {record} with no owner filter or comparison with the caller"
    if verdict.admin_checked or verdict.admin_route:
        return "not judged: admin route (a role check, not ownership, decides)"
    if verdict.route.object_permission:
        return "checked: object permission class"
    if any(g.source == SHARED_SECRET for g in verdict.route.guards):
        return "not judged: the caller is a service holding a shared secret from the configuration, not a user"
    if verdict.public:
        return f"not judged: public by design ({verdict.public})"
    if how:
        return "checked: " + "; ".join(dict.fromkeys(how))
    if not verdict.route.path_params and not (verdict.effects.reads or verdict.effects.writes):
        return "not judged: it reads or changes no stored data"
    return "not judged: no record fetched by a client-supplied id was recognised"


def _finding_dict(finding: Finding) -> dict[str, str]:
    return {"code": finding.code, "line": str(finding.range.start.line + 1), "message": finding.message}


def summaries_for(doc: SourceDoc, project: ProjectIndex | None = None, config: Config | None = None) -> list[tuple[Range, str]]:
    """``(range of the handler's def line, one-line summary)`` per route, for CodeLens."""
    return [(s.range, s.lens) for s in summarise(doc, project, config)]
