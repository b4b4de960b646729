"""Names that say "credential": normalisation, classification and env var names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import Catalog

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_SUFFIXES = re.compile(r"_(?:config|conf|cfg|settings|params|kwargs|options|opts|dict|info|data)$")


def normalise(name: str) -> str:
    """``apiKey``, ``API-KEY``, ``api.key`` → ``api_key`` (lower-case words joined by ``_``)."""
    spaced = _CAMEL.sub("_", name[:200])
    return "_".join(part for part in _SEPARATORS.split(spaced.lower()) if part)


@dataclass(frozen=True)
class NameMatch:
    kind: str
    #: The name is weak evidence: only a value that looks generated is a credential.
    random: bool = False


def secret_kind(name: str | None, catalog: Catalog) -> NameMatch | None:
    """The kind of credential a name announces ("password", "token"...), else None."""
    if not name:
        return None
    norm = normalise(name)
    if not norm:
        return None
    kind = None
    for row, pattern in catalog.names:
        if pattern.search(norm):
            kind = NameMatch(row["kind"], bool(row.get("random", False)))
            matched = row
            break
    if kind is None:
        return None
    for row, pattern in catalog.exclusions:
        if pattern.search(norm):
            row.hit()
            return None
    matched.hit()
    return kind


def env_name(name: str, owner: str | None = None, qualify: bool = False) -> str:
    """An environment variable name for a value held by ``name`` (inside ``owner``).

    A bare generic name (``password`` in ``DB_CONFIG = {...}``) is qualified by its owner
    (``DB_PASSWORD``) so two such values in one project do not collide; an attribute of a
    module or client object always is (``stripe.api_key`` → ``STRIPE_API_KEY``).
    """
    norm = normalise(name)
    if owner and (qualify or "_" not in norm) and not norm.startswith(normalise(owner) + "_"):
        qualifier = _SUFFIXES.sub("", normalise(owner))
        if qualifier and qualifier not in ("self", "cls", "app", "config", "settings", "kwargs", "options", "params"):
            norm = f"{qualifier}_{norm}"
    norm = norm or "SECRET"
    if norm[0].isdigit():
        norm = "_" + norm
    return norm.upper()[:64]
