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
    #: Request data the function returns itself (origins carry the defining file's path).
    sources: tuple[Origin, ...] = ()
    #: Whether the first parameter is ``self``/``cls`` (callers skip it).
    method: bool = False

    def param_index(self, keyword: str) -> int:
        try:
            return self.params.index(keyword)
        except ValueError:
            return -1


EMPTY = Summary("", ())
