"""The result of secret detection, and how a secret may be shown."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..model import Confidence, Range

#: Codes of the secrets family (documented in checks/rules/secrets.py).
KNOWN_FORMAT, NAMED_CREDENTIAL, URL_PASSWORD, PRIVATE_KEY = "CW201", "CW202", "CW203", "CW204"


@dataclass(frozen=True)
class Secret:
    """One hardcoded secret. ``value`` must never reach a message, log or report."""

    code: str
    #: What the message calls it ("Stripe secret key", "password").
    kind: str
    range: Range
    value: str = field(repr=False)
    #: The variable, key or argument name that holds it, as written (None: anonymous).
    name: str | None
    #: The public prefix that may be shown ("sk_live_", "AKIA"); "" when none.
    shown: str
    #: The environment variable name a fix moves it to.
    env_name: str
    confidence: Confidence
    #: The Python literal a fix replaces (None in config files or when no fix is sound).
    node: ast.AST | None = field(default=None, compare=False, repr=False)
    #: True when the literal is the fallback default of an environment read.
    fallback: bool = False
    #: ``node`` is a pydantic settings field whose default the fix removes.
    settings_field: bool = False

    def __repr__(self) -> str:  # dataclass repr is disabled for value; keep it explicit
        return f"Secret({self.code}, {self.kind!r}, {self.range}, name={self.name!r})"
