"""Entry point: every secret of one document, computed once and shared by the CW2xx rules."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import PurePosixPath

from ..context import RuleContext
from ..model import Range
from ..source import SourceDoc
from ..syntax import call_name, dotted
from . import git, python_source, text_source
from .catalog import catalog
from .model import Secret

_MEMO = "secrets"
_TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__", "spec", "specs"})
#: .env variants that are meant to be committed (templates); others hold real values.
_TEMPLATE_WORDS = ("example", "sample", "template", "dist", "defaults", "tmpl")


class SecretScanError(RuntimeError):
    """Detection failed; the message names the exception type only, never a value."""


def find_secrets(ctx: RuleContext) -> list[Secret]:
    """The document's secrets (memoised in ``ctx.memo`` for the four rules)."""
    cached = ctx.memo.get(_MEMO)
    if cached is None:
        try:
            cached = _find(ctx)
        except Exception as exc:  # re-raised without its text: it could quote a literal
            raise SecretScanError(f"secret detection failed ({type(exc).__name__})") from None
        ctx.memo[_MEMO] = cached
    return cached  # type: ignore[return-value]


def is_test_path(path: str) -> bool:
    """Files under a test folder, ``test_*.py``, ``*_test.py`` and ``conftest.py``."""
    pure = PurePosixPath(path.replace("\\", "/"))
    name = pure.name.lower()
    if name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name == "conftest.py":
        return True
    return any(part.lower() in _TEST_DIRS for part in pure.parts[:-1])


def _find(ctx: RuleContext) -> list[Secret]:
    doc = ctx.doc
    if not ctx.config.secrets_in_tests and is_test_path(doc.path):
        return []
    cat = catalog(ctx.knowledge)
    if doc.tree is not None:
        return _distinct_env_names(doc, [
            Secret(verdict.code, verdict.kind, doc.range_of(literal.node), literal.value, literal.name, verdict.shown,
                   literal.name if literal.fallback and literal.name else verdict.env_name, verdict.confidence,
                   literal.target if verdict.whole else None, literal.fallback, literal.settings_field)
            for literal, verdict in python_source.scan(doc, cat)
        ] + [
            Secret(key.verdict.code, key.verdict.kind, Range.of(key.line, key.start, key.line, key.end),
                   doc.lines.line_text(key.line)[key.start : key.end], None, key.verdict.shown, key.verdict.env_name,
                   key.verdict.confidence)
            for key in python_source.comment_keys(doc, cat)
        ])
    if doc.kind == "python":
        return []
    if doc.kind == "env" and not _committable_env_file(ctx, doc):
        return []
    found = []
    for hit in text_source.scan(doc, cat):
        found.append(Secret(hit.verdict.code, hit.verdict.kind, Range.of(hit.line, hit.start, hit.line, hit.end),
                            doc.lines.line_text(hit.line)[hit.start : hit.end], hit.name, hit.verdict.shown,
                            hit.verdict.env_name, hit.verdict.confidence))
    return found


def _distinct_env_names(doc: SourceDoc, secrets: list[Secret]) -> list[Secret]:
    """Two different values must not share one variable: ``PASSWORD``, ``PASSWORD_2``...

    A variable the file already reads is taken too: fix-all moves one secret per round when
    their fixes share an edit (an added import), and the next secret must not get the name
    the previous one just took."""
    if not secrets:
        return secrets
    owners: dict[str, str | None] = dict.fromkeys(_env_names_read(doc))
    result = []
    for secret in sorted(secrets, key=lambda s: s.range):
        if secret.fallback:  # ``os.getenv("NAME", "...")``: the variable is already NAME
            result.append(secret)
            continue
        name, n = secret.env_name, 1
        while name in owners and owners[name] != secret.value:
            n += 1
            name = f"{secret.env_name}_{n}"
        owners[name] = secret.value
        result.append(secret if name == secret.env_name else replace(secret, env_name=name))
    return result


_ENV_READS = frozenset({"getenv", "get", "config", "str", "env", "int", "bool", "json", "url", "db", "list"})
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def _env_names_read(doc: SourceDoc) -> set[str]:
    """Upper-case names the file reads from the environment: ``os.environ["NAME"]``, and the
    first argument of a reader call (``os.getenv``, ``environ.get``, ``config``, ``env.str``)."""
    names = set()
    for node in doc.nodes:
        key = None
        if isinstance(node, ast.Subscript) and (dotted(node.value) or "").endswith("environ"):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args and call_name(node) in _ENV_READS:
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _ENV_NAME.match(key.value):
            names.add(key.value)
    return names


def _committable_env_file(ctx: RuleContext, doc: SourceDoc) -> bool:
    """Templates (``.env.example``) always; real ``.env`` files only when git would commit them."""
    name = PurePosixPath(doc.path.replace("\\", "/")).name.lower()
    if any(word in name for word in _TEMPLATE_WORDS):
        return True
    location = git.locate(ctx)
    return location is not None and location.repo is not None and not git.is_ignored(location.repo, location.absolute)
