"""The taint model as data: which expressions are sources, sinks, sanitizers and guards.

Rows live in ``checks/data/taint_*.toml``. Patterns are dotted paths as the name resolver
produces them (``flask.request.args``, ``sqlite3.Cursor.execute``), ``*.name`` for "any
receiver" (matched against the resolved and the written name), or exact written names for
code whose receiver cannot be resolved (``request.GET`` on a Django view's parameter).
Rows are indexed by their last name segment so a call costs one dict lookup unless some
row could match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..knowledge import Knowledge, Row, declare_section
from ..syntax import path_matches

declare_section(
    "taint_sources",
    "Expressions whose value the user controls (request data, input(), sys.argv).",
    required={"path": str},
    optional={"written": list, "what": str, "structured": bool, "trusted_for": list, "only_for": list, "stored": bool},
)
declare_section(
    "taint_source_keys",
    "Items of a request mapping (`what` of its source row) read by a constant key in `keys`"
    " (`request.META[\"HTTP_REFERER\"]`, `.get(...)`): safe for the `trusted_for` categories.",
    required={"what": list, "keys": list, "trusted_for": list},
)
declare_section(
    "taint_sinks",
    "Calls where tainted data does harm; `arg`/`keyword` name the dangerous argument.",
    required={"call": str, "category": str},
    optional={
        "arg": int,
        "keyword": str,
        "needs_text": str,
        "requires_keyword": str,
        "safe_keyword": str,
        "safe_position": int,
        "safe_values": list,
        "driver": str,
        "json_containers": bool,
        "untainted": bool,
        "untainted_message": str,
        "safe_receivers": list,
        "instance_only": bool,
        "unsafe_option": str,
        "confidence": str,
        "trusted_keys": str,
        "entity_parser": int,
        "entity_parser_keyword": str,
    },
)
declare_section(
    "taint_parsers",
    "Calls returning parsed structured data (dicts that may carry NoSQL operators).",
    required={"call": str},
)
declare_section(
    "taint_sanitizers",
    "Calls whose result is safe for the `clears` categories (\"*\" = every category);"
    " with `attribute = true`, `call` names an attribute read instead (`pathlib.Path().name`);"
    " with `position`, only that item of the returned tuple (of `items` items) is (`os.path.splitext(p)[1]`).",
    required={"call": str, "clears": list},
    optional={"attribute": bool, "position": int, "items": int},
)
declare_section(
    "taint_record_selectors",
    "Methods that narrow a set of stored records (`qs.filter(name=q)`, `paginator.get_page(n)`):"
    " called on stored data, the result holds those records; the arguments only chose them.",
    required={"call": str},
)
declare_section(
    "taint_fixed_key_mappings",
    "Calls returning a mapping whose keys are fixed names (a model's fields): only its values"
    " carry the data, so its `keys()` are safe.",
    required={"call": str},
)
declare_section(
    "taint_unescaped_renders",
    "Template renders that do not escape what they insert: the result carries its data as"
    " the template's kind of text (HTML for an HTML template), unless the template was made"
    " with `escaping_option=True`.",
    required={"call": str},
    optional={"escaping_option": str},
)
declare_section(
    "taint_guards",
    "Calls that, used as an `if` test, prove an argument (`arg`, -1 = receiver, or `keyword`) safe.",
    required={"call": str, "clears": list},
    optional={"arg": int, "keyword": str},
)
declare_section(
    "taint_rejected_text",
    "Text whose absence a check proves (`if \"../\" in name: return`): the value is then safe"
    " for the `clears` categories.",
    required={"text": str, "clears": list},
)
declare_section(
    "taint_routes",
    "Decorators marking route handlers; `params` = \"path\" (only <x>/{x} path names) or \"all\".",
    required={"decorator": str, "params": str},
)
declare_section(
    "taint_views",
    "Function views: a first parameter called `first_param` in a module importing `module_import`"
    " whose path has a part ending in one of `module_parts` (views.py, views/, api.py).",
    required={"first_param": str, "module_import": str},
    optional={"module_parts": list},
)
declare_section(
    "taint_route_exclusions",
    "Route parameters that are not user data (dependencies, the request, typed numbers).",
    required={"annotation": str},
)


def last_segment(pattern: str) -> str:
    return pattern.rsplit(".", 1)[-1].rstrip("()")


@dataclass
class TaintModel:
    sources: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    sinks: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    sanitizers: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Attribute reads whose value is safe (``Path(x).name``: the base name), by attribute.
    attribute_sanitizers: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Sanitizers of one item of a returned tuple, by call name (``splitext`` → extension).
    item_sanitizers: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    guards: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    routes: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    views: list[Row] = field(default_factory=list)
    exclusions: list[Row] = field(default_factory=list)
    parsers: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    unescaped_renders: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Calls returning a mapping with fixed keys, by name (``taint_fixed_key_mappings``).
    fixed_key_mappings: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Methods narrowing stored records, by name (see ``taint_record_selectors``).
    record_selectors: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Rejected text (``".."``) -> the rows saying what its absence makes safe.
    rejections: dict[str, Row] = field(default_factory=dict)
    #: Trusted items of request mappings (``taint_source_keys``), by lower-cased key.
    source_keys: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    #: Names of sinks reported even without user data (``yaml.load``).
    untainted_sinks: set[str] = field(default_factory=set)


@lru_cache(maxsize=4)
def model_for(knowledge: Knowledge) -> TaintModel:
    model = TaintModel()
    for row in knowledge.rows("taint_sources"):
        model.sources[last_segment(row["path"])].append(row)
        for written in row.get("written", []):
            if last_segment(written) != last_segment(row["path"]):
                model.sources[last_segment(written)].append(row)
    for section, index in (
        ("taint_sinks", model.sinks),
        ("taint_sanitizers", model.sanitizers),
        ("taint_guards", model.guards),
        ("taint_parsers", model.parsers),
        ("taint_unescaped_renders", model.unescaped_renders),
        ("taint_record_selectors", model.record_selectors),
        ("taint_fixed_key_mappings", model.fixed_key_mappings),
    ):
        for row in knowledge.rows(section):
            if row.get("attribute"):
                model.attribute_sanitizers[last_segment(row["call"])].append(row)
            elif "position" in row:
                model.item_sanitizers[last_segment(row["call"])].append(row)
            else:
                index[last_segment(row["call"])].append(row)
    for row in knowledge.rows("taint_source_keys"):
        for key in row["keys"]:
            model.source_keys[key.lower()].append(row)
    model.untainted_sinks = {last_segment(r["call"]) for r in knowledge.rows("taint_sinks") if r.get("untainted")}
    for row in knowledge.rows("taint_rejected_text"):
        model.rejections[row["text"]] = row
    for row in knowledge.rows("taint_routes"):
        model.routes[last_segment(row["decorator"])].append(row)
    model.views = knowledge.rows("taint_views")
    model.exclusions = knowledge.rows("taint_route_exclusions")
    return model


def candidates(index: dict[str, list[Row]], name: str) -> list[Row]:
    """Rows that may match a call of ``name``: its own rows, then ``module.*`` rows."""
    wildcard = index.get("*")
    own = index.get(name)
    if wildcard is None:
        return own or []
    return [*wildcard, *own] if own else wildcard


def matches(pattern: str, resolved: str | None, written: str | None) -> bool:
    """Resolved path first; ``*.x`` patterns also match the written name."""
    if path_matches(pattern, resolved):
        return True
    return pattern.startswith("*.") and path_matches(pattern, written)


#: How code names the request object besides ``request``: a helper's ``req`` parameter, a
#: class keeping it as ``self.request`` (Django class-based views, request wrappers).
_REQUEST_ALIASES = ("self.request.", "req.", "self.req.")


def source_matches(row: Row, resolved: str | None, written: str | None) -> bool:
    if row["path"].startswith("*."):
        return matches(row["path"], resolved, written)
    if resolved == row["path"]:
        return True
    if written is None:
        return False
    forms = row.get("written", ())
    if written in forms:
        return True
    alias = next((a for a in _REQUEST_ALIASES if written.startswith(a)), None)
    return alias is not None and "request." + written[len(alias):] in forms
