"""What the flow walker reports: sink hits, and request data entering a module's functions."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..knowledge import Row
from ..model import Range
from .labels import Label
from .summaries import ParamSink

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class SinkHit:
    """Tainted data reached a sink (directly, or through a called function's summary)."""

    category: str
    sink: str  # the sink as written ("cursor.execute")
    node: ast.AST  # where to report
    call: ast.AST | None  # the sink call (for fixes), None for returns/assignments
    arg: ast.AST | None  # the dangerous argument
    labels: tuple[Label, ...]
    function: FunctionNode | None
    row: Row | None = None
    via: ParamSink | None = None  # set when the sink is inside a called function
    #: A parameter-fed sink kept in case a caller turns out to pass request data.
    latent: bool = False
    #: (caller's file, call range, caller's name) when the data came in through a call.
    entry: tuple[str, Range, str] | None = None


@dataclass(frozen=True)
class Incoming:
    """Request data passed into a function of this module (from here or another file)."""

    function: str
    param: int
    keyword: str
    labels: tuple[Label, ...]
    path: str
    range: Range
    caller: str
