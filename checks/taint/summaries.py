"""Per-function summaries: what a function does with its parameters, without its body.

A summary says which parameters reach the return value (and what cleared them on the way),
which parameters reach a sink inside the function (or inside functions it calls), and which
request data the function returns by itself (``def search_term(): return request.args["q"]``).
Summaries are plain frozen dataclasses so the project index can pickle them; callers in the
same module use them directly, callers in other modules through the ``taint_summaries`` fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Range
from .labels import Origin


@dataclass(frozen=True)
class ParamSink:
    """Parameter ``param`` reaches sink ``sink`` (a ``category`` sink) at ``range`` of ``path``."""

    param: int
    category: str
    sink: str
    range: Range
    path: str
    function: str
    needs_text: str = ""
    steps: tuple[tuple[Range, str], ...] = ()
    #: The parameter itself is the sink argument (``cursor.execute(sql)``): whoever builds
    #: the value is at fault, so the flow is reported at the call site, not here.
    direct: bool = False
    #: "low" for sinks whose harm is small (an existence check): shown only on request.
    confidence: str = ""
    #: Only the keys of the parameter reach the sink (``", ".join(data.keys())``): values a
    #: caller holds under fixed keys (``{"title": x}``) do not.
    keys_only: bool = False
    #: The parameter is written inside a file name with fixed text (``f"export_{id}.csv"``):
    #: a caller's one-segment value (a route's ``{id}``) cannot climb out through it.
    in_name: bool = False


@dataclass(frozen=True)
class ParamReturn:
    """Parameter ``param`` reaches the return value with these categories cleared."""

    param: int
    cleared: frozenset[str] = frozenset()
    text: frozenset[str] = frozenset()
    built: bool = False


@dataclass(frozen=True)
class Summary:
    name: str
    params: tuple[str, ...]
    returns: tuple[ParamReturn, ...] = ()
    sinks: tuple[ParamSink, ...] = ()
    #: Request data the function returns itself: (origin with the defining file's path,
    #: categories it is already safe for).
    sources: tuple[tuple[Origin, frozenset[str]], ...] = ()
    #: Whether the first parameter is ``self``/``cls`` (callers skip it).
    method: bool = False
    #: The file defining the function.
    path: str = ""
    #: What every ``return`` gives back, as a dotted type (``ldap3.Connection`` for a helper
    #: returning a connection), so sinks on the result are found in the caller.
    returns_type: str = ""

    def param_index(self, keyword: str) -> int:
        try:
            return self.params.index(keyword)
        except ValueError:
            return -1


@dataclass(frozen=True)
class OutgoingCall:
    """A call passing request data to a function the file could not see (another module).

    The callee's own file reads these (``taint_summaries`` facts of its callers) and reports
    the flow at its sink, where the fix goes, rather than at every call site.
    """

    callee: str  # resolved dotted path (``shop.db.find_by_name``)
    param: int  # positional index, or -1 when passed by keyword
    keyword: str
    origin: Origin
    text: frozenset[str]
    cleared: frozenset[str]
    alias: str
    range: Range  # the call
    path: str
    function: str  # the caller
    held: bool = False  # passed as a value under a fixed key (see labels.Label.held)


@dataclass(frozen=True)
class TaintFacts:
    """What the project index keeps per file: summaries and outgoing tainted calls."""

    summaries: dict[str, Summary]
    calls: tuple[OutgoingCall, ...] = ()
    #: Every module-level function: a call to one without a summary carries no taint.
    functions: frozenset[str] = frozenset()
