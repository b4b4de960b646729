"""Taint values: sets of labels, each naming where the data came from and what cleared it.

A :class:`Label` is immutable and small. ``cleared`` holds the sink categories a sanitizer or
guard made the value safe for (``"*"`` for all of them); ``text`` holds what the value was
embedded in (``"sql"`` when a constant with SQL keywords was joined to it, ``"html"`` for
markup) so sinks that only matter for such text (a bare ``db.execute``) can ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..model import Range

#: Guard facts that together make a redirect target a local path: it starts with "/" and
#: does not start with "//" (which browsers read as another host).
LOCAL_PREFIX = "starts-with:/"
NOT_PROTOCOL_RELATIVE = "not-starts-with://"

#: Guard facts that together make a value one quoted string literal: it starts and ends with
#: the quote and holds no other (``eval`` of it can only give back a string).
QUOTE_FACTS = ("starts-with:", "ends-with:", "no-inner:")

#: Fact: the value holds no "/" or "\\" (one URL path segment). Joined to fixed text inside a
#: path component (``f"export_{id}.csv"``) it cannot be ".." and so cannot climb: that
#: part of a path is then safe (see flow.py ``_joined``).
ONE_SEGMENT = "one-segment"

#: Fact on a parameter's label: it was written inside a file name with fixed text, so callers
#: passing one path segment (``ONE_SEGMENT``) cannot make a path of it climb.
IN_NAME = "in-name"

#: Every sink category (for sources that only matter to some: ``only_for``).
CATEGORIES = frozenset({
    "sql", "nosql", "command", "code", "path", "ssrf", "redirect", "deserialization", "xxe", "ldap", "xpath",
    "session", "html", "markup",
})

#: Most flow steps kept per label; longer chains keep their first steps and the sink.
MAX_STEPS = 8


@dataclass(frozen=True, eq=False)
class Origin:
    """Where tainted data entered: a source expression or a function parameter.

    Compared by content with a hash computed once (values are unioned constantly, and
    project facts holding origins must compare equal when a file is re-indexed unchanged).
    """

    kind: str  # "source" or "param"
    what: str  # what the user sees: "request.args", "route parameter", "parameter"
    name: str  # the variable or expression holding it
    range: Range
    param: int = -1  # index among the function's parameters for kind == "param"
    route: bool = False  # a route/view parameter: attacker-controlled, not symbolic
    structured: bool = False  # parsed JSON: may carry dicts/lists (NoSQL operators)
    path: str = ""  # the file of the source when it is not the analysed one
    stored: bool = False  # read back from the database: user input, but one step removed

    def _identity(self) -> tuple:
        return (self.kind, self.what, self.name, self.range, self.param, self.route, self.structured, self.path, self.stored)

    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(self._identity())
            object.__setattr__(self, "_hash", cached)
        return cached

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Origin) and hash(self) == hash(other) and self._identity() == other._identity())

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_hash", None)  # string hashes differ between processes
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def proven(self) -> bool:
        """A real entry point (request data, route parameter), not a symbolic parameter."""
        return self.kind == "source" or self.route


@dataclass(frozen=True, eq=False)
class Label:
    """A tainted value's history; compared by identity, deduplicated by :attr:`key`."""

    origin: Origin
    cleared: frozenset[str] = frozenset()
    text: frozenset[str] = frozenset()
    built: bool = False  # went through string building (f-string, %, +, format, join)
    steps: tuple[tuple[Range, str], ...] = ()
    #: The first variable the value was stored in, for messages ("`name` from ...").
    alias: str = ""
    #: Held as a value of a mapping whose keys are fixed names (``{"title": x}``, a model's
    #: ``model_dump()``): the mapping's ``keys()`` do not carry it.
    held: bool = False
    #: A parameter's data taken through ``keys()``: a sink it reaches sees only the keys of
    #: what callers pass (values they hold under fixed keys do not reach it).
    keys: bool = False

    def live_for(self, category: str) -> bool:
        if category == "redirect" and LOCAL_PREFIX in self.cleared and NOT_PROTOCOL_RELATIVE in self.cleared:
            return False
        if category == "code" and any(all(f"{fact}{quote}" in self.cleared for fact in QUOTE_FACTS) for quote in "'\""):
            return False
        return category not in self.cleared and "*" not in self.cleared

    @property
    def key(self) -> tuple:
        return (self.origin, self.cleared, self.text, self.built, self.held, self.keys)


Taint = frozenset  # frozenset[Label]
CLEAN: frozenset[Label] = frozenset()


def union(*taints: Iterable[Label]) -> frozenset[Label]:
    """Union that keeps one label per (origin, cleared, text, built): the first seen."""
    seen: dict[tuple, Label] = {}
    for taint in taints:
        for label in taint:
            seen.setdefault(label.key, label)
    return frozenset(seen.values()) if seen else CLEAN


def _rewritten(labels: Iterable[Label]) -> frozenset[Label]:
    """The labels of one taint value after a rewrite (clear, mark, structured, step), one per
    :attr:`Label.key`.

    A rewrite can give two labels of the value the same key (a value tainted through two
    paths, one of them already cleared for a category, is then cleared for it). Which one
    stays must not depend on the order the value's set yields them (labels hash by address,
    so that order changed from run to run and so did the reported flow): the shortest path,
    then the earliest, wins.
    """
    seen: dict[tuple, Label] = {}
    for label in labels:
        key = label.key
        kept = seen.get(key)
        if kept is None or (len(label.steps), label.steps, label.alias) < (len(kept.steps), kept.steps, kept.alias):
            seen[key] = label
    return frozenset(seen.values()) if seen else CLEAN


def clear(taint: Iterable[Label], categories: Iterable[str]) -> frozenset[Label]:
    extra = frozenset(categories)
    return _rewritten(
        Label(label.origin, label.cleared | extra, label.text, label.built, label.steps, label.alias, label.held, label.keys)
        for label in taint
    )


def mark(taint: Iterable[Label], text: Iterable[str] = (), built: bool = False) -> frozenset[Label]:
    """Labels embedded in text of the given kinds (and, when ``built``, in a built string)."""
    kinds = frozenset(text)
    if not kinds and not built:
        return frozenset(taint)
    return _rewritten(
        Label(label.origin, label.cleared, label.text | kinds, label.built or built, label.steps, label.alias, label.held,
              label.keys)
        for label in taint
    )


def step(taint: Iterable[Label], where: Range, name: str) -> frozenset[Label]:
    """Record that the value was assigned to ``name`` at ``where`` (a flow step)."""
    message = f"assigned to `{name}`"
    return _rewritten(
        Label(
            label.origin,
            label.cleared,
            label.text,
            label.built,
            label.steps + ((where, message),) if len(label.steps) < MAX_STEPS else label.steps,
            label.alias or name,
            label.held,
            label.keys,
        )
        for label in taint
    )


def structured(taint: Iterable[Label]) -> frozenset[Label]:
    """Labels of data parsed into dicts and lists (``json.loads``)."""
    return _rewritten(replace(label, origin=replace(label.origin, structured=True)) for label in taint)


def held(taint: Iterable[Label]) -> frozenset[Label]:
    """The labels as values stored under fixed keys of a mapping (``{"title": x}``)."""
    return _rewritten(label if label.held else replace(label, held=True) for label in taint)


def unheld(taint: Iterable[Label]) -> frozenset[Label]:
    """The labels of a value read out of a mapping (``d["title"]``, ``d.values()``): what
    it holds may have keys of its own."""
    if not any(label.held for label in taint):
        return frozenset(taint)
    return _rewritten(replace(label, held=False) if label.held else label for label in taint)


def mapping_keys(taint: Iterable[Label]) -> frozenset[Label]:
    """The labels of ``d.keys()``: not what ``d`` holds under fixed keys; a parameter's
    data is marked, so its sinks see only the keys of what callers pass."""
    return _rewritten(
        replace(label, keys=True) if label.origin.kind == "param" and not label.origin.route and not label.keys else label
        for label in taint if not label.held
    )


def without_fact(taint: frozenset[Label], fact: str) -> frozenset[Label]:
    """The labels with ``fact`` forgotten (a one-segment value built into a longer string)."""
    if not any(fact in label.cleared for label in taint):
        return taint
    return _rewritten(replace(label, cleared=label.cleared - {fact}) if fact in label.cleared else label for label in taint)


def live(taint: Iterable[Label], category: str) -> list[Label]:
    return [label for label in taint if label.live_for(category)]
